"""Conditional writes on a real Azurite: what keeps concurrent workers from undoing each other's state."""

from __future__ import annotations

import pytest

from doctranslate.local.stack import ManagedProcess, connection_string
from doctranslate.settings import load_settings
from doctranslate.storage.account import StorageAccount
from tests.support.storage import Storage

pytestmark = pytest.mark.e2e  # a real Azurite


def test_writes_and_deletes_happen_only_on_the_version_that_was_read(azurite: ManagedProcess) -> None:
    storage = Storage(azurite.port)
    container = storage.new_container("state")
    account = StorageAccount(load_settings(storage_connection_string=connection_string(azurite.port)))

    assert account.write_blob_if(container, "s.json", b"first", etag=None)
    assert not account.write_blob_if(container, "s.json", b"racing creator", etag=None)
    found = account.read_blob_tagged(container, "s.json")
    assert found is not None and found[0] == b"first"
    storage.upload(container, {"s.json": b"someone else"})  # changed after we read it

    assert not account.write_blob_if(container, "s.json", b"stale", etag=found[1])
    assert not account.delete_blob_if(container, "s.json", etag=found[1])
    assert storage.download(container, "s.json") == b"someone else"

    current = account.read_blob_tagged(container, "s.json")
    assert current is not None
    assert account.write_blob_if(container, "s.json", b"ours", etag=current[1])
    assert account.read_blob_tagged(container, "gone.json") is None
