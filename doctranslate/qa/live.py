"""QA while the batches run: each translation is checked as soon as it is gathered, not after the last one.

The gatherer hands each part of a round over as soon as it is on disk (`gather.fetch_translations`), so the
checks run while the rest downloads and while the service still translates; at the end only what could not be
checked on the way is left (translations already there from an earlier run, and any pair the follow did not
hand over). One worker thread: the checks are CPU-bound, the event loop keeps polling and downloading beside
it, and two threads would only contend for the GIL.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.glossaries import GlossaryFile
from doctranslate.pipeline.scan import StorageReader
from doctranslate.qa.check import QaResult
from doctranslate.qa.rules import Finding
from doctranslate.qa.run import check_pairs, glossary_terms

PairKey = tuple[str, str]


class LiveChecker:
    """Checks pairs in the background as they are handed over, and gives the run's QA result at the end."""

    def __init__(
        self,
        glossaries: Sequence[GlossaryFile],
        languages: Sequence[str],
        output_of: Callable[[Pair], bytes | None],
        storage: StorageReader | None = None,
    ) -> None:
        self._terms = glossary_terms(glossaries, languages, storage)
        self._output_of = output_of
        self._storage = storage
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="doctranslate-live-qa")
        self._pending: list[Future[QaResult]] = []
        self._checked: set[PairKey] = set()
        self._lock = threading.Lock()

    def check_soon(self, pairs: Sequence[Pair]) -> None:
        """Queue these gathered pairs for checking; returns at once."""
        with self._lock:
            fresh = [p for p in pairs if _key(p) not in self._checked]
            self._checked.update(_key(p) for p in fresh)
        if fresh:
            self._pending.append(self._pool.submit(self._check, fresh))

    async def result(self, also: Sequence[Pair], *, wanted: set[PairKey]) -> QaResult:
        """Findings for every pair in `wanted` (what the run hands over): those checked on the way, and `also`
        (pairs not handed over while following, e.g. already translated) checked now."""
        self.check_soon([p for p in also if _key(p) in wanted])
        try:
            done = await asyncio.gather(*(asyncio.wrap_future(f) for f in self._pending))
        finally:
            self._pool.shutdown(wait=False)
        findings: list[Finding] = [f for found in done for f in found.findings if (f.source, f.language) in wanted]
        return QaResult.of(findings, len(wanted & self._checked))

    def _check(self, pairs: list[Pair]) -> QaResult:
        return check_pairs(pairs, self._terms, self._output_of, self._storage, readers=1)


def _key(pair: Pair) -> PairKey:
    return (pair.document.relative_path, pair.language)
