"""When the follower reads status and when it downloads: few requests, and the end seen promptly.

The follower runs through the real async client against a batch on a virtual clock (tests/support/
virtual_batch.py), with a gatherer that records what it is handed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import pytest

from doctranslate.client import AsyncDocumentTranslationClient
from doctranslate.errors import StorageError
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.follow import BatchFollower, PollCadence, worth_gathering
from doctranslate.pipeline.outcomes import BatchResult, OutcomeStatus
from doctranslate.pipeline.scan import SourceDocument
from doctranslate.storage.names import target_blob_name
from tests.conftest import fast_config
from tests.support.virtual_batch import BATCH_ID, VirtualBatch, VirtualClock, pairs


def test_downloads_happen_when_successes_double_and_are_a_tenth_of_the_batch() -> None:
    total, gathered, rounds = 1000, 0, []
    for succeeded in range(0, total + 1, 7):
        if worth_gathering(succeeded, gathered, total, followed_seconds=600):
            rounds.append(succeeded)
            gathered = succeeded
    assert rounds[0] >= 100
    assert all(later >= 2 * earlier for earlier, later in itertools.pairwise(rounds))
    assert len(rounds) <= 4
    assert sum(rounds) < 2 * total, "in-flight rounds must list fewer documents than two full listings"


def test_a_short_batch_is_downloaded_at_its_end_only() -> None:
    assert not worth_gathering(900, 0, 1000, followed_seconds=20)
    assert worth_gathering(900, 0, 1000, followed_seconds=40)


def test_a_small_long_batch_is_downloaded_as_its_documents_succeed() -> None:
    assert worth_gathering(1, 0, 3, followed_seconds=60)
    assert not worth_gathering(1, 1, 3, followed_seconds=60)
    assert not worth_gathering(0, 0, 3, followed_seconds=60)


def test_the_interval_doubles_while_nothing_finishes_and_stays_within_bounds() -> None:
    cadence = PollCadence(1.0, 5.0)
    assert [cadence.next_interval(0, 100) for _ in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_the_interval_follows_the_pace_and_shrinks_near_the_end() -> None:
    clock = VirtualClock()
    cadence = PollCadence(1.0, 5.0, clock)
    clock.now += 10  # 10 s in: 100 of 1,000 done, 90 s left at this pace
    assert cadence.next_interval(100, 1000) == 5.0
    clock.now += 80  # 90 s in: 900 done, 10 s left
    assert cadence.next_interval(900, 1000) == 5.0
    clock.now += 6  # 96 s in: 980 done, about 2 s left
    assert cadence.next_interval(980, 1000) == pytest.approx(1.0, abs=0.01)


class RecordingGatherer:
    """Records what the follower hands over, instead of downloading it; a pair whose target is in `absent` fails
    its round as a download would (404), and `listed` tells how many document-list requests the batch had
    answered when each round came."""

    def __init__(self, out_dir: Path, batch: VirtualBatch | None = None, absent: frozenset[str] = frozenset()) -> None:
        self.destination = Destination(container="tgt", root="job", download_dir=str(out_dir))
        self.prepared = 0
        self.rounds: list[list[str]] = []
        self.listed: list[int] = []
        self._batch = batch
        self._absent = absent

    def location_of(self, pair: Pair) -> str:
        return self.destination.location_of(pair)

    async def prepare(self) -> None:
        self.prepared += 1

    async def gather(self, batch_id: str, pairs: Sequence[Pair]) -> None:
        if self._batch is not None:
            self.listed.append(self._batch.requests["documents"])
        missing = [pair.target for pair in pairs if pair.target in self._absent]
        if missing:
            raise StorageError(f"downloading {missing[0]} failed with HTTP 404 BlobNotFound", status_code=404)
        self.rounds.append([pair.target for pair in pairs])


async def follow_virtual(batch: VirtualBatch, gatherer: RecordingGatherer) -> BatchResult:
    async with AsyncDocumentTranslationClient(fast_config(), transport=batch.transport()) as client:
        follower = BatchFollower(client, batch.pairs, gatherer, min_interval=1.0, max_interval=5.0, clock=batch.clock)
        return await follower.run(BATCH_ID)


async def test_a_five_minute_batch_costs_tens_of_reads_and_its_end_is_seen_within_seconds(tmp_path: Path) -> None:
    clock = VirtualClock()
    batch = VirtualBatch(clock, pairs(100), seconds_per_document=3.0)
    gatherer = RecordingGatherer(tmp_path)

    outcome, outcomes = await follow_virtual(batch, gatherer)

    assert outcome.status == "Succeeded"
    assert batch.requests["status"] <= 75, batch.requests  # 300 s at one read per 5 s, plus the ramp at both ends
    assert clock.now - batch.ends_at() <= 2.0, "the end must be seen promptly, not a full interval late"
    assert gatherer.prepared == 1
    gathered = [target for round_ in gatherer.rounds for target in round_]
    assert sorted(gathered) == sorted(p.target for p in batch.pairs), "every output gathered exactly once"
    assert len(gatherer.rounds) >= 3, "a long batch downloads while it runs, not only at its end"
    assert batch.requests["documents"] <= 2 * len(gatherer.rounds) + 2
    assert {o.status for o in outcomes} == {OutcomeStatus.SUCCEEDED}
    assert all(o.output == str(tmp_path / "fr" / o.source) for o in outcomes)
    assert outcome.characters_charged == 1000


async def test_a_short_batch_is_listed_and_gathered_once_at_its_end(tmp_path: Path) -> None:
    batch = VirtualBatch(VirtualClock(), pairs(5), seconds_per_document=1.0)
    gatherer = RecordingGatherer(tmp_path)

    await follow_virtual(batch, gatherer)

    assert len(gatherer.rounds) == 1
    assert batch.requests["documents"] == 1


async def test_when_every_pair_succeeded_the_downloads_start_before_the_listing_is_read(tmp_path: Path) -> None:
    batch = VirtualBatch(VirtualClock(), pairs(5), seconds_per_document=1.0)
    gatherer = RecordingGatherer(tmp_path, batch)

    _, outcomes = await follow_virtual(batch, gatherer)

    assert gatherer.listed == [0], "one round, started before any page of the document list was read"
    assert sorted(gatherer.rounds[0]) == sorted(p.target for p in batch.pairs)
    assert batch.requests["documents"] == 1, "the listing is still read, for each document's outcome"
    assert {o.status for o in outcomes} == {OutcomeStatus.SUCCEEDED}


async def test_an_output_written_under_another_name_falls_back_to_the_listing(tmp_path: Path) -> None:
    """The status says all succeeded, but the service wrote one output elsewhere: the early round fails on it,
    and the listing decides, as for any batch: the others are gathered, that one is reported, not lost."""
    batch = VirtualBatch(VirtualClock(), pairs(4), seconds_per_document=1.0, elsewhere={1})
    gatherer = RecordingGatherer(tmp_path, batch, absent=frozenset({batch.pairs[1].target}))

    _, outcomes = await follow_virtual(batch, gatherer)

    assert gatherer.listed == [0, 1], "the early round, then one from the listing"
    assert sorted(gatherer.rounds[0]) == sorted(p.target for i, p in enumerate(batch.pairs) if i != 1)
    by_source = {o.source: o.status for o in outcomes}
    assert by_source.pop("d/001.txt") is OutcomeStatus.NOT_TRANSLATED
    assert set(by_source.values()) == {OutcomeStatus.SUCCEEDED}


async def test_failed_and_silently_skipped_documents_are_reported_not_lost(tmp_path: Path) -> None:
    batch = VirtualBatch(VirtualClock(), pairs(6), seconds_per_document=1.0, failed={2}, unreported={4})
    gatherer = RecordingGatherer(tmp_path)

    outcome, outcomes = await follow_virtual(batch, gatherer)

    by_source = {o.source: o for o in outcomes}
    assert len(outcomes) == 6
    assert by_source["d/002.txt"].status is OutcomeStatus.FAILED
    assert by_source["d/002.txt"].error == "NoTranslatableText"
    assert by_source["d/002.txt"].hint, "a failure says what to do"
    assert by_source["d/002.txt"].output is None
    assert by_source["d/004.txt"].status is OutcomeStatus.NOT_TRANSLATED
    assert sorted(t for r in gatherer.rounds for t in r) == sorted(
        p.target for i, p in enumerate(batch.pairs) if i not in {2, 4}
    )
    assert outcome.documents == 6


async def test_failed_documents_whose_paths_end_alike_are_each_reported_as_themselves(tmp_path: Path) -> None:
    """`b.txt` and `a/b.txt` both fail in two languages: a failed document has only its source path to go by,
    and `job/a/b.txt` ends with `/b.txt` too, yet each failure must land on its own document."""
    documents = [
        SourceDocument(relative_path=name, local_path=f"/docs/{name}", size=10, md5=f"{i:032x}")
        for i, name in enumerate(["b.txt", "a/b.txt", "c/a/b.txt"])
    ]
    both = [
        Pair(d, language, target_blob_name("job", language, d.relative_path))
        for language in ("fr", "de")
        for d in documents
    ]
    batch = VirtualBatch(VirtualClock(), both, seconds_per_document=1.0, failed=set(range(len(both))))

    _, outcomes = await follow_virtual(batch, RecordingGatherer(tmp_path))

    assert sorted((o.source, o.language, o.status) for o in outcomes) == sorted(
        (p.document.relative_path, p.language, OutcomeStatus.FAILED) for p in both
    )
