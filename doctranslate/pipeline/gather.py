"""Gather a batch's translations: download them atomically when `--out` is a local folder, and record, in
the batch's manifest, which source content each was made from; restore translations that are current in
storage but missing locally.

The manifest (`storage.names.manifest_blob_name`) is read on the first write and added to, so a follow
resumed after a crash keeps what the interrupted one recorded (it downloads only the rest, and must not
drop from the manifest what it did not download again).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.manifests import BatchManifest, encode, recorded_outputs
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.atomic import remove_abandoned_partials
from doctranslate.storage.names import manifest_blob_name
from doctranslate.storage.transfer import Download, download_blobs

logger = logging.getLogger("doctranslate.pipeline.gather")


@dataclass(frozen=True)
class GatherSettings:
    destination: Destination
    sas_lifetime: timedelta
    concurrency: int = 16

    @classmethod
    def from_settings(cls, settings: Settings, destination: Destination) -> GatherSettings:
        return cls(
            destination=destination,
            sas_lifetime=timedelta(minutes=settings.sas_lifetime_minutes),
            concurrency=settings.transfer_concurrency,
        )


Fetched = Callable[[Sequence[Pair]], None]
"""Told of each part of a round once its translations are on disk (from the transfer threads)."""

PART_SIZE: Final = 100
"""Pairs per part handed on while a round still downloads: QA of the first part overlaps the rest's downloads."""


async def fetch_translations(
    account: StorageAccount, pairs: Sequence[Pair], settings: GatherSettings, *, on_fetched: Fetched | None = None
) -> None:
    """Download each pair's translation to its local path (read-only SAS); nothing for outputs kept in storage.

    `on_fetched` hears the pairs in parts of about `PART_SIZE` (every language of a document in the same part,
    so a checker reads each source once), each as soon as all of it is on disk; outputs kept in storage are
    all there already, and are handed on at once."""
    destination = settings.destination
    parts = _Parts(pairs, on_fetched) if on_fetched is not None else None
    in_order = parts.pairs if parts is not None else pairs  # part by part, so the first is complete first
    downloads = [Download(pair.target, path) for pair in in_order if (path := destination.local_path(pair))]
    if not downloads:
        if on_fetched is not None and pairs:
            on_fetched(pairs)
        return
    read = account.container_sas_url(destination.container, "r", settings.sas_lifetime)
    on_downloaded = parts.downloaded if parts is not None else None
    await download_blobs(downloads, read, concurrency=settings.concurrency, on_downloaded=on_downloaded)


class _Parts:
    """Cuts a round into parts of whole documents and hands each on when its last download lands."""

    def __init__(self, pairs: Sequence[Pair], on_fetched: Fetched) -> None:
        by_document: dict[str, list[Pair]] = {}
        for pair in pairs:
            by_document.setdefault(pair.document.relative_path, []).append(pair)
        self._parts: list[list[Pair]] = [[]]
        for document_pairs in by_document.values():
            if len(self._parts[-1]) >= PART_SIZE:
                self._parts.append([])
            self._parts[-1].extend(document_pairs)
        self._part_of = {pair.target: index for index, part in enumerate(self._parts) for pair in part}
        self._left = [len(part) for part in self._parts]
        self._on_fetched = on_fetched
        self._lock = threading.Lock()

    @property
    def pairs(self) -> list[Pair]:
        return [pair for part in self._parts for pair in part]

    def downloaded(self, download: Download) -> None:
        index = self._part_of[download.blob_name]
        with self._lock:
            self._left[index] -= 1
            complete = self._left[index] == 0
        if complete:
            self._on_fetched(self._parts[index])


async def restore_outputs(account: StorageAccount, pairs: Sequence[Pair], settings: GatherSettings) -> int:
    """Download translations that are current in storage but missing locally; nothing is re-translated."""
    missing = [pair for pair in pairs if (path := settings.destination.local_path(pair)) and not path.exists()]
    if missing:
        await fetch_translations(account, missing, settings)
    return len(missing)


class BatchGatherer:
    """Downloads one batch's outputs (when they are brought home) and keeps its manifest: what `BatchFollower`
    calls as translations land."""

    def __init__(
        self,
        account: StorageAccount,
        settings: GatherSettings,
        *,
        batch_key: str,
        on_fetched: Fetched | None = None,
    ) -> None:
        """`on_fetched`: told of each part of a round as soon as it is on disk (`fetch_translations`)."""
        self._account = account
        self._settings = settings
        self._on_fetched = on_fetched
        self._manifest_name = manifest_blob_name(settings.destination.root, batch_key)
        self._recorded: dict[str, str] | None = None  # the manifest's outputs, read on the first write

    def location_of(self, pair: Pair) -> str:
        return self._settings.destination.location_of(pair)

    async def prepare(self) -> None:
        """Sweep the half-written files of an earlier, killed run (never those of a live writer)."""
        local = self._settings.destination.local
        if local is not None and local.is_dir():
            removed = await asyncio.to_thread(remove_abandoned_partials, local)
            if removed:
                logger.info("removed %d half-written file(s) left by an earlier, interrupted run", removed)

    async def gather(self, batch_id: str, pairs: Sequence[Pair]) -> None:
        await fetch_translations(self._account, pairs, self._settings, on_fetched=self._on_fetched)
        container = self._settings.destination.container
        if self._recorded is None:
            earlier = await asyncio.to_thread(self._account.read_blob, container, self._manifest_name)
            self._recorded = recorded_outputs(earlier)
        self._recorded.update((pair.target, pair.document.md5) for pair in pairs)
        manifest = BatchManifest(batch_id=batch_id, outputs=self._recorded)
        await asyncio.to_thread(self._account.write_blob, container, self._manifest_name, encode(manifest))
