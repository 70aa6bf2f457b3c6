"""Pydantic models of everything on the Document Translation wire."""

from doctranslate.wire.errors import ErrorDetail, ErrorResponse, InnerError
from doctranslate.wire.formats import FileFormat, SupportedFileFormats
from doctranslate.wire.requests import (
    BatchOptions,
    BatchRequest,
    DocumentFilter,
    PdfAdditionalFormat,
    SourceInput,
    StartTranslationDetails,
    StorageType,
    TargetInput,
    TargetOptions,
    TranslationGlossary,
)
from doctranslate.wire.status import (
    DocumentStatus,
    DocumentStatusPage,
    Page,
    StartedBatch,
    Status,
    StatusSummary,
    TranslationStatus,
    TranslationStatusPage,
)

__all__ = [
    "BatchOptions",
    "BatchRequest",
    "DocumentFilter",
    "DocumentStatus",
    "DocumentStatusPage",
    "ErrorDetail",
    "ErrorResponse",
    "FileFormat",
    "InnerError",
    "Page",
    "PdfAdditionalFormat",
    "SourceInput",
    "StartTranslationDetails",
    "StartedBatch",
    "Status",
    "StatusSummary",
    "StorageType",
    "SupportedFileFormats",
    "TargetInput",
    "TargetOptions",
    "TranslationGlossary",
    "TranslationStatus",
    "TranslationStatusPage",
]
