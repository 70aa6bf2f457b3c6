"""The handler interface and the text rules every handler shares (decoding, what counts as words, charging)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from doctranslate.errors import DocumentFormatError, NoTranslatableTextError

RUN_BOUNDARY: Final = "\ue000"
"""Marks where one formatting run ends and the next begins inside a segment (a private-use character:
engines that keep unknown characters keep it, so the translation can be cut back into the same runs)."""

SegmentTranslator = Callable[[Sequence[str]], list[str]]
"""Translates a document's segments in one call (so a real MT backend gets one request per document)."""


@dataclass(frozen=True)
class Rewrite:
    content: bytes
    characters: int  # source characters of the translated segments: what the service charges
    segments: int


class DocumentHandler(Protocol):
    extensions: tuple[str, ...]

    def rewrite(self, data: bytes, translate: SegmentTranslator) -> Rewrite: ...


LINK: Final = re.compile(r"[a-z][a-z0-9+.-]*://[^\s<>\"']+|www\.[^\s<>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.I)
"""URLs and e-mail addresses: what a translation must keep as written."""
PLACEHOLDER: Final = re.compile(r"\{\{\s*[\w.]+\s*\}\}|\{\d+\}|\{[A-Za-z_][\w.]*\}|%\(\w+\)[sd]|%[sdif]|\$\{[\w.]+\}")
"""Placeholders software fills in (`{0}`, `{name}`, `{{name}}`, `%s`, `%(name)s`, `${name}`): kept as written."""

_ADDRESS: Final = re.compile(r"\s*(?:[a-z][a-z0-9+.-]*://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)\s*", re.IGNORECASE)


def has_words(text: str) -> bool:
    """Text a reader would want translated: it has letters and is not just a URL or an e-mail address."""
    return any(ch.isalpha() for ch in text) and not _ADDRESS.fullmatch(text)


def charge(segments: Sequence[str]) -> int:
    return sum(len(segment) for segment in segments)


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    bom: bytes

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_text(data: bytes, *, what: str) -> DecodedText:
    """UTF-8 (with or without BOM) or UTF-16 with BOM; anything else is refused, not guessed."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data[len(bom) :].decode(encoding), encoding, bom)
            except UnicodeDecodeError as exc:
                raise DocumentFormatError(f"{what} is not valid {encoding}: {exc.reason}") from None
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", b"")
    except UnicodeDecodeError as exc:
        raise DocumentFormatError(
            f"{what} is not UTF-8 text (byte {exc.start}: {exc.reason})", hint="save the file as UTF-8 and submit again"
        ) from None


def translate_all(
    segments: Sequence[str], translate: SegmentTranslator, plain: Callable[[str], str] = str
) -> list[str]:
    """Call the engine once for every segment that has words; keep the others as they are.

    `plain` turns a segment into the text a reader sees (e.g. HTML entities decoded): `5 &lt; 6` has no words.
    """
    wanted = [index for index, segment in enumerate(segments) if has_words(plain(segment))]
    if not wanted:
        raise NoTranslatableTextError("the document does not have any translatable text")
    translated = translate([segments[index] for index in wanted])
    if len(translated) != len(wanted):
        raise RuntimeError(f"the engine returned {len(translated)} segments for {len(wanted)}")
    result = list(segments)
    for index, text in zip(wanted, translated, strict=True):
        result[index] = text
    return result


class Pieces:
    """A document cut into fixed text (markup, code, whitespace) and translatable text, in order."""

    def __init__(self) -> None:
        self._items: list[tuple[bool, str]] = []

    def fixed(self, text: str) -> None:
        if text:
            self._items.append((False, text))

    def text(self, text: str) -> None:
        """Translatable text; its surrounding whitespace stays fixed so layout never shifts."""
        core = text.strip()
        if not core:
            self.fixed(text)
            return
        start = text.index(core)
        self.fixed(text[:start])
        self._items.append((True, core))
        self.fixed(text[start + len(core) :])

    def render(self, translate: SegmentTranslator, *, plain: Callable[[str], str] = str) -> tuple[str, int, int]:
        """(rewritten text, characters charged, segments translated).

        `plain` turns a segment into the text a reader sees (e.g. HTML entities decoded), which is
        what the service charges for.
        """
        segments = [text for translatable, text in self._items if translatable]
        translated = iter(translate_all(segments, translate, plain))
        out = [next(translated) if translatable else text for translatable, text in self._items]
        charged = [plain(segment) for segment in segments if has_words(plain(segment))]
        return "".join(out), charge(charged), len(charged)
