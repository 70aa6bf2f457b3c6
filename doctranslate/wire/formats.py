"""Supported document and glossary formats (`GET .../formats`)."""

from __future__ import annotations

from pydantic import Field

from doctranslate.wire.base import WireModel


class FileFormat(WireModel):
    format: str
    file_extensions: list[str]
    content_types: list[str]
    default_version: str | None = None
    versions: list[str] = Field(default_factory=list)
    type: str | None = None  # "Document" | "Glossary" on 2024-05-01 and later

    def accepts(self, file_name: str) -> bool:
        lower = file_name.lower()
        return any(lower.endswith(ext.lower()) for ext in self.file_extensions)


class SupportedFileFormats(WireModel):
    value: list[FileFormat] = Field(default_factory=list)
