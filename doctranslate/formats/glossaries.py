"""Glossaries in the three formats the service accepts: XLIFF (1.0-1.2), TSV and CSV.

Used by the local service to apply terms and by the pipeline to check a glossary before submitting.
XLIFF is parsed without external entities or DTDs (defusedxml), so a hostile glossary cannot read
files or expand entities.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from doctranslate.errors import GlossaryError
from doctranslate.formats.base import RUN_BOUNDARY, decode_text

MAX_GLOSSARY_BYTES: Final = 10 * 1024 * 1024  # the service's batch limit (api-facts §6)


@dataclass(frozen=True)
class GlossaryTerms:
    """A parsed glossary: source term to target term, and the language pair it declares (if any)."""

    terms: dict[str, str]
    source_language: str | None = None
    target_language: str | None = None
    _pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def applies_to(self, source_language: str | None, target_language: str) -> bool:
        """A glossary whose declared pair does not match the job is silently not applied, as the service does."""
        if self.target_language and _base(self.target_language) != _base(target_language):
            return False
        return not (source_language and self.source_language and _base(self.source_language) != _base(source_language))

    def split(self, text: str) -> list[tuple[str, str | None]]:
        """Cut `text` into runs of (source text, its glossary translation or None).

        Terms match case-sensitively on word boundaries, longest first, also across formatting runs
        (a term cut by run boundaries is replaced whole).
        """
        if not self.terms:
            return [(text, None)]
        pattern = self._pattern or _compile(self.terms)
        object.__setattr__(self, "_pattern", pattern)
        runs: list[tuple[str, str | None]] = []
        position = 0
        for match in pattern.finditer(text):
            if match.start() > position:
                runs.append((text[position : match.start()], None))
            runs.append((match.group(0), self.terms[match.group(0).replace(RUN_BOUNDARY, "")]))
            position = match.end()
        if position < len(text):
            runs.append((text[position:], None))
        return runs

    def merged_with(self, other: GlossaryTerms) -> GlossaryTerms:
        return GlossaryTerms({**self.terms, **other.terms}, self.source_language, self.target_language)


def _base(language: str) -> str:
    return language.lower().split("-")[0]


def _compile(terms: dict[str, str]) -> re.Pattern[str]:
    def across_runs(term: str) -> str:
        return f"{re.escape(RUN_BOUNDARY)}?".join(re.escape(ch) for ch in term)

    alternatives = "|".join(across_runs(term) for term in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def parse_glossary(data: bytes, format_name: str, *, name: str) -> GlossaryTerms:
    """Parse a glossary file; `format_name` is XLIFF, TSV or CSV (case-insensitive)."""
    if len(data) > MAX_GLOSSARY_BYTES:
        raise GlossaryError(f"glossary {name} is {len(data)} bytes; the service accepts at most 10 MB")
    kind = format_name.lower()
    if kind in ("xliff", "xlf"):
        return _parse_xliff(data, name)
    if kind in ("tsv", "tab", "csv"):
        return _parse_delimited(data, "\t" if kind in ("tsv", "tab") else ",", name)
    raise GlossaryError(f"glossary {name}: unknown format {format_name!r}", hint="use XLIFF, TSV or CSV")


def _parse_delimited(data: bytes, delimiter: str, name: str) -> GlossaryTerms:
    text = decode_text(data, what=f"glossary {name}").text
    terms: dict[str, str] = {}
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    for number, row in _numbered(rows, name):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != 2:
            raise GlossaryError(
                f"glossary {name}, line {number}: expected 2 columns (source term, target term), found {len(row)}"
            )
        source, target = row[0].strip(), row[1].strip()
        if not source or not target:
            raise GlossaryError(f"glossary {name}, line {number}: a term is empty")
        terms[source] = target
    if not terms:
        raise GlossaryError(f"glossary {name} has no terms")
    return GlossaryTerms(terms)


def _numbered(rows: Iterator[list[str]], name: str) -> Iterator[tuple[int, list[str]]]:
    """The rows with their line numbers; a row the csv module cannot read (a cell over its 128 KB limit, a
    NUL byte) is the glossary's error, named by its line."""
    number = 0
    while True:
        number += 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            raise GlossaryError(
                f"glossary {name}, line {number}: {exc}", hint="a term is at most a few words"
            ) from None
        yield number, row


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_xliff(data: bytes, name: str) -> GlossaryTerms:
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except (SafeElementTree.ParseError, DefusedXmlException) as exc:
        raise GlossaryError(f"glossary {name} is not valid XLIFF: {exc}") from None
    if _local(root.tag) != "xliff":
        raise GlossaryError(f"glossary {name}: the root element is <{_local(root.tag)}>, not <xliff>")
    file_element = next((e for e in root.iter() if _local(e.tag) == "file"), None)
    terms: dict[str, str] = {}
    for unit in (e for e in root.iter() if _local(e.tag) == "trans-unit"):
        source = next((e for e in unit if _local(e.tag) == "source"), None)
        target = next((e for e in unit if _local(e.tag) == "target"), None)
        source_text = "".join(source.itertext()).strip() if source is not None else ""
        target_text = "".join(target.itertext()).strip() if target is not None else ""
        if source_text and target_text:
            terms[source_text] = target_text
    if not terms:
        raise GlossaryError(f"glossary {name} has no <trans-unit> with both <source> and <target>")
    attributes = file_element.attrib if file_element is not None else {}
    return GlossaryTerms(terms, attributes.get("source-language"), attributes.get("target-language"))
