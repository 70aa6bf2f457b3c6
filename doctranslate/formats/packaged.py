"""Zip-packaged XML documents (Office Open XML and OpenDocument): one handler, told per format which parts
carry text and where its paragraphs are.

Every paragraph of every text part goes to the engine in one call; only parts with translated text are
written back; everything else in the package (styles, images, relationships, hyperlink targets, formulas)
is copied as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from lxml import etree

from doctranslate.errors import DocumentFormatError
from doctranslate.formats.archive import Archive
from doctranslate.formats.base import Rewrite, SegmentTranslator, has_words
from doctranslate.formats.runs import Paragraph, Slot, translate_paragraphs
from doctranslate.formats.xml_parts import parse_xml, write_xml

ParagraphFinder = Callable[[etree._Element], list[Paragraph]]

MAX_TEXT_PART_BYTES: Final = 32 * 1024 * 1024
"""The XML parts with text, expanded, that one document may hold: what is parsed, and so what costs memory."""


@dataclass(frozen=True)
class PackageFormat:
    extensions: tuple[str, ...]
    label: str  # "Word document", in messages
    main_part: str  # present in every genuine file of the format
    text_parts: re.Pattern[str]
    paragraphs: ParagraphFinder
    preserve_space: bool  # OOXML drops edge whitespace without xml:space="preserve"


class PackageHandler:
    def __init__(self, package: PackageFormat) -> None:
        self.package = package
        self.extensions = package.extensions

    def rewrite(self, data: bytes, translate: SegmentTranslator) -> Rewrite:
        what = f"the {self.package.label}"
        archive = Archive.read(data, what=what)
        if self.package.main_part not in archive.parts:
            raise DocumentFormatError(
                f"{what} has no {self.package.main_part}: it is not a {self.package.label} or it is damaged",
                hint="open it in its application and save it again in this format",
            )
        text_bytes = sum(
            len(content) for name, content in archive.parts.items() if self.package.text_parts.fullmatch(name)
        )
        if text_bytes > MAX_TEXT_PART_BYTES:  # parsed XML costs ~20x its size in memory: 32 MB is a 10,000-page text
            raise DocumentFormatError(
                f"{what}'s text parts expand to {text_bytes:,} bytes, more than the {MAX_TEXT_PART_BYTES:,} read",
                hint="split the document into smaller ones",
            )
        trees: dict[str, etree._ElementTree] = {}
        found: dict[str, list[Paragraph]] = {}
        for name, content in archive.parts.items():
            if self.package.text_parts.fullmatch(name):
                trees[name] = parse_xml(content, what=f"{what}, part {name}")
                found[name] = self.package.paragraphs(trees[name].getroot())
        paragraphs = [paragraph for part in found.values() for paragraph in part]
        characters, segments = translate_paragraphs(paragraphs, translate, preserve_space=self.package.preserve_space)
        changed = {
            name: write_xml(trees[name], archive.parts[name])
            for name, part in found.items()
            if any(has_words("".join(slot.get() for slot in paragraph)) for paragraph in part)
        }
        return Rewrite(archive.rewrite(changed), characters, segments)


def runs_of(
    root: etree._Element, paragraph_tag: str, text_tag: str, *, skip_inside: Sequence[str] = ()
) -> list[Paragraph]:
    """Paragraphs whose text is in `text_tag` elements (Word's w:t, DrawingML's a:t, Excel's t).

    A text element belongs to its nearest enclosing paragraph, so a text box or footnote inside a
    paragraph is a paragraph of its own; text elements under `skip_inside` (field results, phonetic
    guides) are not the reader's text.
    """
    paragraphs: list[Paragraph] = []
    for paragraph in root.iter(paragraph_tag):
        slots = [
            Slot(text)
            for text in paragraph.iter(text_tag)
            if next(text.iterancestors(paragraph_tag)) is paragraph
            and not (skip_inside and any(True for _ in text.iterancestors(*skip_inside)))
        ]
        if slots:
            paragraphs.append(slots)
    return paragraphs
