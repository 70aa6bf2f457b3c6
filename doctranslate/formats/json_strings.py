"""JSON: string values are translated; keys, numbers, literals, layout and escapes elsewhere stay as written.

The file is checked with the json module, then cut with a string-literal pattern, so the output is the
input with only value strings replaced (re-encoded as JSON, non-ASCII kept as is).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Final

from doctranslate.errors import DocumentFormatError
from doctranslate.formats.base import Pieces, Rewrite, SegmentTranslator, decode_text

_STRING: Final = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_KEY_FOLLOWS: Final = re.compile(r"\s*:")


class JsonHandler:
    extensions: tuple[str, ...] = (".json",)

    def rewrite(self, data: bytes, translate: SegmentTranslator) -> Rewrite:
        decoded = decode_text(data, what="the JSON file")
        try:
            json.loads(decoded.text)
        except ValueError as exc:  # bad syntax, or an integer too long to read (over 4,300 digits)
            raise DocumentFormatError(f"the JSON file is not valid JSON: {exc}") from None
        except RecursionError:
            raise DocumentFormatError("the JSON file is nested too deeply") from None
        pieces = Pieces()
        position = 0
        for match in _STRING.finditer(decoded.text):
            pieces.fixed(decoded.text[position : match.start() + 1])
            inner = match.group()[1:-1]
            if _KEY_FOLLOWS.match(decoded.text, match.end()):
                pieces.fixed(inner)
            else:
                pieces.text(inner)
            pieces.fixed('"')
            position = match.end()
        pieces.fixed(decoded.text[position:])
        text, characters, segments = pieces.render(_as_json_strings(translate), plain=_value)
        try:
            return Rewrite(decoded.encode(text), characters, segments)
        except UnicodeEncodeError:  # `"\ud800"`: valid JSON syntax, but no character any encoding can write
            raise DocumentFormatError(
                "the JSON file holds a lone UTF-16 surrogate escape, which is no character"
            ) from None


def _value(inner: str) -> str:
    return str(json.loads(f'"{inner}"'))


def _as_json_strings(translate: SegmentTranslator) -> SegmentTranslator:
    """The engine sees the decoded text; what it returns is encoded again as the inside of a JSON string."""

    def wrapped(segments: Sequence[str]) -> list[str]:
        return [json.dumps(text, ensure_ascii=False)[1:-1] for text in translate([_value(s) for s in segments])]

    return wrapped
