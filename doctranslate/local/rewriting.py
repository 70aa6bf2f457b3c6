"""Rewriting one document, as both the batch jobs and the synchronous route do: off the event loop, and every
way a document can fail to be read turned into the service's code and message, never a 500."""

from __future__ import annotations

import asyncio
import logging

from doctranslate.errors import DocumentFormatError, NoTranslatableTextError
from doctranslate.formats.base import DocumentHandler, Rewrite, SegmentTranslator
from doctranslate.formats.image import OcrUnavailableError

logger = logging.getLogger("doctranslate.local")


class Unrewritable(Exception):
    """The document cannot be translated: the service's error code for it, and a message."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


async def rewrite(handler: DocumentHandler, data: bytes, translate: SegmentTranslator) -> Rewrite:
    try:
        return await asyncio.to_thread(handler.rewrite, data, translate)
    except NoTranslatableTextError as exc:  # why there is none, as a sentence (a PDF says it has no text layer)
        raise Unrewritable("NoTranslatableText", _sentence(exc.message)) from None
    except OcrUnavailableError as exc:  # what this machine lacks, not what is wrong with the document
        raise Unrewritable(
            "UnsupportedDocumentFormat", f"{_sentence(exc.message)} {_sentence(exc.hint or '')}"
        ) from None
    except DocumentFormatError as exc:
        raise Unrewritable("InvalidDocument", exc.message) from None
    except (ValueError, RecursionError, MemoryError, UnicodeError) as exc:  # content no reader of ours expected
        logger.warning("a document could not be read: %s", type(exc).__name__)
        raise Unrewritable("InvalidDocument", "The document could not be read; it may be corrupt.") from None


def _sentence(message: str) -> str:
    """`the document does not have any translatable text` -> `The document does not have any translatable text.`"""
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
