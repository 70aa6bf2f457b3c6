"""The QA rules: what a localization reviewer checks first, on every segment of every output.

Segments of the source and the output are compared by position (the format engine keeps the order); a
document whose segment count changed is a structure finding, and then only the rules that need no pairing
run. Each finding names the rule, the segment (cut short) and what to do.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, Field

from doctranslate.formats.base import LINK, PLACEHOLDER, RUN_BOUNDARY, has_words
from doctranslate.formats.glossaries import GlossaryTerms


class QaRule(StrEnum):
    OPENS = "opens"
    STRUCTURE = "structure"
    EMPTY = "empty"
    UNTRANSLATED = "untranslated"
    GLOSSARY = "glossary"
    NUMBERS = "numbers"
    LINKS = "links"
    PLACEHOLDERS = "placeholders"
    TAGS = "tags"
    LENGTH = "length"


HINTS: Final[dict[QaRule, str]] = {
    QaRule.OPENS: "the output does not open as its format; translate the document again",
    QaRule.STRUCTURE: "paragraphs, tables, rows, cells, slides or sheets were lost or added; compare the two files",
    QaRule.EMPTY: "a segment with text came back empty; translate the document again",
    QaRule.UNTRANSLATED: "text left in the source language (text boxes, charts and images are frequent causes)",
    QaRule.GLOSSARY: "a glossary term was not applied: entries are case-sensitive, and a glossary whose language "
    "pair does not match the job is ignored",
    QaRule.NUMBERS: "a number differs from the source; check it was not altered",
    QaRule.LINKS: "a URL or e-mail address differs from the source; links must stay as they are",
    QaRule.PLACEHOLDERS: "a placeholder ({0}, {{name}}, %s) was lost or changed; the software filling it will fail",
    QaRule.TAGS: "inline formatting (bold, links, runs) was lost or added",
    QaRule.LENGTH: "far longer or shorter than the document's other segments; it may be truncated or duplicated",
}

SEGMENT_SHOWN: Final = 80
MIN_RATIO_LENGTH: Final = 20  # shorter segments vary too much in length to say anything
RATIO_SPREAD: Final = 3.0  # a segment this many times off the document's median ratio is an outlier

_NUMBER: Final = re.compile(
    r"(?<![\w.,])\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+(?:[.,]\d+)?(?!\w)|(?<![\w.,])\d+(?:[.,]\d+)?(?!\w)"
)
"""Numbers, with their group and decimal separators, which translation may localize (1,000.5 -> 1 000,5)."""
_DIGIT: Final = re.compile(r"\d")  # what `_NUMBER` is made of; searched in C, not char by char
_ALLOWED_AS_IS: Final = re.compile(r"^[\W\d_]*([A-Z][A-Za-z0-9]*|[A-Z0-9_-]{2,})?[\W\d_]*$")
"""Segments that may stay as they are: one name or code (`Contoso`, `SKU-42`), or no letters at all."""


class Finding(BaseModel):
    """One thing QA found in one output."""

    source: str = Field(description="The document, by its path under the source.")
    language: str
    rule: QaRule
    segment: str = Field("", description="The segment concerned, cut short.")
    detail: str
    hint: str


def check_segments(
    source: Sequence[str], output: Sequence[str], glossary: GlossaryTerms | None
) -> Iterator[tuple[QaRule, str, str]]:
    """(rule, segment, detail) for every problem between a source's segments and its output's."""
    if len(source) != len(output):
        yield QaRule.STRUCTURE, "", f"{len(source)} segments in the source, {len(output)} in the output"
        return
    ratios: list[float] = []
    for before, after in zip(source, output, strict=True):
        yield from _pair(before, after, glossary)
        if len(before) >= MIN_RATIO_LENGTH and after.strip():
            ratios.append(len(after) / len(before))
    if len(ratios) >= 3:
        median = statistics.median(ratios)
        for before, after in zip(source, output, strict=True):
            if len(before) >= MIN_RATIO_LENGTH and after.strip():
                ratio = len(after) / len(before) / median
                if ratio > RATIO_SPREAD or ratio < 1 / RATIO_SPREAD:
                    yield QaRule.LENGTH, before, f"{len(after) / len(before):.2f}x the source's length"


def _pair(before: str, after: str, glossary: GlossaryTerms | None) -> Iterator[tuple[QaRule, str, str]]:
    if not after.strip(RUN_BOUNDARY + " \t\r\n"):
        yield QaRule.EMPTY, before, "the output segment is empty"
        return
    if after == before and has_words(before) and not _ALLOWED_AS_IS.match(before.replace(RUN_BOUNDARY, "")):
        yield QaRule.UNTRANSLATED, before, "the output segment is the source segment"
    if _DIGIT.search(before):
        lost_numbers = _numbers(before) - _numbers(after)
        if lost_numbers:
            yield QaRule.NUMBERS, before, f"missing from the output: {', '.join(sorted(lost_numbers)[:5])}"
    # The patterns are searched only where their marks are: most segments have neither, and QA stays cheap.
    for rule, pattern, marks in ((QaRule.LINKS, LINK, ("://", "www.", "@")), (QaRule.PLACEHOLDERS, PLACEHOLDER, "{%$")):
        if any(mark in before for mark in marks):
            lost = _tokens(pattern, before) - _tokens(pattern, after)
            if lost:
                yield rule, before, f"missing from the output: {', '.join(sorted(lost)[:5])}"
    runs_before, runs_after = before.count(RUN_BOUNDARY) + 1, after.count(RUN_BOUNDARY) + 1
    # Fewer runs is normal when a run's text moves into its neighbour (a glossary term across runs, an engine
    # reordering words) and the emptied run is dropped; all formatting gone, or runs added, is not.
    if runs_after > runs_before or (runs_before > 1 and runs_after == 1):
        yield QaRule.TAGS, before, f"{runs_before} formatting runs in the source, {runs_after} in the output"
    if glossary is not None:
        for term, target in _terms_in(glossary, before):
            if target not in after.replace(RUN_BOUNDARY, ""):
                yield QaRule.GLOSSARY, before, f"{term!r} should read {target!r}"


def _numbers(text: str) -> Counter[str]:
    """Each number as its digits alone: `1,000.5` and `1 000,5` are the same number."""
    return Counter(re.sub(r"\D", "", number) for number in _tokens(_NUMBER, text).elements())


def _tokens(pattern: re.Pattern[str], text: str) -> Counter[str]:
    return Counter(match.group(0).rstrip(".,;:)") for match in pattern.finditer(text.replace(RUN_BOUNDARY, "")))


def _terms_in(glossary: GlossaryTerms, text: str) -> list[tuple[str, str]]:
    """The glossary's terms the service would apply to `text`: case-sensitive inside a sentence, and a whole
    segment that is the term whatever its case (api-facts §gotchas 5)."""
    plain = text.replace(RUN_BOUNDARY, "")
    found = [(piece, target) for piece, target in glossary.split(plain) if target is not None]
    whole = {source.lower(): (source, target) for source, target in glossary.terms.items()}
    if not found and plain.strip().lower() in whole:
        found.append(whole[plain.strip().lower()])
    return found


def shorten(segment: str) -> str:
    plain = " ".join(segment.replace(RUN_BOUNDARY, "").split())
    return plain if len(plain) <= SEGMENT_SHOWN else plain[: SEGMENT_SHOWN - 1] + "…"
