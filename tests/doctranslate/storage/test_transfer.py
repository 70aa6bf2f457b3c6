"""Transfers on a real Azurite: MD5 checked by storage, the first failure stops the rest and reads as a
storage error (with storage's own code, never the SAS), cancellation starts nothing more."""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import time
from pathlib import Path

import pytest

from doctranslate.errors import StorageError
from doctranslate.http.retry import RetryPolicy
from doctranslate.local.stack import ManagedProcess
from doctranslate.pipeline.scan import file_md5
from doctranslate.redaction import SasUrl
from doctranslate.storage import transfer
from doctranslate.storage.names import SOURCE_MD5_METADATA
from doctranslate.storage.transfer import Download, Upload, download_blobs, upload_files
from tests.support.storage import Storage

pytestmark = pytest.mark.e2e  # a real Azurite


def test_files_go_up_with_their_md5_and_come_back_whole(azurite: ManagedProcess, tmp_path: Path) -> None:
    storage = Storage(azurite.port)
    container = storage.new_container("transfer")
    sas = SasUrl(storage.container_url(container, "rcw"))
    sources = {f"doc-{i:03d}.txt": os.urandom(2048 + i) for i in range(60)}
    for name, data in sources.items():
        (tmp_path / name).write_bytes(data)
    uploads = [
        Upload(tmp_path / name, f"job/{name}", file_md5(tmp_path / name), len(sources[name])) for name in sources
    ]

    asyncio.run(upload_files(uploads, sas, concurrency=4))
    first_md5 = hashlib.md5(sources["doc-000.txt"], usedforsecurity=False).hexdigest()
    assert storage.metadata(container, "job/doc-000.txt") == {SOURCE_MD5_METADATA: first_md5}
    downloads = [Download(f"job/{name}", tmp_path / "out" / name) for name in sources]
    asyncio.run(download_blobs(downloads, sas, concurrency=4))

    for name, data in sources.items():
        assert (tmp_path / "out" / name).read_bytes() == data


def test_a_wrong_md5_is_refused_by_storage_and_raised_without_the_sas(azurite: ManagedProcess, tmp_path: Path) -> None:
    storage = Storage(azurite.port)
    container = storage.new_container("transfer")
    sas = SasUrl(storage.container_url(container, "rcw"))
    (tmp_path / "a.txt").write_bytes(b"what is on disk")
    good = [Upload(tmp_path / "a.txt", f"ok/{i}.txt", file_md5(tmp_path / "a.txt"), 15) for i in range(40)]
    corrupted = Upload(
        tmp_path / "a.txt", "bad.txt", hashlib.md5(b"something else", usedforsecurity=False).hexdigest(), 15
    )

    with pytest.raises(StorageError) as caught:
        asyncio.run(upload_files([corrupted, *good], sas, concurrency=2, retry=RetryPolicy(max_attempts=1)))

    assert "MD5 doesn't match" in str(caught.value)
    assert caught.value.status_code == 400
    assert caught.value.code in ("Md5Mismatch", "InvalidOperation"), "storage's own code (Azure's; Azurite's)"
    assert "sig=" not in str(caught.value)
    assert "bad.txt" not in storage.names(container)
    assert len(storage.names(container)) < len(good), "after the first failure, nothing new should start"


def test_a_cancelled_transfer_starts_nothing_more(azurite: ManagedProcess, tmp_path: Path) -> None:
    storage = Storage(azurite.port)
    container = storage.new_container("transfer")
    sas = SasUrl(storage.container_url(container, "rcw"))
    (tmp_path / "a.txt").write_bytes(os.urandom(256 * 1024))
    md5 = file_md5(tmp_path / "a.txt")
    uploads = [Upload(tmp_path / "a.txt", f"many/{i:04d}.txt", md5, 256 * 1024) for i in range(2000)]

    async def cancel_soon() -> None:
        task = asyncio.create_task(upload_files(uploads, sas, concurrency=2))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_soon())
    after_cancel = len(storage.names(container))
    time.sleep(1.0)
    assert 0 < after_cancel < len(uploads)
    assert len(storage.names(container)) <= after_cancel + 2, "at most the requests in flight may still land"


def test_files_larger_than_the_bytes_in_flight_budget_still_go_up_one_at_a_time(
    azurite: ManagedProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "MAX_UPLOAD_BYTES_IN_FLIGHT", 64 * 1024)
    storage = Storage(azurite.port)
    container = storage.new_container("transfer")
    sas = SasUrl(storage.container_url(container, "rcw"))
    uploads = []
    for i in range(6):
        (tmp_path / f"big-{i}.txt").write_bytes(os.urandom(200 * 1024))
        uploads.append(
            Upload(tmp_path / f"big-{i}.txt", f"big/{i}.txt", file_md5(tmp_path / f"big-{i}.txt"), 200 * 1024)
        )

    asyncio.run(upload_files(uploads, sas, concurrency=8))

    assert sorted(storage.names(container)) == sorted(u.blob_name for u in uploads)


def test_the_byte_budget_holds_back_what_would_pass_it_and_lets_one_through_whatever_its_size() -> None:
    budget = transfer._ByteBudget(100)
    in_flight: list[int] = []
    most: list[int] = [0]
    lock = threading.Lock()

    def send(size: int) -> None:
        budget.take(size)
        with lock:
            in_flight.append(size)
            most[0] = max(most[0], sum(in_flight))
        time.sleep(0.02)
        with lock:
            in_flight.remove(size)
        budget.give_back(size)

    sizes = [40, 40, 40, 30, 250, 10, 60, 40]
    threads = [threading.Thread(target=send, args=(size,)) for size in sizes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert not any(thread.is_alive() for thread in threads), "a file over the budget must not wait forever"
    assert most[0] == 250, "over the budget only ever alone"
