"""The batch view never moves backwards, whatever order stale reads arrive in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from doctranslate.client.progress import BatchView
from doctranslate.wire import Status, StatusSummary, TranslationStatus

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def status(state: Status, seconds: int, finished: int = 0) -> TranslationStatus:
    return TranslationStatus(
        id="b",
        created_date_time_utc=T0,
        last_action_date_time_utc=T0 + timedelta(seconds=seconds),
        status=state,
        summary=StatusSummary(total=4, success=finished, not_yet_started=4 - finished),
    )


def test_a_stale_not_started_after_running_is_ignored() -> None:
    view = BatchView("b")
    view.observe(status(Status.RUNNING, 5, finished=1))

    shown = view.observe(status(Status.NOT_STARTED, 1))

    assert shown.status is Status.RUNNING
    assert view.stale_reads == 1


def test_an_older_read_of_the_same_state_is_ignored_and_a_newer_one_taken() -> None:
    view = BatchView("b")
    view.observe(status(Status.RUNNING, 5, finished=2))

    assert view.observe(status(Status.RUNNING, 3, finished=1)).summary.success == 2
    assert view.observe(status(Status.RUNNING, 9, finished=3)).summary.success == 3
    assert view.stale_reads == 1


def test_terminal_is_final_and_first_terminal_wins() -> None:
    view = BatchView("b")
    view.observe(status(Status.SUCCEEDED, 10, finished=4))

    assert view.observe(status(Status.RUNNING, 20)).status is Status.SUCCEEDED
    assert view.observe(status(Status.FAILED, 30)).status is Status.SUCCEEDED
    assert view.is_finished


def test_cancelling_moves_forward_only_to_terminal() -> None:
    view = BatchView("b")
    view.observe(status(Status.CANCELLING, 5))

    assert view.observe(status(Status.RUNNING, 6)).status is Status.CANCELLING
    assert not view.is_finished  # documents may still finish, and be charged
    assert view.observe(status(Status.CANCELLED, 7)).status is Status.CANCELLED
