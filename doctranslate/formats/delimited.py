"""CSV and TSV: each text cell is a segment; delimiters, quoting, line endings and numbers stay as they were.

Read with a small scanner rather than the csv module, because the csv module re-quotes on writing:
a quoted cell stays quoted (quotes inside doubled), an unquoted cell stays unquoted unless its
translation needs quotes (it contains the delimiter, a quote or a line break). Cells that are numbers,
URLs or have no letters are not sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from doctranslate.errors import DocumentFormatError
from doctranslate.formats.base import Rewrite, SegmentTranslator, charge, decode_text, has_words, translate_all

_LINE_END: Final = re.compile(r"\r\n|\r|\n")


@dataclass
class _Cell:
    raw: str  # as in the file, quotes excluded
    quoted: bool

    @property
    def value(self) -> str:
        return self.raw.replace('""', '"') if self.quoted else self.raw


class DelimitedHandler:
    def __init__(self, *, tab_separated: bool) -> None:
        self.extensions: tuple[str, ...] = (".tsv", ".tab") if tab_separated else (".csv",)
        self._tab_separated = tab_separated

    def rewrite(self, data: bytes, translate: SegmentTranslator) -> Rewrite:
        what = "the TSV file" if self._tab_separated else "the CSV file"
        decoded = decode_text(data, what=what)
        delimiter = "\t" if self._tab_separated else _csv_delimiter(decoded.text)
        tokens = _scan(decoded.text, delimiter, what)
        cells = [token for token in tokens if isinstance(token, _Cell)]
        cores = [cell.value.strip() for cell in cells]
        wanted = [core if _is_text(core) else "" for core in cores]
        translated = translate_all(wanted, translate)
        for cell, core, new in zip(cells, cores, translated, strict=True):
            if new and new != core:
                _replace(cell, core, new, delimiter)
        out = "".join(
            token if isinstance(token, str) else (f'"{token.raw}"' if token.quoted else token.raw) for token in tokens
        )
        charged = [core for core in wanted if has_words(core)]
        return Rewrite(decoded.encode(out), charge(charged), len(charged))


def _is_text(cell: str) -> bool:
    try:
        float(cell.replace(",", ""))
    except ValueError:
        return has_words(cell)
    return False


def _replace(cell: _Cell, core: str, new: str, delimiter: str) -> None:
    value = cell.value
    start = value.index(core)
    value = value[:start] + new + value[start + len(core) :]
    if not cell.quoted and any(ch in value for ch in (delimiter, '"', "\r", "\n")):
        cell.quoted = True
    cell.raw = value.replace('"', '""') if cell.quoted else value


def _csv_delimiter(text: str) -> str:
    """Comma, unless the first line has more semicolons (as spreadsheets write in many locales)."""
    first = _LINE_END.split(text, maxsplit=1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def _scan(text: str, delimiter: str, what: str) -> list[str | _Cell]:
    """Cells and the separators between them (delimiters, line ends), in order."""
    tokens: list[str | _Cell] = []
    bare = re.compile(rf"[^{re.escape(delimiter)}\r\n]*")
    position = 0
    while position < len(text):
        if text[position] == '"':
            end = position + 1
            while True:
                end = text.find('"', end)
                if end == -1:
                    line = text.count("\n", 0, position) + 1
                    raise DocumentFormatError(f"{what}: a quoted cell opened on line {line} is never closed")
                if text.startswith('""', end):
                    end += 2
                    continue
                break
            tokens.append(_Cell(text[position + 1 : end], quoted=True))
            position = end + 1
        else:
            match = bare.match(text, position)
            assert match is not None  # the pattern matches the empty string
            tokens.append(_Cell(match.group(), quoted=False))
            position = match.end()
        if position >= len(text):
            break
        line_end = _LINE_END.match(text, position)
        separator = line_end.group() if line_end else text[position]
        if separator != delimiter and not line_end:
            line = text.count("\n", 0, position) + 1
            raise DocumentFormatError(f"{what}: unexpected {separator!r} after a quoted cell on line {line}")
        tokens.append(separator)
        position += len(separator)
    return tokens
