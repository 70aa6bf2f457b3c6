"""A document as QA reads it: its translatable segments, in order, and a count of its structure.

Both come from the format engine that translates (`formats.registry`), so QA sees exactly the segments the
service was given and the same parts of the package: a segment missing from the output, or a table row,
is found by comparing the two readings, not by guessing at the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Sequence
from typing import Final

from doctranslate.errors import DocumentFormatError, NoTranslatableTextError
from doctranslate.formats.image import is_image
from doctranslate.formats.registry import handler_for

_STRUCTURE_TAGS: Final = re.compile(
    rb"<(w:tbl|w:tr|w:tc|a:tbl|a:tr|a:tc|table:table|table:table-row|table:table-cell|row|c|"
    rb"table|tr|td|th|li|ul|ol|h[1-6])[\s>/]"
)
"""Tables, rows, cells, lists and headings: in Word, DrawingML (slides), OpenDocument, Excel and HTML."""
_PACKAGE_PARTS: Final = re.compile(r"(ppt/slides/slide|xl/worksheets/sheet)\d+\.xml")


class Unreadable(Exception):
    """The file does not open as its format."""


def read_segments(name: str, data: bytes) -> list[str]:
    """The segments the engine would be given, in document order ([] when there is nothing to translate)."""
    handler = handler_for(name)
    if handler is None:
        raise Unreadable(f"{name}: not a format the engine reads")
    if is_image(name):  # its segments are what OCR makes of it, and OCR does not read an output's accents back
        raise Unreadable(f"{name}: an image; QA does not read text in images")
    seen: list[str] = []

    def record(segments: Sequence[str]) -> list[str]:
        seen.extend(segments)
        return list(segments)

    try:
        handler.rewrite(data, record)
    except NoTranslatableTextError:
        return []
    except (DocumentFormatError, ValueError, RecursionError, UnicodeError) as exc:
        raise Unreadable(str(exc)) from None
    return seen


def structure_of(name: str, data: bytes) -> Counter[str]:
    """How many tables, rows, cells, list items, headings, slides and sheets the document has."""
    counts: Counter[str] = Counter()
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            for info in package.infolist():
                part = _PACKAGE_PARTS.match(info.filename)
                if part:
                    counts["slide" if part.group(1).startswith("ppt") else "sheet"] += 1
                if info.filename.endswith(".xml") and info.file_size <= 64 * 1024 * 1024:
                    counts.update(_tags(package.read(info)))
        return counts
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        counts.update(_tags(data))
    return counts


def _tags(xml: bytes) -> Counter[str]:
    return Counter(match.group(1).decode() for match in _STRUCTURE_TAGS.finditer(xml))
