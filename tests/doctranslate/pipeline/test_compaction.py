"""Compaction on a real Azurite: folded manifests vouch exactly as before, planning then reads a bounded
number of state blobs, and a manifest rewritten after it was read is not deleted."""

from __future__ import annotations

import pytest

from doctranslate.local.stack import ManagedProcess, connection_string
from doctranslate.pipeline.compaction import compact_manifests
from doctranslate.pipeline.existing import existing_outputs
from doctranslate.pipeline.manifests import MADE_BY_BATCH, BatchManifest, encode
from doctranslate.settings import load_settings
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.names import SOURCE_MD5_METADATA, is_manifest, manifest_blob_name, state_prefix
from tests.support.storage import Storage

pytestmark = pytest.mark.e2e  # a real Azurite


def test_folded_manifests_vouch_as_before_and_stop_piling_up(azurite: ManagedProcess) -> None:
    storage = Storage(azurite.port)
    container = storage.new_container("tgt")
    account = StorageAccount(load_settings(storage_connection_string=connection_string(azurite.port)))
    for run in range(10):  # ten runs, ten batches, ten manifests
        output = f"docs/fr/file-{run}.txt"
        storage.upload(container, {output: b"translated"})
        manifest = BatchManifest(batch_id=f"b-{run}", outputs={output: f"{run:032x}"})
        storage.upload(container, {manifest_blob_name("docs", f"key-{run}"): encode(manifest)})
    before = existing_outputs(account, container, "docs")

    assert compact_manifests(account, container, "docs", threshold=8) == 10

    assert existing_outputs(account, container, "docs") == before
    assert before["docs/fr/file-3.txt"][SOURCE_MD5_METADATA] == f"{3:032x}"
    assert before["docs/fr/file-3.txt"][MADE_BY_BATCH] == "b-3", "which batch made it survives the folding"
    state = [name for name in storage.names(container) if name.startswith(state_prefix("docs"))]
    assert not [name for name in state if is_manifest("docs", name)], "the batch manifests were folded"
    assert compact_manifests(account, container, "docs", threshold=8) == 0, "nothing left to fold"


def test_below_the_threshold_nothing_is_touched(azurite: ManagedProcess) -> None:
    storage = Storage(azurite.port)
    container = storage.new_container("tgt")
    account = StorageAccount(load_settings(storage_connection_string=connection_string(azurite.port)))
    storage.upload(container, {manifest_blob_name("docs", "k"): encode(BatchManifest(batch_id="b", outputs={}))})
    assert compact_manifests(account, container, "docs", threshold=8) == 0
    assert manifest_blob_name("docs", "k") in storage.names(container)
