"""CSV/TSV, JSON and XLIFF: exactly the reader's text changes; delimiters, quoting, keys, numbers, inline
tags and everything else stay byte for byte."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

import pytest
from lxml import etree

from doctranslate.errors import DocumentFormatError
from doctranslate.formats.base import RUN_BOUNDARY
from doctranslate.formats.registry import handler_for
from doctranslate.formats.runs import split_proportionally


def upper(segments: Sequence[str]) -> list[str]:
    return [segment.upper() for segment in segments]


def rewrite(name: str, data: bytes, translate: object = upper) -> tuple[str, int, int]:
    handler = handler_for(name)
    assert handler is not None
    result = handler.rewrite(data, translate)  # type: ignore[arg-type]
    return result.content.decode("utf-8"), result.characters, result.segments


def test_csv_keeps_quoting_numbers_urls_and_line_endings() -> None:
    source = 'name,qty,note\r\n"Smith, John",1.5e3,"He said ""hi"""\r\nwidget, 42 ,https://example.com/a\r\n'
    text, characters, segments = rewrite("a.csv", source.encode())
    assert text == ('NAME,QTY,NOTE\r\n"SMITH, JOHN",1.5e3,"HE SAID ""HI"""\r\nWIDGET, 42 ,https://example.com/a\r\n')
    assert segments == 6
    assert characters == sum(map(len, ["name", "qty", "note", "Smith, John", 'He said "hi"', "widget"]))
    assert list(csv.reader(io.StringIO(text)))[1] == ["SMITH, JOHN", "1.5e3", 'HE SAID "HI"']


def test_csv_cell_whose_translation_needs_quotes_gets_them() -> None:
    def with_delimiters(segments: Sequence[str]) -> list[str]:
        return [f"{s}; indeed, yes" for s in segments]

    text, _, _ = rewrite("a.csv", b"hello;2\nbye;3\n", with_delimiters)
    assert text == '"hello; indeed, yes";2\n"bye; indeed, yes";3\n'  # semicolon-separated: detected, quoted as needed
    rows = [["hello; indeed, yes", "2"], ["bye; indeed, yes", "3"]]
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == rows


def test_tsv_uses_tabs_and_keeps_empty_cells() -> None:
    text, _, segments = rewrite("a.tsv", b"term\t\tnote\nCat\t3\t\n")
    assert text == "TERM\t\tNOTE\nCAT\t3\t\n"
    assert segments == 3


def test_csv_with_an_unclosed_quote_is_refused_with_its_line() -> None:
    with pytest.raises(DocumentFormatError, match="opened on line 2 is never closed"):
        rewrite("a.csv", b'a,b\n"open,c\n')


def test_json_translates_values_not_keys_numbers_or_urls_and_keeps_layout() -> None:
    source = (
        '{\n  "title": "Hello world",\n  "count": 3,\n  "tags": ["red apple", "x-1"],\n'
        '  "url": "https://example.com/a",\n  "nested": {"note": "caf\\u00e9 \\"au\\" lait", "ok": true}\n}\n'
    )
    text, characters, segments = rewrite("a.json", source.encode())
    assert text == (
        '{\n  "title": "HELLO WORLD",\n  "count": 3,\n  "tags": ["RED APPLE", "X-1"],\n'
        '  "url": "https://example.com/a",\n  "nested": {"note": "CAFÉ \\"AU\\" LAIT", "ok": true}\n}\n'
    )
    assert json.loads(text)["nested"]["note"] == 'CAFÉ "AU" LAIT'
    assert (characters, segments) == (len("Hello world") + len("red apple") + len("x-1") + len('café "au" lait'), 4)


@pytest.mark.parametrize("bad", [b'{"a": }', b'{"a": "b"', b"[" * 100_000 + b"]" * 100_000])
def test_invalid_json_is_refused(bad: bytes) -> None:
    with pytest.raises(DocumentFormatError, match="JSON"):
        rewrite("a.json", bad)


XLIFF = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
 <file source-language="en" target-language="fr" datatype="plaintext" original="ui">
  <body>
   <trans-unit id="1"><source>Click <g id="b">Save now</g> to <x id="2"/>continue.</source></trans-unit>
   <trans-unit id="2" translate="no"><source>Contoso</source></trans-unit>
   <trans-unit id="3"><source>Old text</source>
    <target state="needs-translation" xml:lang="fr">Vieux</target></trans-unit>
   <trans-unit id="4"><source><ph id="1">{0}</ph> files</source></trans-unit>
  </body>
 </file>
</xliff>
"""
X = "{urn:oasis:names:tc:xliff:document:1.2}"


def test_xliff_fills_targets_keeps_sources_inline_tags_and_untranslatable_units() -> None:
    text, characters, segments = rewrite("ui.xlf", XLIFF)
    root = etree.fromstring(text.encode())
    units = {unit.get("id"): unit for unit in root.iter(f"{X}trans-unit")}
    first = units["1"].find(f"{X}target")
    assert etree.tostring(first, with_tail=False).decode().split(">", 1)[1] == (
        'CLICK <g id="b">SAVE NOW</g> TO <x id="2"/>CONTINUE.</target>'
    )
    assert units["1"].find(f"{X}source").xpath("string()") == "Click Save now to continue."  # source kept
    assert first.get("state") == "translated"
    assert units["2"].find(f"{X}target") is None  # translate="no"
    third = units["3"].find(f"{X}target")
    assert (third.text, third.get("state"), third.get("{http://www.w3.org/XML/1998/namespace}lang")) == (
        "OLD TEXT",
        "translated",
        "fr",
    )
    fourth = units["4"].find(f"{X}target")
    assert fourth.find(f"{X}ph").text == "{0}" and fourth.find(f"{X}ph").tail == " FILES"  # native code untouched
    # The placeholder is native code, not charged.
    assert (characters, segments) == (len("Click Save now to continue.") + len("Old text") + len("files"), 3)


def test_xliff_2_is_refused_with_what_to_do() -> None:
    with pytest.raises(DocumentFormatError, match=r"export it as XLIFF 1\.2"):
        rewrite("a.xlf", b'<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0"/>')


def test_an_engine_that_drops_run_marks_gets_a_proportional_split_at_word_boundaries() -> None:
    def drops_marks(segments: Sequence[str]) -> list[str]:
        return [s.replace(RUN_BOUNDARY, "").upper() for s in segments]

    text, _, _ = rewrite("ui.xlf", XLIFF, drops_marks)
    first = etree.fromstring(text.encode()).find(f".//{X}trans-unit[@id='1']/{X}target")
    assert first.xpath("string()") == "CLICK SAVE NOW TO CONTINUE."  # nothing lost, nothing doubled
    assert len(first) == 2  # both inline tags still there


def test_proportional_split() -> None:
    assert split_proportionally("[fr: Ĥéĺĺó ŵóŕĺđ ~~~]", ["Hello ", "world"]) == ["[fr: Ĥéĺĺó ", "ŵóŕĺđ ~~~]"]
    assert split_proportionally("[fr: Ĥéĺĺó ŵóŕĺđ ~~~]", ["Hello", " world"]) == ["[fr: Ĥéĺĺó", " ŵóŕĺđ ~~~]"]
    assert split_proportionally("abcdef", ["ab", "", "cd"]) == ["abc", "", "def"]
    assert split_proportionally("only", ["", "x", ""]) == ["", "only", ""]
