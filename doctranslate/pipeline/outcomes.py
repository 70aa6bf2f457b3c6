"""What happened to each document x language and each batch: what following produces and the report lists."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from doctranslate.wire.status import Status


class OutcomeStatus(StrEnum):
    """The end of one document x language, in the report. The first four are the service's own words."""

    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    CANCELLED = "Cancelled"
    VALIDATION_FAILED = "ValidationFailed"
    UP_TO_DATE = "UpToDate"
    """Not submitted: already translated from the same content (reports before 2026-12 say `Skipped`)."""
    NOT_TRANSLATED = "NotTranslated"
    """Submitted, but the service never reported it (it skipped it silently) or left it unfinished."""
    FAILED_QA = "FailedQA"
    """Translated, but QA found problems in the output, and the run's QA policy is `fail`."""

    @classmethod
    def _missing_(cls, value: object) -> OutcomeStatus | None:
        return cls.UP_TO_DATE if value == "Skipped" else None

    @classmethod
    def of(cls, status: Status) -> OutcomeStatus:
        """The outcome of a document the service reported; one left unfinished was not translated."""
        return _FROM_SERVICE.get(status, cls.NOT_TRANSLATED)

    @property
    def is_failure(self) -> bool:
        return self not in (OutcomeStatus.SUCCEEDED, OutcomeStatus.UP_TO_DATE)


_FROM_SERVICE = {
    Status.SUCCEEDED: OutcomeStatus.SUCCEEDED,
    Status.FAILED: OutcomeStatus.FAILED,
    Status.CANCELLED: OutcomeStatus.CANCELLED,
    Status.VALIDATION_FAILED: OutcomeStatus.VALIDATION_FAILED,
}


class DocumentOutcome(BaseModel):
    source: str = Field(description="Path relative to the source folder.")
    language: str
    status: OutcomeStatus
    output: str | None = None
    characters_charged: int = 0
    images_charged: int = 0
    translated_at: datetime | None = Field(None, description="When the service finished this translation.")
    error: str | None = Field(None, description="The service's most specific error code.")
    message: str | None = None
    hint: str | None = None
    batch: str | None = None


class BatchOutcome(BaseModel):
    id: str
    status: str = Field(description="The batch's last status as the service reported it.")
    documents: int
    characters_charged: int


BatchResult = tuple[BatchOutcome, list[DocumentOutcome]]
"""What following one batch produced: the batch, and every document x language of it."""
