"""Markdown: prose is translated; code, URLs, HTML tags and front-matter keys are not.

Line by line: fenced and indented code blocks pass through; a line's block prefix (heading marks,
list bullets, quote marks, table pipes) is kept; inside the line, inline code, link and image
targets, autolinks, bare URLs, HTML tags and emphasis markers are kept and the text between them is
translated. In YAML front matter only the values of `title`, `description` and `summary` change.
"""

from __future__ import annotations

import re
from typing import Final

from doctranslate.formats.base import Pieces, Rewrite, SegmentTranslator, decode_text

_FENCE: Final = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_BLOCK_PREFIX: Final = re.compile(r"^(\s*(?:>\s*)*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)?)")
_TABLE_RULE: Final = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_THEMATIC_BREAK: Final = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_INLINE_FIXED: Final = re.compile(
    r"(`+[^`]*`+"  # inline code
    r"|\]\([^)]*\)"  # link / image target
    r"|\]\[[^\]]*\]"  # reference link label
    r"|!?\["  # opening bracket of a link or image
    r"|\]"  # closing bracket
    r"|<[^>\s]+>"  # autolink or HTML tag
    r"|<[A-Za-z/][^>]*>"  # HTML tag with attributes
    r"|https?://\S+"  # bare URL
    r"|\*{1,3}|_{2,3}|~~"  # emphasis markers
    r"|\s\|\s|^\||\|$"  # table cell separators
    r")"
)
_INLINE_MARKS: Final = frozenset("`[]<*_~|")
"""The characters every `_INLINE_FIXED` match holds (a bare URL holds `://`): prose without them is one text."""
_FRONT_MATTER_TEXT_KEY: Final = re.compile(r"^(\s*(?:title|description|summary)\s*:\s*)(.*?)(\s*)$")
_REFERENCE_DEFINITION: Final = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S+")


class MarkdownHandler:
    extensions: tuple[str, ...] = (".markdown", ".mdown", ".mkdn", ".md", ".mkd", ".mdwn", ".mdtxt", ".mdtext", ".rmd")

    def rewrite(self, data: bytes, translate: SegmentTranslator) -> Rewrite:
        decoded = decode_text(data, what="the Markdown document")
        lines = decoded.text.splitlines(keepends=True)
        pieces = Pieces()
        index = _front_matter(lines, pieces)
        fence: str | None = None
        previous_blank = True
        for line in lines[index:]:
            body = line.rstrip("\r\n")
            ending = line[len(body) :]
            opening = _FENCE.match(body)
            if fence is not None or opening:
                if fence is None and opening:
                    fence = opening.group(1)[0] * 3
                elif fence is not None and body.strip().startswith(fence):
                    fence = None
                pieces.fixed(line)
            elif _is_code_or_rule(body, previous_blank):
                pieces.fixed(line)
            else:
                _inline(body, pieces)
                pieces.fixed(ending)
            previous_blank = not body.strip()
        text, characters, segments = pieces.render(translate)
        return Rewrite(decoded.encode(text), characters, segments)


def _front_matter(lines: list[str], pieces: Pieces) -> int:
    """Emit the front matter (only its text values translatable); return the index after it."""
    if not lines or lines[0].rstrip("\r\n") != "---":
        return 0
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip("\r\n") in ("---", "...")), None)
    if end is None:
        return 0
    pieces.fixed(lines[0])
    for line in lines[1:end]:
        match = _FRONT_MATTER_TEXT_KEY.match(line.rstrip("\r\n"))
        value = match.group(2) if match else ""
        if match and value and value[0] not in "[{|>&*!":
            quote = value[0] if value[0] in "\"'" and value.endswith(value[0]) and len(value) > 1 else ""
            pieces.fixed(match.group(1) + quote)
            pieces.text(value[len(quote) : len(value) - len(quote)])
            pieces.fixed(quote + match.group(3) + line[len(line.rstrip("\r\n")) :])
        else:
            pieces.fixed(line)
    pieces.fixed(lines[end])
    return end + 1


def _is_code_or_rule(body: str, previous_blank: bool) -> bool:
    indented_code = previous_blank and (body.startswith("    ") or body.startswith("\t")) and bool(body.strip())
    return (
        indented_code
        or bool(_TABLE_RULE.match(body))
        or bool(_THEMATIC_BREAK.match(body))
        or bool(_REFERENCE_DEFINITION.match(body))
    )


def _inline(body: str, pieces: Pieces) -> None:
    prefix = _BLOCK_PREFIX.match(body)
    start = prefix.end() if prefix else 0
    pieces.fixed(body[:start])
    if "://" not in body and _INLINE_MARKS.isdisjoint(body):  # most prose lines: no regex scan over them
        pieces.text(body[start:])
        return
    position = start
    for match in _INLINE_FIXED.finditer(body, start):
        pieces.text(body[position : match.start()])
        pieces.fixed(match.group(0))
        position = match.end()
    pieces.text(body[position:])
