"""Glossary parsing (XLIFF, TSV, CSV), safe XML, and exact term application."""

from __future__ import annotations

import pytest

from doctranslate.errors import GlossaryError
from doctranslate.formats.glossaries import parse_glossary

XLIFF = b"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">
  <file source-language="en" target-language="de" datatype="plaintext" original="terms">
    <body>
      <trans-unit id="1"><source>work pool</source><target>Arbeitspool</target></trans-unit>
      <trans-unit id="2"><source>flow</source><target>Flow</target></trans-unit>
      <trans-unit id="3"><source>untranslated</source></trans-unit>
    </body>
  </file>
</xliff>"""


def test_xliff_terms_and_language_pair() -> None:
    glossary = parse_glossary(XLIFF, "XLIFF", name="terms.xlf")
    assert glossary.terms == {"work pool": "Arbeitspool", "flow": "Flow"}
    assert glossary.applies_to("en", "de") and glossary.applies_to(None, "de-AT")
    assert not glossary.applies_to("en", "fr")  # another pair: silently not applied, as the service does


def test_delimited_glossaries() -> None:
    assert parse_glossary(b"cat\tKatze\n\ndog\tHund\n", "tsv", name="g.tsv").terms == {"cat": "Katze", "dog": "Hund"}
    assert parse_glossary(b'"New York","Nueva York"\n', "CSV", name="g.csv").terms == {"New York": "Nueva York"}


@pytest.mark.parametrize(
    ("data", "kind", "message"),
    [
        (b"one,two,three\n", "csv", "g, line 1: expected 2 columns"),
        (b"cat,\n", "csv", "g, line 1: a term is empty"),
        (b"", "tsv", "g has no terms"),
        (b"<notxliff/>", "xliff", "the root element is <notxliff>"),
        (b"<xliff", "xliff", "not valid XLIFF"),
        (b"a,b", "tmx", "unknown format 'tmx'"),
    ],
)
def test_bad_glossaries_name_the_file_and_the_problem(data: bytes, kind: str, message: str) -> None:
    with pytest.raises(GlossaryError, match=message):
        parse_glossary(data, kind, name="g")


def test_entity_tricks_are_refused() -> None:
    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><xliff>&b;</xliff>'
    external = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xliff>&e;</xliff>'
    for data in (laughs, external):
        with pytest.raises(GlossaryError, match="not valid XLIFF"):
            parse_glossary(data, "xliff", name="evil.xlf")


def test_terms_match_whole_words_case_sensitively_longest_first() -> None:
    glossary = parse_glossary(b"pool,POOL\nwork pool,WORKPOOL\n", "csv", name="g")
    assert glossary.split("A work pool, a pool, a Pool, a whirlpool.") == [
        ("A ", None),
        ("work pool", "WORKPOOL"),
        (", a ", None),
        ("pool", "POOL"),
        (", a Pool, a whirlpool.", None),
    ]


def test_oversized_glossaries_are_refused() -> None:
    with pytest.raises(GlossaryError, match="at most 10 MB"):
        parse_glossary(b"a,b\n" * (3 * 1024 * 1024), "csv", name="huge.csv")
