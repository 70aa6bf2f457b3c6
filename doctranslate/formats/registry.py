"""Which handler rewrites which extension. The format engine grows here, one module per format."""

from __future__ import annotations

from typing import Final

from doctranslate.formats.base import DocumentHandler
from doctranslate.formats.html import HtmlHandler
from doctranslate.formats.markdown import MarkdownHandler
from doctranslate.formats.plain_text import PlainTextHandler

HANDLERS: Final[tuple[DocumentHandler, ...]] = (PlainTextHandler(), HtmlHandler(), MarkdownHandler())
