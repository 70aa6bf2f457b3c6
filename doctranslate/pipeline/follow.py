"""Follow a submitted batch to its end, handing its translations to a gatherer as they land.

Status reads follow `PollCadence` (frequent at the start and near the predicted end, at most every
poll interval in between) and downloads follow `worth_gathering` (at the end, and for a long batch
whenever successes have doubled), so a batch of 1,000 documents costs tens of status requests, not
thousands, and its end is seen within about half a second (the shortest interval, 0.5 s, is used only at
the start and in the last second or so: a few reads more per batch, not a steady rate). Throttling and
stale reads are absorbed by the client (retries, forward-only view). Time comes from a `Clock`, so tests
run a long batch in no time.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Final, Protocol

from doctranslate.client import AsyncDocumentTranslationClient, ListQuery
from doctranslate.errors import BatchFailedError, StorageError, hint_for
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.outcomes import BatchOutcome, BatchResult, DocumentOutcome, OutcomeStatus
from doctranslate.storage.locations import SasLocation
from doctranslate.wire import DocumentStatus, Status, TranslationStatus

logger = logging.getLogger("doctranslate.pipeline.follow")


class Clock(Protocol):
    def monotonic(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class Gatherer(Protocol):
    """Where translations go (`gather.BatchGatherer`): prepared once, then handed each round's successes."""

    def location_of(self, pair: Pair) -> str:
        """Where the pair's translation can be found, for the report."""
        ...

    async def prepare(self) -> None: ...

    async def gather(self, batch_id: str, pairs: Sequence[Pair]) -> None: ...


MAX_PAGE_SIZE: Final = 100
"""The largest page the service sends: listing 1,000 documents takes 10 requests, not 20."""


IN_FLIGHT_AFTER_SECONDS: Final = 30.0


def worth_gathering(succeeded: int, gathered: int, total: int, followed_seconds: float) -> bool:
    """Download before the end only for a batch followed for half a minute already, and then whenever the
    successes have at least doubled since the last download and are a tenth of the batch.

    Each download round lists every succeeded document again (the API cannot list only the new ones), so
    rounds at 10 %, 20 %, 40 %, 80 % and the end list the batch about 2.5 times in all, where a round per
    poll would list it dozens of times. A short batch is listed once, at its end: early downloads would
    only spend status requests and compete with the service.
    """
    if followed_seconds < IN_FLIGHT_AFTER_SECONDS:
        return False
    return succeeded > gathered and succeeded >= max(2 * gathered, math.ceil(total / 10), 1)


class PollCadence:
    """When to read the status next: soon while nothing has finished (the interval doubles from `shortest`),
    then about half the predicted time left at the current pace, within [`shortest`, `longest`].

    A long batch is read every `longest` seconds; its end is still seen within about a second, because the
    interval shrinks as the predicted end nears.
    """

    def __init__(self, shortest: float, longest: float, clock: Clock | None = None) -> None:
        self._shortest = shortest
        self._longest = longest
        self._interval = shortest
        self._clock = clock or SystemClock()
        self._started = self._clock.monotonic()

    @property
    def elapsed(self) -> float:
        return self._clock.monotonic() - self._started

    def next_interval(self, finished: int, total: int) -> float:
        if finished == 0 or total == 0:
            interval, self._interval = self._interval, min(self._longest, self._interval * 2)
            return interval
        left = (total - finished) * self.elapsed / finished
        return min(self._longest, max(self._shortest, left / 2))


def _blob_name(url: str) -> str:
    return SasLocation.parse(url, is_blob=True).blob_name or ""


class BatchFollower:
    def __init__(
        self,
        client: AsyncDocumentTranslationClient,
        pairs: Sequence[Pair],
        gatherer: Gatherer,
        *,
        min_interval: float = 0.5,
        max_interval: float = 5.0,
        clock: Clock | None = None,
        on_update: Callable[[TranslationStatus], Awaitable[None]] | None = None,
        before_poll: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """`before_poll` is awaited before every status read (the Prefect layer uses it for a fleet-wide rate
        limit); `on_update` gets every status read."""
        self._client = client
        self._gatherer = gatherer
        self._min_interval = min_interval
        self._max_interval = max_interval
        self._clock = clock or SystemClock()
        self._before_poll = before_poll
        self._on_update = on_update
        self._by_target = {pair.target: pair for pair in pairs}
        # Failed documents have no output path, only their source: found by (language, source) in one look-up.
        self._in_place = {(p.language, p.document.relative_path): p for p in pairs if p.document.container is not None}
        self._staged = {(p.language, p.document.relative_path): p for p in pairs if p.document.container is None}
        self._gathered: set[str] = set()  # targets

    async def run(self, batch_id: str) -> BatchResult:
        """Follow the batch to its end and gather every translation: the batch and each pair's outcome."""
        await self._gatherer.prepare()
        status = await self._follow(batch_id)
        if status.status is Status.VALIDATION_FAILED:
            outcomes = self._batch_failed(batch_id, status)
        else:
            documents = await self._list_and_gather_the_rest(batch_id, status)
            outcomes = self._outcomes(batch_id, documents)
        charged = sum(o.characters_charged for o in outcomes)
        batch = BatchOutcome(
            id=batch_id, status=status.status.value, documents=len(outcomes), characters_charged=charged
        )
        return batch, outcomes

    async def _follow(self, batch_id: str) -> TranslationStatus:
        """Poll to a terminal status; downloads run beside the polling, so the batch's end is seen on time even
        during a long download."""
        poller = self._client.resume_translation(batch_id)
        cadence = PollCadence(self._min_interval, self._max_interval, self._clock)
        downloading: asyncio.Task[None] | None = None
        try:
            while True:
                if self._before_poll is not None:
                    await self._before_poll()
                status = await poller.poll()
                if self._on_update is not None:
                    await self._on_update(status)
                if status.status.is_terminal:
                    break
                if downloading is not None and downloading.done():
                    finished, downloading = downloading, None
                    finished.result()  # a failed download fails the follow now
                if downloading is None and worth_gathering(
                    status.summary.success, len(self._gathered), status.summary.total, cadence.elapsed
                ):
                    downloading = asyncio.create_task(self._gather_succeeded(batch_id))
                await self._clock.sleep(cadence.next_interval(status.summary.finished, status.summary.total))
            if downloading is not None:
                await downloading
        finally:
            if downloading is not None and not downloading.done():
                downloading.cancel()
        return status

    async def _list_and_gather_the_rest(self, batch_id: str, status: TranslationStatus) -> list[DocumentStatus]:
        """The ended batch's documents, with every success not gathered yet gathered.

        When the status says every pair succeeded, the downloads start at once, beside the listing (which takes
        20 requests one after another for 2,000 pairs, 0.4 to 0.8 s here): each output is where the batch asked the
        service to write it. Should one be missing all the same (404), the listing decides what is there, as it
        does for a batch with failures."""
        query = ListQuery(page_size=MAX_PAGE_SIZE)
        listing = asyncio.create_task(self._documents(batch_id, query))
        try:
            if self._every_pair_succeeded(status):
                try:
                    await self._gather_pairs(
                        batch_id, [p for p in self._by_target.values() if p.target not in self._gathered]
                    )
                except StorageError as exc:
                    if exc.status_code != 404:
                        raise
                    logger.warning(
                        "batch %s: an output is not where it was asked for (%s); going by the listing", batch_id, exc
                    )
            documents = await listing
        finally:
            listing.cancel()  # no-op once it is done; stops it when a download failed
        if len(self._gathered) < len(self._by_target):  # not all gathered at once: the listing says what is left
            await self._gather(batch_id, [d for d in documents if d.status is Status.SUCCEEDED])
        return documents

    def _every_pair_succeeded(self, status: TranslationStatus) -> bool:
        expected = len(self._by_target)
        return status.status is Status.SUCCEEDED and status.summary.success == status.summary.total == expected

    async def _documents(self, batch_id: str, query: ListQuery) -> list[DocumentStatus]:
        return [d async for d in self._client.list_document_statuses(batch_id, query)]

    async def _gather_succeeded(self, batch_id: str) -> None:
        query = ListQuery(statuses=[Status.SUCCEEDED], page_size=MAX_PAGE_SIZE)
        await self._gather(batch_id, await self._documents(batch_id, query))

    async def _gather(self, batch_id: str, succeeded: list[DocumentStatus]) -> None:
        # A listing taken while statuses change can show a document on two pages: download it once.
        known = {pair.target: pair for d in succeeded if d.path and (pair := self._by_target.get(_blob_name(d.path)))}
        await self._gather_pairs(batch_id, [pair for target, pair in known.items() if target not in self._gathered])

    async def _gather_pairs(self, batch_id: str, pairs: list[Pair]) -> None:
        if not pairs:
            return
        await self._gatherer.gather(batch_id, pairs)
        self._gathered.update(pair.target for pair in pairs)
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
                    status=OutcomeStatus.of(document.status),
                    output=self._gatherer.location_of(pair) if document.status is Status.SUCCEEDED else None,
                    characters_charged=document.character_charged,
                    images_charged=document.image_charged or 0,
                    translated_at=document.last_action_date_time_utc if document.status is Status.SUCCEEDED else None,
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
                        status=OutcomeStatus.NOT_TRANSLATED,
                        message="the service did not report this document; it was skipped silently",
                        batch=batch_id,
                    )
                )
        return outcomes

    def _pair_of(self, document: DocumentStatus) -> Pair | None:
        if document.path:
            return self._by_target.get(_blob_name(document.path))
        # A source translated in place is the blob named by its relative path; a staged one is
        # `<job>/<relative path>`, so any tail of the name after a "/" may be the relative path.
        source = _blob_name(document.source_path)
        found = self._in_place.get((document.to, source))
        slash = source.find("/")
        while found is None and slash != -1:
            found = self._staged.get((document.to, source[slash + 1 :]))
            slash = source.find("/", slash + 1)
        return found

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
                status=OutcomeStatus.VALIDATION_FAILED,
                error=error.inner_code,
                message=error.message,
                hint=error.hint,
                batch=batch_id,
            )
            for pair in self._by_target.values()
        ]
