"""Blob arrivals, against Azurite: the inbox mirror and the container watcher's high-water mark."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from doctranslate.blobs import BlobInfo
from doctranslate.event_watch import ContainerWatcher, HighWaterMark
from doctranslate.incoming import inbox_path, pull_incoming
from doctranslate.settings import load_settings
from doctranslate.stack import ManagedProcess, connection_string
from doctranslate.storage import StorageAccount
from tests.support.storage import Storage


@pytest.mark.parametrize(
    ("name", "lands"),
    [
        ("a/b.txt", "a/b.txt"),
        ("contracts/2026 Q1/é.docx", "contracts/2026 Q1/é.docx"),
        ("../escape.txt", None),
        ("a/../../escape.txt", None),
        ("/etc/passwd", None),
        ("a\\..\\..\\escape.txt", None),
        ("a/./b.txt", None),
        ("a//b.txt", None),
    ],
)
def test_inbox_paths_never_leave_the_inbox(tmp_path: Path, name: str, lands: str | None) -> None:
    found = inbox_path(tmp_path, name)
    assert (found.relative_to(tmp_path).as_posix() if found else None) == lands


def blob(name: str, second: int) -> BlobInfo:
    return BlobInfo(
        name,
        1,
        {},
        etag=f"e-{name}-{second}",
        last_modified=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=second),
    )


def test_high_water_mark_keeps_blobs_of_the_same_second_apart() -> None:
    first = [blob("a", 1), blob("b", 2)]
    mark = HighWaterMark().advanced(first)
    assert (mark.since, mark.at_mark) == (first[1].last_modified, ["b"])
    # Listed again: nothing is new. A blob written in the same second as the mark, and a later one, are.
    same_second, later = blob("c", 2), blob("d", 3)
    assert [b.name for b in [*first, same_second, later] if mark.is_new(b)] == ["c", "d"]
    assert mark.advanced([same_second]).at_mark == ["b", "c"]


@pytest.mark.e2e
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


@pytest.mark.e2e
def test_watcher_reports_each_arrival_once_and_again_after_a_rewrite(azurite: ManagedProcess, tmp_path: Path) -> None:
    storage = Storage(azurite.port)
    container = storage.new_container("watched")
    account = StorageAccount(load_settings(storage_connection_string=connection_string(azurite.port)))
    watcher = ContainerWatcher(account, container, "", tmp_path / "mark.json")
    storage.upload(container, {"one.txt": b"1", "two.txt": b"2"})

    first = watcher.poll()
    assert sorted(a.blob for a in first) == ["one.txt", "two.txt"]
    assert sorted(a.blob for a in watcher.poll()) == ["one.txt", "two.txt"]  # not committed: reported again
    watcher.commit()
    assert watcher.poll() == []

    time.sleep(1.1)  # a new last-modified second
    storage.upload(container, {"one.txt": b"1 again", "three.txt": b"3"})
    again = watcher.poll()
    watcher.commit()
    assert sorted(a.blob for a in again) == ["one.txt", "three.txt"]
    assert {a.id for a in again}.isdisjoint({a.id for a in first})  # a rewrite is a new event
    assert ContainerWatcher(account, container, "", tmp_path / "mark.json").poll() == []  # the mark was saved
