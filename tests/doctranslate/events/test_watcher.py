"""The container watcher: a high-water mark that tells arrivals apart, each reported once."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from doctranslate.events.watcher import ContainerWatcher, HighWaterMark
from doctranslate.local.stack import ManagedProcess, connection_string
from doctranslate.settings import load_settings
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.blobs import BlobInfo
from tests.support.storage import Storage


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
def test_watcher_reports_each_arrival_once_and_again_after_a_rewrite(azurite: ManagedProcess, tmp_path: Path) -> None:
    storage = Storage(azurite.port)
    container = storage.new_container("watched")
    account = StorageAccount(load_settings(storage_connection_string=connection_string(azurite.port)))
    state = storage.new_container("state")
    watcher = ContainerWatcher(account, container, "", state_container=state)
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
    elsewhere = ContainerWatcher(account, container, "", state_container=state)  # another machine, empty disk
    assert elsewhere.poll() == [], "the mark lives in storage, not on the first watcher's disk"
