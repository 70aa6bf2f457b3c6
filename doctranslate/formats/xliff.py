"""XLIFF 1.2 (.xlf): each trans-unit's `<target>` is filled with the translation of its `<source>`.

The source is kept; the target starts as a copy of the source (so inline tags — g, x, bx, ex, ph, bpt,
ept, it, mrk — stay in place, their native code untouched) and its text is translated as one paragraph.
A unit marked translate="no" is left alone. Filled targets get state="translated"; other attributes
of an existing target are kept.
"""

from __future__ import annotations

import copy
from typing import Final

from lxml import etree

from doctranslate.errors import DocumentFormatError
from doctranslate.formats.base import Rewrite, SegmentTranslator
from doctranslate.formats.runs import Paragraph, inline_runs, translate_paragraphs
from doctranslate.formats.xml_parts import parse_xml, write_xml

_X: Final = "{urn:oasis:names:tc:xliff:document:1.2}"
_HOLDERS: Final = frozenset({f"{_X}g", f"{_X}mrk"})  # inline elements whose content is the reader's text


class XliffHandler:
    extensions: tuple[str, ...] = (".xlf", ".xliff")

    def rewrite(self, data: bytes, translate: SegmentTranslator) -> Rewrite:
        what = "the XLIFF file"
        tree = parse_xml(data, what=what)
        root = tree.getroot()
        if root.tag != f"{_X}xliff" or root.get("version") not in ("1.0", "1.1", "1.2"):
            raise DocumentFormatError(
                f"{what} is not XLIFF 1.2 (root {etree.QName(root).localname!r}, version {root.get('version')!r})",
                hint="export it as XLIFF 1.2 from your translation tool",
            )
        paragraphs: list[Paragraph] = []
        for unit in root.iter(f"{_X}trans-unit"):
            source = unit.find(f"{_X}source")
            if source is None or unit.get("translate") == "no":
                continue
            paragraphs.append(inline_runs(_fresh_target(unit, source), _HOLDERS))
        characters, segments = translate_paragraphs(paragraphs, translate)
        return Rewrite(write_xml(tree, data), characters, segments)


def _fresh_target(unit: etree._Element, source: etree._Element) -> etree._Element:
    """A `<target>` copied from the source, in place of any existing one, right after the source."""
    old = unit.find(f"{_X}target")
    target = copy.deepcopy(source)
    target.tag = f"{_X}target"
    target.attrib.clear()
    if old is not None:
        target.attrib.update(old.attrib)
        target.tail = old.tail
        old.getparent().replace(old, target)  # type: ignore[union-attr]
    else:
        target.tail = source.tail
        source.addnext(target)
    target.set("state", "translated")
    return target
