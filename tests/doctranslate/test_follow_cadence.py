"""When the follower reads status and when it downloads: few requests, and the end seen promptly."""

from __future__ import annotations

import itertools
import time

import pytest

from doctranslate.follow import PollCadence, worth_gathering


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


def test_the_interval_follows_the_pace_and_shrinks_near_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    cadence = PollCadence(1.0, 5.0)
    now[0] += 10  # 10 s in: 100 of 1,000 done, 90 s left at this pace
    assert cadence.next_interval(100, 1000) == 5.0
    now[0] += 80  # 90 s in: 900 done, 10 s left
    assert cadence.next_interval(900, 1000) == 5.0
    now[0] += 6  # 96 s in: 980 done, about 2 s left
    assert cadence.next_interval(980, 1000) == pytest.approx(1.0, abs=0.01)
