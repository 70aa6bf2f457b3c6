"""Hostile office files and XML: refused as a document-level error, in bounded memory, before any work.

Zip bombs (by ratio, by entry count, by a header that lies about the size), names that climb out of the
archive, password-protected files, entity expansion (billion laughs), external entities, and absurd
nesting. Memory is measured with tracemalloc (the expansion buffers are Python's); none may get near the
bomb's size.
"""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from collections.abc import Callable, Sequence

import pytest

from doctranslate.errors import DocumentFormatError
from doctranslate.formats.archive import MAX_ENTRIES
from doctranslate.formats.registry import handler_for

WORD_MAIN = "word/document.xml"
MINIMAL_DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>Hello there</w:t></w:r></w:p></w:body></w:document>"
)


def upper(segments: Sequence[str]) -> list[str]:
    return [segment.upper() for segment in segments]


def package(parts: dict[str, bytes]) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return sink.getvalue()


def zeros_entry(name: str, size: int) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(WORD_MAIN, MINIMAL_DOCUMENT)
        with archive.open(name, "w") as entry:
            block = bytes(1024 * 1024)
            for _ in range(size // len(block)):
                entry.write(block)
    return sink.getvalue()


def lying_sizes(data: bytes, name: str, declared: int) -> bytes:
    """Rewrite the uncompressed size of entry `name` in both of its headers to `declared`."""
    out = bytearray(data)
    # (signature, offset of the name's length, offset of the name, offset of the uncompressed size)
    headers = ((b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24))  # local header, central directory
    for signature, length_at, name_at, size_at in headers:
        at = out.find(signature)
        while at != -1:
            length = struct.unpack_from("<H", out, at + length_at)[0]
            if out[at + name_at : at + name_at + length] == name.encode():
                struct.pack_into("<I", out, at + size_at, declared)
            at = out.find(signature, at + 4)
    return bytes(out)


def with_document(xml: bytes) -> bytes:
    return package({WORD_MAIN: xml})


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;" * 10) for i in range(1, 10)
    )
    + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    b"<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="en" '
    b'datatype="plaintext"><body><trans-unit id="1"><source>&secret;</source></trans-unit></body></file></xliff>'
)
HIDDEN_DOCTYPE = (  # past the first 4 KB, where a quick look would not see it
    b'<?xml version="1.0"?><!--' + b"x" * 5000 + b'--><!DOCTYPE x [<!ENTITY e "boom">]>'
    b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a" source-language="en" '
    b'datatype="plaintext"><body><trans-unit id="1"><source>&e; here</source></trans-unit></body></file></xliff>'
)
DEEP = (
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    + b"<w:p>" * 100_000
    + b"</w:p>" * 100_000
    + b"</w:document>"
)


def encrypted_office_file() -> bytes:
    """What Office writes for a password-protected .docx: an OLE compound file, not a zip."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)


CASES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "zip bomb by ratio": ("a.docx", lambda: zeros_entry("word/media/big.bin", 100 * 1024 * 1024), "a zip bomb"),
    "too many entries": (
        "a.xlsx",
        lambda: package({f"xl/e{i}.xml": b"" for i in range(MAX_ENTRIES + 1)}),
        "archive entries, more than",
    ),
    "entry larger than declared": (
        "a.docx",
        lambda: lying_sizes(zeros_entry("word/media/x.bin", 8 * 1024 * 1024), "word/media/x.bin", 1000),
        "word/media/x.bin",
    ),
    "entry climbs out": ("a.pptx", lambda: package({"../../evil.xml": b"<x/>"}), "points outside the archive"),
    "password-protected": ("a.docx", encrypted_office_file, "password-protected"),
    "not a word document": ("a.docx", lambda: package({"content.xml": b"<x/>"}), "has no word/document.xml"),
    "billion laughs": ("a.docx", lambda: with_document(BILLION_LAUGHS), "declares a document type"),
    "external entity": ("a.xlf", lambda: EXTERNAL_ENTITY, "declares a document type"),
    "document type past 4 KB": ("a.xlf", lambda: HIDDEN_DOCTYPE, "declares a document type"),
    "nested 100,000 deep": ("a.docx", lambda: with_document(DEEP), "not well-formed XML"),
    "malformed part": ("a.docx", lambda: with_document(b"<w:document><unclosed>"), "not well-formed XML"),
}


@pytest.mark.parametrize("case", list(CASES), ids=lambda c: c.replace(" ", "-"))
def test_hostile_input_is_refused_in_bounded_memory(case: str) -> None:
    name, make, message = CASES[case]
    data = make()
    handler = handler_for(name)
    assert handler is not None
    tracemalloc.start()
    try:
        with pytest.raises(DocumentFormatError, match=message) as caught:
            handler.rewrite(data, upper)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024 + 4 * len(data), f"{peak:,} bytes at the peak"
    assert "root:" not in str(caught.value)  # no file content leaks into the message


def test_a_sound_package_still_translates() -> None:
    """The control for the cases above: the same minimal package, unharmed, is translated."""
    handler = handler_for("a.docx")
    assert handler is not None
    result = handler.rewrite(package({WORD_MAIN: MINIMAL_DOCUMENT}), upper)
    with zipfile.ZipFile(io.BytesIO(result.content)) as archive:
        assert b"<w:t>HELLO THERE</w:t>" in archive.read(WORD_MAIN)
