"""Watch a container for new or changed blobs and report them as blob arrivals: Event Grid's job, for
Azurite (which has none) and for accounts without an Event Grid subscription.

A high-water mark (the newest last-modified time seen, plus the blobs seen at exactly that time) is kept
in a small blob in doctranslate's state container (`storage.names.watch_mark_blob_name`), so a watcher
restarted on another machine goes on where the last one stopped. It is advanced only after the arrivals
were handed on, so a watcher that dies re-reports rather than misses, and written only over the version it
was read from (If-Match): of two watchers racing, one advances it and the other re-reports. Event ids
derive from container, name and ETag: a re-report is the same event, and a blob written again is a new
one. Each poll lists the container (prefix), since storage cannot list "modified since".
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from doctranslate.events.blob_created import BlobCreated
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.blobs import BlobInfo
from doctranslate.storage.locations import blob_name_problem
from doctranslate.storage.names import watch_mark_blob_name

logger = logging.getLogger("doctranslate.events.watcher")


class HighWaterMark(BaseModel):
    since: datetime | None = None
    at_mark: list[str] = Field(default_factory=list, description="Blobs last modified exactly at `since`.")

    def is_new(self, blob: BlobInfo) -> bool:
        if self.since is None or blob.last_modified is None:
            return True
        return blob.last_modified > self.since or (blob.last_modified == self.since and blob.name not in self.at_mark)

    def advanced(self, blobs: list[BlobInfo]) -> HighWaterMark:
        stamped = [blob for blob in blobs if blob.last_modified is not None]
        if not stamped:
            return self
        newest = max(blob.last_modified for blob in stamped if blob.last_modified is not None)
        if self.since is not None and newest < self.since:
            return self
        names = [blob.name for blob in stamped if blob.last_modified == newest]
        carried = self.at_mark if newest == self.since else []
        return HighWaterMark(since=newest, at_mark=sorted(set(carried) | set(names)))


class ContainerWatcher:
    def __init__(self, account: StorageAccount, container: str, prefix: str, *, state_container: str) -> None:
        self.account = account
        self.container = container
        self.prefix = prefix
        self._state_container = state_container
        self._mark_name = watch_mark_blob_name(container, prefix)
        self._pending: HighWaterMark | None = None
        self._etag: str | None = None

    def poll(self) -> list[BlobCreated]:
        """Blobs new since the mark, oldest first. Call `commit()` once they have been handed on."""
        mark = self._load()
        new = [
            blob
            for blob in self.account.list_blobs(self.container, self.prefix)
            if not blob.name.endswith("/") and mark.is_new(blob)
        ]
        new.sort(key=lambda blob: (blob.last_modified is None, blob.last_modified, blob.name))
        self._pending = mark.advanced(new)
        named = [(blob, blob_name_problem(blob.name)) for blob in new]
        for blob, problem in named:
            if problem is not None:  # passed over for good (the mark moves past it), never posted
                logger.warning("skipped a blob of %s: %s (%r)", self.container, problem, blob.name[:80])
        return [self._arrival(blob) for blob, problem in named if problem is None]

    def commit(self) -> None:
        if self._pending is None:
            return
        data = self._pending.model_dump_json().encode()
        if not self.account.write_blob_if(self._state_container, self._mark_name, data, etag=self._etag):
            logger.info(
                "another watcher advanced the mark of %s meanwhile; its arrivals are reported again", self.container
            )
        self._pending = None

    def _load(self) -> HighWaterMark:
        found = self.account.read_blob_tagged(self._state_container, self._mark_name)
        self._etag = found[1] if found else None
        return HighWaterMark.model_validate_json(found[0]) if found else HighWaterMark()

    def _arrival(self, blob: BlobInfo) -> BlobCreated:
        identity = f"{self.account.url}/{self.container}/{blob.name}@{blob.etag}"
        return BlobCreated(
            id=str(uuid.uuid5(uuid.NAMESPACE_URL, identity)),
            account=self.account.account_name,
            container=self.container,
            blob=blob.name,
            occurred=blob.last_modified or datetime.now().astimezone(),
            size=blob.size,
            etag=blob.etag,
        )
