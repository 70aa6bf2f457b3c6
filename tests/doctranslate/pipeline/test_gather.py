"""Gathering on a real Azurite: translations downloaded whole, recorded in the batch's manifest (added to when
a follow resumes), and current translations missing locally restored without translating again."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from doctranslate.local.stack import ManagedProcess, connection_string
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.gather import PART_SIZE, BatchGatherer, GatherSettings, restore_outputs
from doctranslate.pipeline.manifests import recorded_outputs
from doctranslate.settings import load_settings
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.names import manifest_blob_name
from tests.support.storage import Storage
from tests.support.virtual_batch import pairs

pytestmark = pytest.mark.e2e  # a real Azurite


def target_container(azurite: ManagedProcess) -> tuple[Storage, str, StorageAccount]:
    """A new target container on the test's Azurite, and the account the pipeline reaches it with."""
    storage = Storage(azurite.port)
    account = StorageAccount(load_settings(storage_connection_string=connection_string(azurite.port)))
    return storage, storage.new_container("tgt"), account


def test_gathered_outputs_land_whole_and_the_manifest_keeps_every_round(
    azurite: ManagedProcess, tmp_path: Path
) -> None:
    storage, target, account = target_container(azurite)
    batch = pairs(4)
    storage.upload(target, {p.target: f"translated {p.document.relative_path}".encode() for p in batch})
    destination = Destination(container=target, root="job", download_dir=str(tmp_path / "out"))
    settings = GatherSettings(destination, timedelta(minutes=10), concurrency=2)

    asyncio.run(BatchGatherer(account, settings, batch_key="k1").gather("b-1", batch[:2]))
    resumed = BatchGatherer(account, settings, batch_key="k1")  # another run, after a crash
    asyncio.run(resumed.gather("b-1", batch[2:]))

    for pair in batch:
        path = tmp_path / "out" / "fr" / pair.document.relative_path
        assert path.read_bytes() == f"translated {pair.document.relative_path}".encode()
    manifest = recorded_outputs(storage.download(target, manifest_blob_name("job", "k1")))
    assert manifest == {p.target: p.document.md5 for p in batch}, "the resumed follow must not drop round 1"


def test_restore_downloads_only_what_is_missing_locally(azurite: ManagedProcess, tmp_path: Path) -> None:
    storage, target, account = target_container(azurite)
    batch = pairs(3)
    storage.upload(target, {p.target: b"from storage" for p in batch})
    kept = tmp_path / "out" / "fr" / batch[0].document.relative_path
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"already here")
    settings = GatherSettings(
        Destination(container=target, root="job", download_dir=str(tmp_path / "out")), timedelta(minutes=10)
    )

    assert asyncio.run(restore_outputs(account, batch, settings)) == 2

    assert kept.read_bytes() == b"already here"
    assert (tmp_path / "out" / "fr" / batch[2].document.relative_path).read_bytes() == b"from storage"


def test_a_round_is_handed_on_in_parts_of_whole_documents_each_once_on_disk(
    azurite: ManagedProcess, tmp_path: Path
) -> None:
    storage, target, account = target_container(azurite)
    both = pairs(130, "fr") + pairs(130, "de")
    storage.upload(target, {p.target: p.target.encode() for p in both})
    destination = Destination(container=target, root="job", download_dir=str(tmp_path / "out"))
    handed: list[list[Pair]] = []
    on_disk: list[bool] = []

    def on_fetched(part: Sequence[Pair]) -> None:
        handed.append(list(part))
        on_disk.append(all((tmp_path / "out" / p.language / p.document.relative_path).is_file() for p in part))

    gatherer = BatchGatherer(
        account, GatherSettings(destination, timedelta(minutes=10), concurrency=4), batch_key="k", on_fetched=on_fetched
    )
    asyncio.run(gatherer.gather("b-1", both))

    assert sorted(p.target for part in handed for p in part) == sorted(p.target for p in both), "each pair once"
    assert len(handed) == 3 and all(len(part) <= PART_SIZE + 1 for part in handed)
    assert all(on_disk), "a part is handed on only when all of it is on disk"
    languages_of = {
        p.document.relative_path: {q.language for q in part if q.document == p.document}
        for part in handed
        for p in part
    }
    assert all(found == {"fr", "de"} for found in languages_of.values()), "a document's languages travel together"
