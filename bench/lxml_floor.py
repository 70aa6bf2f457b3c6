"""The floor for the local service: the least work that rewrites a document's text, with lxml and nothing else.

Parse, prefix every text node, serialize; Office files are unzipped and zipped again around it. No
segmentation, no run merging, no glossary, no safety limits, no storage: what is left when everything
the service adds is taken away.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import lxml.etree
import lxml.html

_PREFIX = "[fr] "
FLOOR_FORMATS = (".html", ".docx", ".pptx", ".xlsx", ".xlf")


def _xml(data: bytes) -> bytes:
    root = lxml.etree.fromstring(data)
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.rsplit("}", 1)[-1] in ("t", "source") and element.text:
            element.text = _PREFIX + element.text
    return bytes(lxml.etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _html(data: bytes) -> bytes:
    root = lxml.html.document_fromstring(data)
    for element in root.iter():
        if element.text and element.text.strip():
            element.text = _PREFIX + element.text
        if element.tail and element.tail.strip():
            element.tail = _PREFIX + element.tail
    return bytes(lxml.html.tostring(root, doctype="<!DOCTYPE html>"))


# The parts that hold a document's text (the service reads the same ones; styles, themes and the rest are copied).
_TEXT_PARTS = re.compile(
    r"(document|header\d*|footer\d*|footnotes|endnotes|comments|slide\d+|notesSlide\d+|sharedStrings)\.xml$"
)


def _package(data: bytes) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if _TEXT_PARTS.search(entry.filename):
                content = _xml(content)
            target.writestr(entry, content)
    return sink.getvalue()


def rewrite_file(path: Path) -> int:
    """Rewrite one file next to itself (`<name>.floor`); returns the bytes written."""
    data = path.read_bytes()
    if path.suffix == ".html":
        rewritten = _html(data)
    elif path.suffix == ".xlf":
        rewritten = _xml(data)
    else:
        rewritten = _package(data)
    target = path.with_name(path.name + ".floor")
    target.write_bytes(rewritten)
    return len(rewritten)
