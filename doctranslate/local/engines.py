"""Translation engines behind one small interface.

`pseudo` (the default) pseudo-localizes: letters are swapped for accented look-alikes one to one,
the text is bracketed, tagged with the target language and padded by about a third, so every
translated segment is visible, layouts get tested against expansion, and `unpseudo` recovers the
source exactly. Glossary terms are inserted verbatim, never pseudo-localized, which makes their
application checkable in tests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, Protocol

from doctranslate.errors import ConfigurationError
from doctranslate.formats.base import LINK, PLACEHOLDER, RUN_BOUNDARY
from doctranslate.formats.glossaries import GlossaryTerms

_PLAIN: Final = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED: Final = "áƀćđéƒĝĥíĵķĺɱńóƥɋŕśťúʋŵẋýźÁƁĆĐÉƑĜĤÍĴĶĹḾŃÓƤɊŔŚŤÚṼŴẊÝŹ"
_TO_ACCENTED: Final = str.maketrans(_PLAIN, _ACCENTED)
_FROM_ACCENTED: Final = str.maketrans(_ACCENTED, _PLAIN)
PAD: Final = "~"


class TranslationEngine(Protocol):
    name: str

    def translate(
        self,
        segments: Sequence[str],
        *,
        source_language: str | None,
        target_language: str,
        glossary: GlossaryTerms | None,
    ) -> list[str]: ...


class PseudoEngine:
    name = "pseudo"

    def translate(
        self,
        segments: Sequence[str],
        *,
        source_language: str | None,
        target_language: str,
        glossary: GlossaryTerms | None,
    ) -> list[str]:
        return [self._one(segment, target_language, glossary) for segment in segments]

    @staticmethod
    def _one(text: str, language: str, glossary: GlossaryTerms | None) -> str:
        runs = glossary.split(text) if glossary else [(text, None)]
        # A term that spans formatting runs is written whole; its run boundaries follow it, so the other runs
        # of the paragraph keep their places.
        body = "".join(
            _accented(piece) if term is None else term + RUN_BOUNDARY * piece.count(RUN_BOUNDARY)
            for piece, term in runs
        )
        return f"[{language}: {body} {PAD * max(1, len(text) // 3)}]"


_KEPT: Final = re.compile(f"{LINK.pattern}|{PLACEHOLDER.pattern}", re.IGNORECASE)


def _accented(text: str) -> str:
    """Letters accented, as a translation changes them; links and placeholders kept, as MT keeps them."""
    kept = [(match.start(), match.end()) for match in _KEPT.finditer(text)]
    pieces, position = [], 0
    for start, end in kept:
        pieces += [text[position:start].translate(_TO_ACCENTED), text[start:end]]
        position = end
    return "".join(pieces) + text[position:].translate(_TO_ACCENTED)


def unpseudo(text: str) -> str:
    """Recover the source of one pseudo-localized segment (glossary terms excepted)."""
    if not (text.startswith("[") and text.endswith("]")) or ": " not in text:
        raise ValueError(f"not a pseudo-localized segment: {text!r}")
    body = text[1:-1].split(": ", 1)[1].rstrip(PAD)
    return body[:-1].translate(_FROM_ACCENTED) if body.endswith(" ") else body.translate(_FROM_ACCENTED)


ENGINE_NAMES: Final = ("pseudo", "azure-text")


def engine_named(name: str) -> TranslationEngine:
    """The engine for `--engine NAME`; `azure-text` reads `DOCTRANSLATE_MT_*` settings."""
    if name == "pseudo":
        return PseudoEngine()
    if name == "azure-text":
        from doctranslate.local.azure_text_engine import AzureTextEngine

        return AzureTextEngine()
    raise ConfigurationError(f"unknown translation engine {name!r}; choose one of: {', '.join(ENGINE_NAMES)}")
