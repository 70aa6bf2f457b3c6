"""Word (.docx), PowerPoint (.pptx) and Excel (.xlsx): which parts carry the reader's text, and where.

- Word: body, tables, headers, footers, footnotes, endnotes, comments, text boxes (w:p/w:r/w:t), and
  the DrawingML text of charts and diagrams. Field codes (w:instrText) and deleted text (w:delText)
  are other elements and stay as they are.
- PowerPoint: slides (shapes, groups, tables), speaker notes, charts and diagrams: DrawingML a:p/a:r/a:t;
  field results (a:fld: slide numbers, dates) are left to PowerPoint. Masters and layouts are templates.
- Excel: shared strings and inline strings (plain or rich text), comments and chart titles. Numbers,
  dates and formulas are not strings and are never touched; phonetic guides (rPh) stay. Sheet names are
  left as they are, since formulas refer to them.
"""

from __future__ import annotations

import re
from typing import Final

from lxml import etree

from doctranslate.formats.packaged import PackageFormat, PackageHandler, runs_of
from doctranslate.formats.runs import Paragraph

_W: Final = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A: Final = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_S: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _drawing_text(root: etree._Element) -> list[Paragraph]:
    return runs_of(root, f"{_A}p", f"{_A}t", skip_inside=[f"{_A}fld"])


def _word_text(root: etree._Element) -> list[Paragraph]:
    return runs_of(root, f"{_W}p", f"{_W}t") + _drawing_text(root)


def _sheet_text(root: etree._Element) -> list[Paragraph]:
    phonetic = [f"{_S}rPh"]
    return [
        *runs_of(root, f"{_S}si", f"{_S}t", skip_inside=phonetic),  # shared strings
        *runs_of(root, f"{_S}is", f"{_S}t", skip_inside=phonetic),  # inline strings in a sheet
        *runs_of(root, f"{_S}text", f"{_S}t", skip_inside=phonetic),  # comments
        *_drawing_text(root),
    ]


WORD: Final = PackageFormat(
    extensions=(".docx",),
    label="Word document",
    main_part="word/document.xml",
    text_parts=re.compile(
        r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments|charts/chart\d*|diagrams/data\d*)\.xml"
    ),
    paragraphs=_word_text,
    preserve_space=True,
)

POWERPOINT: Final = PackageFormat(
    extensions=(".pptx",),
    label="PowerPoint presentation",
    main_part="ppt/presentation.xml",
    text_parts=re.compile(r"ppt/(slides/slide\d+|notesSlides/notesSlide\d+|charts/chart\d+|diagrams/data\d+)\.xml"),
    paragraphs=_drawing_text,
    preserve_space=False,
)

EXCEL: Final = PackageFormat(
    extensions=(".xlsx",),
    label="Excel workbook",
    main_part="xl/workbook.xml",
    text_parts=re.compile(r"xl/(sharedStrings|worksheets/sheet\d+|comments\d*|charts/chart\d+)\.xml"),
    paragraphs=_sheet_text,
    preserve_space=True,
)


def office_open_xml_handlers() -> tuple[PackageHandler, ...]:
    return PackageHandler(WORD), PackageHandler(POWERPOINT), PackageHandler(EXCEL)
