"""Follow a submitted batch to its end, downloading each translation as soon as it succeeds.

One status request per interval per batch; the interval starts short and doubles while nothing
changes (up to the configured poll interval), so small batches finish fast and long ones cost few
requests. Throttling and stale reads are absorbed by the client (retries, forward-only view).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from doctranslate.client import AsyncDocumentTranslationClient, ListQuery
from doctranslate.errors import BatchFailedError, hint_for
from doctranslate.existing import Pair
from doctranslate.local.sas_storage import SasLocation
from doctranslate.report import DocumentOutcome
from doctranslate.storage import SOURCE_MD5_METADATA, StorageAccount
from doctranslate.transfer import Download, download_blobs, remove_abandoned_partials
from doctranslate.wire import DocumentStatus, Status, TranslationStatus

logger = logging.getLogger("doctranslate.follow")


@dataclass(frozen=True)
class FollowSettings:
    out_dir: Path
    target_container: str
    sas_lifetime: timedelta
    min_interval: float = 1.0
    max_interval: float = 5.0
    concurrency: int = 16


def output_path(out_dir: Path, pair: Pair) -> Path:
    """`--out/<lang>/<relative path>`: the source folder's layout, mirrored per language."""
    return out_dir / pair.language / pair.document.relative_path


def _blob_name(url: str) -> str:
    return SasLocation.parse(url, is_blob=True).blob_name or ""


class BatchFollower:
    def __init__(
        self,
        client: AsyncDocumentTranslationClient,
        account: StorageAccount,
        pairs: Sequence[Pair],
        settings: FollowSettings,
        on_update: Callable[[TranslationStatus], Awaitable[None]] | None = None,
        before_poll: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """`before_poll` is awaited before every status read (the Prefect layer uses it for a fleet-wide
        rate limit); `on_update` gets every status read."""
        self._client = client
        self._before_poll = before_poll
        self._account = account
        self._settings = settings
        self._on_update = on_update
        self._by_target = {pair.target: pair for pair in pairs}
        self._gathered: set[str] = set()

    async def run(self, batch_id: str) -> tuple[TranslationStatus | None, list[DocumentOutcome]]:
        if self._settings.out_dir.is_dir():
            removed = await asyncio.to_thread(remove_abandoned_partials, self._settings.out_dir)
            if removed:
                logger.info("removed %d half-written file(s) left by an earlier, interrupted run", removed)
        poller = self._client.resume_translation(batch_id)
        interval = self._settings.min_interval
        while True:
            if self._before_poll is not None:
                await self._before_poll()
            status = await poller.poll()
            if self._on_update is not None:
                await self._on_update(status)
            if status.summary.success > len(self._gathered) or status.status.is_terminal:
                await self._gather(batch_id)
                interval = self._settings.min_interval
            else:
                interval = min(self._settings.max_interval, interval * 2)
            if status.status.is_terminal:
                break
            await asyncio.sleep(interval)
        if status.status is Status.VALIDATION_FAILED:
            return status, self._batch_failed(batch_id, status)
        documents = [d async for d in self._client.list_document_statuses(batch_id)]
        return status, self._outcomes(batch_id, documents)

    async def _gather(self, batch_id: str) -> None:
        succeeded = [
            d
            async for d in self._client.list_document_statuses(batch_id, ListQuery(statuses=[Status.SUCCEEDED]))
            if d.id not in self._gathered and d.path
        ]
        wanted = [(d, self._by_target.get(_blob_name(d.path or ""))) for d in succeeded]
        known = [(d, pair) for d, pair in wanted if pair is not None]
        if not known:
            return
        read = self._account.container_sas_url(self._settings.target_container, "r", self._settings.sas_lifetime)
        downloads = [Download(pair.target, output_path(self._settings.out_dir, pair)) for _, pair in known]
        await download_blobs(downloads, read, concurrency=self._settings.concurrency)
        for document, pair in known:
            # Mark the output with its source's hash, so the next run can tell it is current.
            await asyncio.to_thread(
                self._account.set_metadata,
                self._settings.target_container,
                pair.target,
                {SOURCE_MD5_METADATA: pair.document.md5},
            )
            self._gathered.add(document.id)
        logger.info("batch %s: %d translation(s) downloaded so far", batch_id, len(self._gathered))

    def _outcomes(self, batch_id: str, documents: list[DocumentStatus]) -> list[DocumentOutcome]:
        outcomes: list[DocumentOutcome] = []
        reported: set[str] = set()
        for document in documents:
            pair = self._pair_of(document)
            if pair is None:
                continue
            reported.add(pair.target)
            code = document.error.innermost_code if document.error else None
            outcomes.append(
                DocumentOutcome(
                    source=pair.document.relative_path,
                    language=pair.language,
                    status=document.status.value,
                    output=str(output_path(self._settings.out_dir, pair))
                    if document.status is Status.SUCCEEDED
                    else None,
                    characters_charged=document.character_charged,
                    error=code,
                    message=document.error.innermost_message if document.error else None,
                    hint=hint_for(code),
                    batch=batch_id,
                )
            )
        for target, pair in self._by_target.items():
            if target not in reported:  # the service skipped it silently: say so, do not lose it
                outcomes.append(
                    DocumentOutcome(
                        source=pair.document.relative_path,
                        language=pair.language,
                        status="NotTranslated",
                        message="the service did not report this document; it was skipped silently",
                        batch=batch_id,
                    )
                )
        return outcomes

    def _pair_of(self, document: DocumentStatus) -> Pair | None:
        if document.path:
            return self._by_target.get(_blob_name(document.path))
        # Failed documents have no output path: match by source and language.
        source = _blob_name(document.source_path)
        return next(
            (
                p
                for p in self._by_target.values()
                if p.language == document.to and source.endswith("/" + p.document.relative_path)
            ),
            None,
        )

    def _batch_failed(self, batch_id: str, status: TranslationStatus) -> list[DocumentOutcome]:
        error = BatchFailedError(
            batch_id,
            status.status.value,
            (status.error.innermost_message if status.error else None) or "the service did not say why",
            inner_code=status.error.innermost_code if status.error else None,
        )
        return [
            DocumentOutcome(
                source=pair.document.relative_path,
                language=pair.language,
                status=status.status.value,
                error=error.inner_code,
                message=error.message,
                hint=error.hint,
                batch=batch_id,
            )
            for pair in self._by_target.values()
        ]
