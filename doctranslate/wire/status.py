"""Batch and document status objects, their paged lists, and the status machine's ordering.

Shapes follow what the real service sends (api-facts §3), which differs from the OpenAPI files in
places: failed documents have no `path` and, in v1.0, no `createdDateTimeUtc`; pages continue with
`@nextLink` (the specs and the official SDK read `nextLink` and so stop after 50 items).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Generic, TypeVar

from pydantic import AliasChoices, Field

from doctranslate.wire.base import WireModel
from doctranslate.wire.errors import ErrorDetail


class Status(StrEnum):
    """Batch and document states, spelt as on the wire (British `Cancelled`; the 2026 docs say so too, while
    the SDKs spell `Canceled`: both are read, the wire's spelling is the one kept)."""

    NOT_STARTED = "NotStarted"
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    CANCELLED = "Cancelled"
    CANCELLING = "Cancelling"
    VALIDATION_FAILED = "ValidationFailed"

    @classmethod
    def _missing_(cls, value: object) -> Status | None:
        return _AMERICAN.get(value) if isinstance(value, str) else None

    @property
    def is_terminal(self) -> bool:
        """Finished for good. `Cancelling` is not: documents may still complete (and be charged)."""
        return self in _TERMINAL

    @property
    def rank(self) -> int:
        """Position in the status machine; a later read can only move a batch to an equal or higher rank."""
        return _RANK[self]


_AMERICAN = {"Canceled": Status.CANCELLED, "Canceling": Status.CANCELLING}
_TERMINAL = frozenset({Status.SUCCEEDED, Status.FAILED, Status.CANCELLED, Status.VALIDATION_FAILED})
_RANK = {
    Status.NOT_STARTED: 0,
    Status.RUNNING: 1,
    Status.CANCELLING: 2,
    Status.SUCCEEDED: 3,
    Status.FAILED: 3,
    Status.CANCELLED: 3,
    Status.VALIDATION_FAILED: 3,
}


class StatusSummary(WireModel):
    """Counts per document *per target language* (2 documents x 3 languages = total 6)."""

    total: int = 0
    failed: int = 0
    success: int = 0
    in_progress: int = 0
    not_yet_started: int = 0
    cancelled: int = Field(default=0, validation_alias=AliasChoices("cancelled", "canceled"))
    total_character_charged: int = 0
    # 2024-11-01-preview and later, when text in images is translated; 2026-03-01 adds the images charged.
    total_image_scans_succeeded: int | None = None
    total_image_scans_failed: int | None = None
    total_image_charged: int | None = None

    @property
    def finished(self) -> int:
        return self.success + self.failed + self.cancelled


class TranslationStatus(WireModel):
    """One batch, as `GET .../batches/{id}` and the batch list return it."""

    id: str
    created_date_time_utc: datetime
    last_action_date_time_utc: datetime
    status: Status
    summary: StatusSummary
    error: ErrorDetail | None = None


class DocumentStatus(WireModel):
    """One document x target language of a batch."""

    id: str
    source_path: str
    status: Status
    to: str
    last_action_date_time_utc: datetime
    created_date_time_utc: datetime | None = None
    progress: float = 0.0
    path: str | None = None
    error: ErrorDetail | None = None
    character_charged: int = 0
    # 2026-03-01: the model a target named (`targets[].deploymentName`), and what text in images cost.
    deployment_name: str | None = None
    total_image_scans_succeeded: int | None = None
    total_image_scans_failed: int | None = None
    image_charged: int | None = None
    image_character_detected: int | None = None


class StartedBatch(WireModel):
    """What we know right after the 202: the id (from `Operation-Location`) and where to poll."""

    id: str
    operation_location: str
    status: Status = Status.NOT_STARTED


ItemT = TypeVar("ItemT", TranslationStatus, DocumentStatus)


class Page(WireModel, Generic[ItemT]):
    value: list[ItemT] = Field(default_factory=list)
    # The live service sends `@nextLink`; the specs name it `nextLink`. Accept both.
    next_link: str | None = Field(
        default=None, validation_alias=AliasChoices("@nextLink", "nextLink"), serialization_alias="@nextLink"
    )


TranslationStatusPage = Page[TranslationStatus]
DocumentStatusPage = Page[DocumentStatus]
