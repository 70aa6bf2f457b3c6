"""Gathering on a real Azurite: translations downloaded whole, recorded in the batch's manifest (added to when
a follow resumes), and current translations missing locally restored without translating again."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from doctranslate.local.stack import ManagedProcess, connection_string
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.gather import BatchGatherer, GatherSettings, restore_outputs
from doctranslate.pipeline.manifests import recorded_outputs
from doctranslate.settings import load_settings
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.names import manifest_blob_name
from tests.support.storage import Storage
from tests.support.virtual_batch import pairs

pytestmark = pytest.mark.e2e  # a real Azurite


def test_gathered_outputs_land_whole_and_the_manifest_keeps_every_round(
    azurite: ManagedProcess, tmp_path: Path
) -> None:
    storage = Storage(azurite.port)
    target = storage.new_container("tgt")
    account = StorageAccount(load_settings(storage_connection_string=connection_string(azurite.port)))
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
    storage = Storage(azurite.port)
    target = storage.new_container("tgt")
    account = StorageAccount(load_settings(storage_connection_string=connection_string(azurite.port)))
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
