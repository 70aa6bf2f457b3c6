"""OpenDocument text, presentations and spreadsheets (.odt, .odp, .ods).

ODF keeps a paragraph's text in the paragraph itself, in spans and links, and in the tails of inline
elements (spaces, tabs, line breaks, bookmarks): those pieces are the runs. Fields (page numbers,
dates), notes' citations, annotations and frames are not walked into; a note or text box holds
paragraphs of its own. Spreadsheet cells holding numbers, dates, times, percentages or currency show
a formatted value, not text: their paragraphs stay as they are (and formulas are attributes).
Headers and footers live in styles.xml.
"""

from __future__ import annotations

import re
from typing import Final

from lxml import etree

from doctranslate.formats.packaged import PackageFormat, PackageHandler
from doctranslate.formats.runs import Paragraph, inline_runs

_TEXT: Final = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE_CELL: Final = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}table-cell"
_VALUE_TYPE: Final = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"
_RUN_HOLDERS: Final = frozenset({f"{_TEXT}span", f"{_TEXT}a"})


def _paragraphs(root: etree._Element) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    for paragraph in root.iter(f"{_TEXT}p", f"{_TEXT}h"):
        cell = next(paragraph.iterancestors(_TABLE_CELL), None)
        if cell is not None and cell.get(_VALUE_TYPE, "string") != "string":
            continue
        slots = inline_runs(paragraph, _RUN_HOLDERS)
        if slots:
            paragraphs.append(slots)
    return paragraphs


def _format(extension: str, label: str) -> PackageFormat:
    return PackageFormat(
        extensions=(extension,),
        label=label,
        main_part="content.xml",
        text_parts=re.compile(r"content\.xml|styles\.xml"),
        paragraphs=_paragraphs,
        preserve_space=False,
    )


def open_document_handlers() -> tuple[PackageHandler, ...]:
    return (
        PackageHandler(_format(".odt", "OpenDocument text")),
        PackageHandler(_format(".odp", "OpenDocument presentation")),
        PackageHandler(_format(".ods", "OpenDocument spreadsheet")),
    )
