"""What a finished batch means for the caller: a status to report, or an error to raise."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from doctranslate.errors import BatchFailedError, PollTimeoutError
from doctranslate.wire.status import Status, TranslationStatus


def raise_if_unusable(status: TranslationStatus) -> TranslationStatus:
    """`ValidationFailed` has no documents to report, so it is raised with the service's reason.

    `Failed`, `Succeeded` (possibly with failed documents) and `Cancelled` are returned: their
    per-document statuses tell the caller what happened to each file.
    """
    if status.status is Status.VALIDATION_FAILED:
        error = status.error
        raise BatchFailedError(
            status.id,
            status.status.value,
            (error.innermost_message if error else None) or "the service did not say why",
            code=error.code if error else None,
            inner_code=error.innermost_code if error else None,
        )
    return status


@dataclass
class WaitRule:
    """When a poller stops waiting: at a terminal status (raising on `ValidationFailed`) or at its deadline."""

    batch_id: str
    timeout_seconds: float | None
    started: float = field(default_factory=time.monotonic)

    def finished(self, status: TranslationStatus) -> bool:
        if status.status.is_terminal:
            raise_if_unusable(status)
            return True
        if self.timeout_seconds is not None and time.monotonic() - self.started >= self.timeout_seconds:
            raise PollTimeoutError(
                f"batch {self.batch_id} is still {status.status.value} after {self.timeout_seconds} s",
                hint="it keeps running on the service; resume it later by its id",
            )
        return False
