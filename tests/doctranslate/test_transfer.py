"""Transfers on a real Azurite (MD5 checked, first failure, cancellation), atomic writes, and the
clean-up of what a killed writer leaves behind."""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import time
from pathlib import Path

import pytest

from doctranslate.client.retry import RetryPolicy
from doctranslate.errors import ServiceError
from doctranslate.planning import file_md5
from doctranslate.redaction import SasUrl
from doctranslate.stack import ManagedProcess
from doctranslate.storage import SOURCE_MD5_METADATA
from doctranslate.transfer import (
    Download,
    Upload,
    download_blobs,
    remove_abandoned_partials,
    upload_files,
    write_atomically,
)
from tests.support.storage import Storage


def dead_pid() -> int:
    process = subprocess.Popen(["true"])  # noqa: S607
    process.wait()
    return process.pid


def test_write_atomically_leaves_only_the_finished_file(tmp_path: Path) -> None:
    target = tmp_path / "fr" / "guide.v2.md"
    write_atomically(target, b"translated")
    assert target.read_bytes() == b"translated"
    assert sorted(p.name for p in target.parent.iterdir()) == ["guide.v2.md"]


def test_abandoned_partials_go_live_ones_and_outputs_stay(tmp_path: Path) -> None:
    (tmp_path / "fr" / "deep").mkdir(parents=True)
    abandoned = tmp_path / "fr" / "deep" / f".guide.v2.md.{dead_pid()}.k3j_9x.partial"
    from_older_version = tmp_path / "fr" / ".notes.txt.abc123.partial"
    live = tmp_path / "fr" / f".other.txt.{os.getpid()}.q8z1.partial"
    output = tmp_path / "fr" / "deep" / "guide.v2.md"
    for path in (abandoned, from_older_version, live, output):
        path.write_bytes(b"x")

    assert remove_abandoned_partials(tmp_path) == 2

    assert not abandoned.exists()
    assert not from_older_version.exists()
    assert live.exists()
    assert output.exists()


def test_files_go_up_with_their_md5_and_come_back_whole(azurite: ManagedProcess, tmp_path: Path) -> None:
    storage = Storage(azurite.port)
    container = storage.new_container("transfer")
    sas = SasUrl(storage.container_url(container, "rcw"))
    sources = {f"doc-{i:03d}.txt": os.urandom(2048 + i) for i in range(60)}
    for name, data in sources.items():
        (tmp_path / name).write_bytes(data)
    uploads = [Upload(tmp_path / name, f"job/{name}", file_md5(tmp_path / name)) for name in sources]

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
    good = [Upload(tmp_path / "a.txt", f"ok/{i}.txt", file_md5(tmp_path / "a.txt")) for i in range(40)]
    corrupted = Upload(tmp_path / "a.txt", "bad.txt", hashlib.md5(b"something else", usedforsecurity=False).hexdigest())

    with pytest.raises(ServiceError) as caught:
        asyncio.run(upload_files([corrupted, *good], sas, concurrency=2, retry=RetryPolicy(max_attempts=1)))

    assert "MD5 doesn't match" in str(caught.value)
    assert "sig=" not in str(caught.value)
    assert "bad.txt" not in storage.names(container)
    assert len(storage.names(container)) < len(good), "after the first failure, nothing new should start"


def test_a_cancelled_transfer_starts_nothing_more(azurite: ManagedProcess, tmp_path: Path) -> None:
    storage = Storage(azurite.port)
    container = storage.new_container("transfer")
    sas = SasUrl(storage.container_url(container, "rcw"))
    (tmp_path / "a.txt").write_bytes(os.urandom(256 * 1024))
    md5 = file_md5(tmp_path / "a.txt")
    uploads = [Upload(tmp_path / "a.txt", f"many/{i:04d}.txt", md5) for i in range(2000)]

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
