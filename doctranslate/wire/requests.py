"""The start-translation request body (api-facts §2), for every API version we speak.

URLs are `SasUrl`: they print redacted and only reach the wire through `WireModel.to_wire()`.
Fields that exist only in some versions (`targets[].options` in v1.1, `targets[].deploymentName` and
`options.translateTextWithinImage` in 2026-03-01) are checked by the client against the chosen API version
before sending.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from doctranslate.redaction import SasUrl
from doctranslate.wire.base import WireModel


class StorageType(StrEnum):
    FOLDER = "Folder"
    FILE = "File"


class PdfAdditionalFormat(StrEnum):
    NONE = "None"
    OPEN_XML_WORD = "OpenXmlWord"


class DocumentFilter(WireModel):
    """Case-sensitive filters on the blob name after the container (`prefix="FolderA/"`)."""

    prefix: str | None = None
    suffix: str | None = None


class SourceInput(WireModel):
    source_url: SasUrl
    filter: DocumentFilter | None = None
    language: str | None = None  # omitted => the service detects it per document
    storage_source: str | None = None


class TranslationGlossary(WireModel):
    """A glossary the service applies to one target (the official SDK's `TranslationGlossary`)."""

    glossary_url: SasUrl
    format: str
    version: str | None = None
    storage_source: str | None = None


class TargetOptions(WireModel):
    """v1.1 only."""

    pdf_output_additional_format: PdfAdditionalFormat | None = None


class TargetInput(WireModel):
    target_url: SasUrl
    language: str
    category: str | None = None
    glossaries: list[TranslationGlossary] | None = None
    storage_source: str | None = None
    options: TargetOptions | None = None
    deployment_name: str | None = None  # 2026-03-01: a custom model's or an LLM's deployment


class BatchOptions(WireModel):
    """2026-03-01 (and 2024-11-01-preview): options of the whole request."""

    translate_text_within_image: bool | None = None


class BatchRequest(WireModel):
    source: SourceInput
    targets: list[TargetInput] = Field(min_length=1)
    storage_type: StorageType | None = None


class StartTranslationDetails(WireModel):
    inputs: list[BatchRequest] = Field(min_length=1)
    options: BatchOptions | None = None
