"""HTML: text between tags and the human-readable attributes (alt, title, placeholder, aria-label).

The document is cut into tags and text with a tokenizer rather than re-serialized from a tree, so
every byte of markup, attribute order, quoting and whitespace is kept exactly. Text inside script,
style, code, pre, textarea and template elements is never touched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Final

from doctranslate.formats.base import Pieces, Rewrite, SegmentTranslator, decode_text

_TOKEN: Final = re.compile(r"(<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?.*?\?>|</?[A-Za-z][^>]*>)", re.DOTALL)
_TAG_NAME: Final = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9:-]*)")
_ATTRIBUTE: Final = re.compile(
    r"(?P<lead>\s(?:alt|title|placeholder|aria-label)\s*=\s*)(?P<quote>[\"'])(?P<value>.*?)(?P=quote)",
    re.IGNORECASE | re.DOTALL,
)
_VERBATIM: Final = frozenset({"script", "style", "code", "pre", "textarea", "template", "kbd", "samp", "var"})


class HtmlHandler:
    extensions: tuple[str, ...] = (".html", ".htm")

    def rewrite(self, data: bytes, translate: SegmentTranslator) -> Rewrite:
        decoded = decode_text(data, what="the HTML document")
        pieces = Pieces()
        verbatim_depth = 0
        for token in _TOKEN.split(decoded.text):
            if not token:
                continue
            if not _TOKEN.fullmatch(token):
                if verbatim_depth:
                    pieces.fixed(token)
                else:
                    pieces.text(token)
                continue
            name_match = _TAG_NAME.match(token)
            name = name_match.group(1).lower() if name_match else ""
            if name in _VERBATIM and not token.endswith("/>"):
                verbatim_depth += -1 if token.startswith("</") else 1
                verbatim_depth = max(verbatim_depth, 0)
            if name and not token.startswith("</") and not verbatim_depth:
                _add_tag(pieces, token)
            else:
                pieces.fixed(token)
        text, characters, segments = pieces.render(_escaping(translate), plain=html.unescape)
        return Rewrite(decoded.encode(text), characters, segments)


def _add_tag(pieces: Pieces, tag: str) -> None:
    position = 0
    for match in _ATTRIBUTE.finditer(tag):
        pieces.fixed(tag[position : match.start("value")])
        pieces.text(match.group("value"))
        position = match.end("value")
    pieces.fixed(tag[position:])


def _escaping(translate: SegmentTranslator) -> SegmentTranslator:
    """The engine sees plain text (`&amp;` as `&`); what it returns is escaped again for HTML."""

    def wrapped(segments: Sequence[str]) -> list[str]:
        return [html.escape(text, quote=True) for text in translate([html.unescape(s) for s in segments])]

    return wrapped
