"""Structure-preserving document rewriting: one handler per format, one engine call per document.

A handler finds the translatable text of a document (never markup, code or URLs), hands all of it
to `translate` in one call, and writes a copy in which exactly that text changed.
"""

from doctranslate.errors import DocumentFormatError, NoTranslatableTextError
from doctranslate.formats.base import DocumentHandler, Rewrite, SegmentTranslator
from doctranslate.formats.registry import handler_for

__all__ = [
    "DocumentFormatError",
    "DocumentHandler",
    "NoTranslatableTextError",
    "Rewrite",
    "SegmentTranslator",
    "handler_for",
]
