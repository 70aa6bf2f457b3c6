"""Which handler rewrites which extension. The format engine grows here, one module per format."""

from __future__ import annotations

from typing import Final

from doctranslate.formats.base import DocumentHandler
from doctranslate.formats.delimited import DelimitedHandler
from doctranslate.formats.html import HtmlHandler
from doctranslate.formats.image import ImageHandler
from doctranslate.formats.json_strings import JsonHandler
from doctranslate.formats.markdown import MarkdownHandler
from doctranslate.formats.office_open_xml import office_open_xml_handlers
from doctranslate.formats.open_document import open_document_handlers
from doctranslate.formats.pdf import PdfHandler
from doctranslate.formats.plain_text import PlainTextHandler
from doctranslate.formats.xliff import XliffHandler

HANDLERS: Final[tuple[DocumentHandler, ...]] = (
    PlainTextHandler(),
    HtmlHandler(),
    MarkdownHandler(),
    *office_open_xml_handlers(),
    *open_document_handlers(),
    XliffHandler(),
    DelimitedHandler(tab_separated=False),
    DelimitedHandler(tab_separated=True),
    JsonHandler(),
    PdfHandler(),
    ImageHandler(),
)


def handler_for(name: str) -> DocumentHandler | None:
    """The handler that can rewrite a file of this name, or None."""
    lower = name.lower()
    return next((h for h in HANDLERS if lower.endswith(h.extensions)), None)
