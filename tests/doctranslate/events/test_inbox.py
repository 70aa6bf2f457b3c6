"""The inbox mirror, against Azurite: new, changed and deleted blobs followed; escaping names refused."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from doctranslate.events.inbox import pull_incoming
from doctranslate.local.stack import ManagedProcess, connection_string
from doctranslate.settings import load_settings
from doctranslate.storage.account import StorageAccount
from tests.support.storage import Storage

pytestmark = pytest.mark.e2e  # a real Azurite


async def test_pull_mirrors_new_changed_and_deleted_blobs_and_refuses_escapes(
    azurite: ManagedProcess, tmp_path: Path
) -> None:
    storage = Storage(azurite.port)
    container = storage.new_container("incoming")
    storage.upload(container, {"a.txt": b"first", "sub/b.txt": b"second", "sub//twin.txt": b"no"})
    account = StorageAccount(load_settings(storage_connection_string=connection_string(azurite.port)))

    async def pull() -> tuple[int, int, int, list[str]]:
        result = await pull_incoming(account, container, "", tmp_path, lifetime=timedelta(minutes=5), concurrency=4)
        return result.downloaded, result.unchanged, result.removed, result.refused

    assert await pull() == (2, 0, 0, ["sub//twin.txt"])
    assert (tmp_path / container / "sub" / "b.txt").read_bytes() == b"second"
    assert not (tmp_path / container / "sub" / "twin.txt").exists()  # refused, not folded into sub/twin.txt
    assert await pull() == (0, 2, 0, ["sub//twin.txt"])  # nothing changed, nothing downloaded

    storage.upload(container, {"a.txt": b"first, edited"})
    storage.service.get_blob_client(container, "sub/b.txt").delete_blob()
    assert await pull() == (1, 0, 1, ["sub//twin.txt"])
    assert (tmp_path / container / "a.txt").read_bytes() == b"first, edited"
    assert not (tmp_path / container / "sub" / "b.txt").exists()
