"""Our view of a batch, which only ever moves forward.

Status reads are sometimes served from a gateway cache for up to ~60 s (an `Age` header, an old
`NotStarted` after the batch already `Failed` or was cancelled; api-facts §3.7). Acting on such a
read would make a poller think work went backwards, so every read is merged into a `BatchView`
that keeps the most advanced state it has seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from doctranslate.wire.status import TranslationStatus


def is_at_least_as_recent(fresh: TranslationStatus, known: TranslationStatus) -> bool:
    """True when `fresh` does not contradict anything `known` already showed."""
    if fresh.status.rank != known.status.rank:
        return fresh.status.rank > known.status.rank
    if known.status.is_terminal:
        return False  # a terminal state never changes; keep the first one seen
    if fresh.last_action_date_time_utc != known.last_action_date_time_utc:
        return fresh.last_action_date_time_utc > known.last_action_date_time_utc
    return fresh.summary.finished >= known.summary.finished


@dataclass
class BatchView:
    """The latest non-contradicted status of one batch, plus how many stale reads were ignored."""

    batch_id: str
    latest: TranslationStatus | None = None
    stale_reads: int = 0

    def observe(self, fresh: TranslationStatus) -> TranslationStatus:
        if self.latest is None or is_at_least_as_recent(fresh, self.latest):
            self.latest = fresh
        else:
            self.stale_reads += 1
        return self.latest

    @property
    def is_finished(self) -> bool:
        return self.latest is not None and self.latest.status.is_terminal


class PollerState:
    """What the sync and async pollers share: the batch id and the forward-only view of it."""

    def __init__(self, batch_id: str) -> None:
        self.id = batch_id
        self.view = BatchView(batch_id)

    @property
    def status(self) -> TranslationStatus | None:
        return self.view.latest

    def done(self) -> bool:
        return self.view.is_finished
