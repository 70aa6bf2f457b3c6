"""Paragraphs whose text is spread over formatting runs: translated whole, then cut back into the runs.

In Word, PowerPoint, Excel rich text, OpenDocument and XLIFF, one sentence is often cut into runs
(`Con` bold + `toso` plain). Translating run by run breaks sentences and glossary terms, so a paragraph's
runs are joined into one segment with their boundaries marked, translated, and cut back into the same
runs — at the marks when the engine kept them, else in proportion to the source runs, cuts moved to the
nearest word boundary where the source cut was at one. Runs keep their formatting; leading and trailing
whitespace stays where it was; the number of runs never changes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from doctranslate.formats.base import RUN_BOUNDARY, SegmentTranslator, charge, has_words, translate_all
from doctranslate.formats.xml_parts import XML_SPACE

_SNAP_WINDOW = 12  # how far a cut may move to reach a word boundary


@dataclass(frozen=True)
class Slot:
    """One piece of a paragraph's text: an element's `.text` or `.tail`."""

    element: etree._Element
    attribute: Literal["text", "tail"] = "text"

    def get(self) -> str:
        return (self.element.text if self.attribute == "text" else self.element.tail) or ""

    def set(self, value: str, *, preserve_space: bool) -> None:
        if self.attribute == "text":
            self.element.text = value
            if preserve_space and value != value.strip():
                self.element.set(XML_SPACE, "preserve")
        else:
            self.element.tail = value


Paragraph = Sequence[Slot]


def inline_runs(holder: etree._Element, holders: Collection[str]) -> list[Slot]:
    """Runs of a paragraph that keeps its text in element text and tails (OpenDocument, XLIFF): the
    holder's own text, then each child's runs (if the child is in `holders`) and the text after it."""
    slots: list[Slot] = []
    if holder.text:
        slots.append(Slot(holder, "text"))
    for child in holder:
        if child.tag in holders:
            slots.extend(inline_runs(child, holders))
        if child.tail:
            slots.append(Slot(child, "tail"))
    return slots


def translate_paragraphs(
    paragraphs: Sequence[Paragraph], translate: SegmentTranslator, *, preserve_space: bool = False
) -> tuple[int, int]:
    """Translate every paragraph in one engine call; returns (characters charged, segments translated).

    Each paragraph goes as one segment, its run boundaries marked with RUN_BOUNDARY. When the engine
    returns every mark, in order, the runs are cut exactly there; otherwise (an engine that drops them,
    or a glossary term that spans runs) the translation is shared out in proportion to the source runs.
    `preserve_space` marks text with edge whitespace `xml:space="preserve"` (OOXML drops it otherwise).
    """
    layouts = [_Layout.of([slot.get() for slot in paragraph]) for paragraph in paragraphs]
    segments = [layout.segment for layout in layouts]
    translated = translate_all(segments, translate, plain=_without_marks)
    charged = [_without_marks(segment) for segment in segments if has_words(_without_marks(segment))]
    for paragraph, layout, new in zip(paragraphs, layouts, translated, strict=True):
        if new == layout.segment:
            continue
        for slot, piece in zip(paragraph, layout.spread(new), strict=True):
            if piece != slot.get():
                slot.set(piece, preserve_space=preserve_space)
    return charge(charged), len(charged)


def _without_marks(segment: str) -> str:
    return segment.replace(RUN_BOUNDARY, "")


@dataclass(frozen=True)
class _Layout:
    """A paragraph's runs cut into edge whitespace (kept in place) and the middles the engine sees."""

    heads: list[str]
    middles: list[str]
    tails: list[str]

    @classmethod
    def of(cls, pieces: list[str]) -> _Layout:
        source = "".join(pieces)
        start = len(source) - len(source.lstrip())
        end = len(source.rstrip())
        heads, middles, tails = [], [], []
        offset = 0
        for piece in pieces:
            before = min(max(start - offset, 0), len(piece))
            after = min(max(offset + len(piece) - end, 0), len(piece) - before)
            heads.append(piece[:before])
            middles.append(piece[before : len(piece) - after])
            tails.append(piece[len(piece) - after :])
            offset += len(piece)
        return cls(heads, middles, tails)

    @property
    def segment(self) -> str:
        return RUN_BOUNDARY.join(middle for middle in self.middles if middle)

    def spread(self, translated: str) -> list[str]:
        filled = [index for index, middle in enumerate(self.middles) if middle]
        parts = translated.split(RUN_BOUNDARY)
        if len(parts) == len(filled):
            shares = [""] * len(self.middles)
            for index, part in zip(filled, parts, strict=True):
                shares[index] = part
        else:
            shares = split_proportionally(_without_marks(translated), self.middles)
        return [head + share + tail for head, share, tail in zip(self.heads, shares, self.tails, strict=True)]


def split_proportionally(text: str, pieces: Sequence[str]) -> list[str]:
    """Cut `text` into len(pieces) parts sized like `pieces`; empty pieces stay empty."""
    filled = [index for index, piece in enumerate(pieces) if piece]
    if len(filled) <= 1:
        return [text if index in filled or (not filled and index == 0) else "" for index in range(len(pieces))]
    total = sum(len(piece) for piece in pieces)
    cuts: list[int] = []
    consumed = 0
    previous = 0
    for index in filled[:-1]:
        consumed += len(pieces[index])
        cut = round(consumed * len(text) / total)
        following = pieces[filled[filled.index(index) + 1]]
        if pieces[index][-1].isspace():  # the source cut after a space: cut after one too
            cut = _nearest(text, cut, lambda at: text[at - 1].isspace())
        elif following[0].isspace():  # the source cut before a space
            cut = _nearest(text, cut, lambda at: text[at].isspace())
        cut = max(cut, previous)
        cuts.append(cut)
        previous = cut
    parts = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    result = [""] * len(pieces)
    for index, part in zip(filled, parts, strict=True):
        result[index] = part
    return result


def _nearest(text: str, cut: int, is_boundary: Callable[[int], bool]) -> int:
    for distance in range(_SNAP_WINDOW + 1):
        for candidate in (cut - distance, cut + distance):
            if 0 < candidate < len(text) and is_boundary(candidate):
                return candidate
    return cut
