"""The service's format catalogue: the document and glossary formats the real service lists (api-facts §3.8),
in its order. Pre-flight uses it to refuse what the service would skip silently; the local service lists it."""

from __future__ import annotations

from typing import Final

from doctranslate.wire.formats import FileFormat


def _format(name: str, extensions: list[str], content_types: list[str], **extra: object) -> FileFormat:
    return FileFormat(format=name, file_extensions=extensions, content_types=content_types, **extra)


_XLIFF_VERSIONS: Final = {"default_version": "1.2", "versions": ["1.0", "1.1", "1.2"]}

DOCUMENT_FORMATS: Final[list[FileFormat]] = [
    _format("PlainText", [".txt"], ["text/plain"]),
    _format("RichTextFormat", [".rtf"], ["application/rtf"]),
    _format("OpenXmlWord", [".docx"], ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"]),
    _format(
        "OpenXmlPresentation",
        [".pptx"],
        ["application/vnd.openxmlformats-officedocument.presentationml.presentation"],
    ),
    _format("OpenXmlSpreadsheet", [".xlsx"], ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]),
    _format("WordDocument", [".doc"], ["application/msword"]),
    _format("PowerpointPresentation", [".ppt"], ["application/vnd.ms-powerpoint"]),
    _format("ExcelSpreadsheet", [".xls"], ["application/vnd.ms-excel"]),
    _format("OpenDocumentText", [".odt"], ["application/vnd.oasis.opendocument.text"]),
    _format("OpenDocumentPresentation", [".odp"], ["application/vnd.oasis.opendocument.presentation"]),
    _format("OpenDocumentSpreadsheet", [".ods"], ["application/vnd.oasis.opendocument.spreadsheet"]),
    _format("OutlookMailMessage", [".msg"], ["application/vnd.ms-outlook"]),
    _format("OfficeOpenXml", [".xml", ".ooxml"], ["application/vnd.openxmlformats-officedocument"]),
    _format("HtmlFile", [".html", ".htm"], ["text/html"]),
    _format(
        "Markdown",
        [".markdown", ".mdown", ".mkdn", ".md", ".mkd", ".mdwn", ".mdtxt", ".mdtext", ".rmd"],
        ["text/markdown", "text/x-markdown", "text/plain"],
    ),
    _format("Mhtml", [".mhtml", ".mht"], ["message/rfc822", "application/x-mimearchive", "multipart/related"]),
    _format("XLIFF", [".xlf"], ["application/xliff+xml"], **_XLIFF_VERSIONS),
    _format("TSV", [".tsv", ".tab"], ["text/tab-separated-values"]),
    _format("CSV", [".csv"], ["text/csv"]),
    _format("PortableDocumentFormat", [".pdf"], ["application/pdf"]),
    _format("StreamJSONFile", [".json"], ["application/json"]),
]

GLOSSARY_FORMATS: Final[list[FileFormat]] = [
    _format("XLIFF", [".xlf"], ["application/xliff+xml"], **_XLIFF_VERSIONS),
    _format("TSV", [".tsv", ".tab"], ["text/tab-separated-values"]),
    _format("CSV", [".csv"], ["text/csv"]),
]


IMAGE_FORMAT: Final = _format(
    "Image", [".jpeg", ".jpg", ".png", ".bmp", ".webp"], ["image/jpeg", "image/png", "image/bmp", "image/webp"]
)
"""Image files as batch inputs (2025-12-01-preview, GA in 2026-03-01; api-facts §9b). The formats endpoint's
answer is kept as recorded (no recording lists images), so they are a format of their own here."""


def document_format_for(name: str) -> FileFormat | None:
    """The service's format for a blob name, or None: such blobs are skipped silently, as the service does."""
    return next((f for f in (*DOCUMENT_FORMATS, IMAGE_FORMAT) if f.accepts(name)), None)


def glossary_format_named(name: str | None, file_name: str) -> FileFormat | None:
    """The glossary format by its declared name (case-insensitive), else by the file extension."""
    if name:
        return next((f for f in GLOSSARY_FORMATS if f.format.lower() == name.lower()), None)
    return next((f for f in GLOSSARY_FORMATS if f.accepts(file_name)), None)
