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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

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


async def fetch_translations(account: StorageAccount, pairs: Sequence[Pair], settings: GatherSettings) -> None:
    """Download each pair's translation to its local path (read-only SAS); nothing for outputs kept in storage."""
    destination = settings.destination
    downloads = [Download(pair.target, path) for pair in pairs if (path := destination.local_path(pair))]
    if downloads:
        read = account.container_sas_url(destination.container, "r", settings.sas_lifetime)
        await download_blobs(downloads, read, concurrency=settings.concurrency)


async def restore_outputs(account: StorageAccount, pairs: Sequence[Pair], settings: GatherSettings) -> int:
    """Download translations that are current in storage but missing locally; nothing is re-translated."""
    missing = [pair for pair in pairs if (path := settings.destination.local_path(pair)) and not path.exists()]
    if missing:
        await fetch_translations(account, missing, settings)
    return len(missing)


class BatchGatherer:
    """Downloads one batch's outputs (when they are brought home) and keeps its manifest: what `BatchFollower`
    calls as translations land."""

    def __init__(self, account: StorageAccount, settings: GatherSettings, *, batch_key: str) -> None:
        self._account = account
        self._settings = settings
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
        await fetch_translations(self._account, pairs, self._settings)
        container = self._settings.destination.container
        if self._recorded is None:
            earlier = await asyncio.to_thread(self._account.read_blob, container, self._manifest_name)
            self._recorded = recorded_outputs(earlier)
        self._recorded.update((pair.target, pair.document.md5) for pair in pairs)
        manifest = BatchManifest(batch_id=batch_id, outputs=self._recorded)
        await asyncio.to_thread(self._account.write_blob, container, self._manifest_name, encode(manifest))
