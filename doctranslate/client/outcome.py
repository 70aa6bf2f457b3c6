"""What a finished batch means for the caller: a status to report, or an error to raise."""

from __future__ import annotations

from doctranslate.errors import BatchFailedError
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
