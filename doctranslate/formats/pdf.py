"""PDF with a text layer: each paragraph translated and written back where its lines were.

A PDF has no paragraphs, only positioned runs of glyphs, so the text is read line by line (pypdf, with each
line's position and size), lines are joined into paragraphs where a line wraps onto the next (same left
edge and size, one line's height below, the line before ending in the space the wrap broke at), and each
paragraph is one segment. The page is then kept whole except its text: pictures, vector drawings, table
rules and page size stay as they were, the original text operators are dropped, and the translation is
drawn over it (reportlab) in the same lines at the same places and sizes, each line squeezed horizontally
where the translation is longer, so columns and table cells keep their bounds. What is lost: the fonts
(one Unicode font is used for all text), colours and bold or italic runs.

A PDF without a text layer (a scan) has nothing to read here and fails as `NoTranslatableText`, which is
also what the service answers for it without OCR. Both libraries are BSD-licensed.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ContentStream

from doctranslate.errors import DocumentFormatError, NoTranslatableTextError
from doctranslate.formats.base import Rewrite, SegmentTranslator, charge, has_words, translate_all
from doctranslate.formats.fonts import unicode_font

_FONT_NAME: Final = "DoctranslateUnicode"
_LINE_GAP: Final = 1.6
"""A wrapped line sits at most this many font sizes below the one before; farther, it is a new paragraph."""


@dataclass
class _Line:
    x: float
    y: float
    size: float
    text: str
    room: float = 0.0  # how wide its translation may be: up to the next text on its line, or the right margin


@dataclass
class _Paragraph:
    lines: list[_Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(line.text.strip() for line in self.lines)

    def continues_with(self, line: _Line) -> bool:
        last = self.lines[-1]
        return (
            last.text.endswith((" ", "\u00ad", "-"))
            and abs(line.x - last.x) < 0.5
            and abs(line.size - last.size) < 0.1
            and 0 < last.y - line.y <= _LINE_GAP * last.size
        )


class PdfHandler:
    extensions: tuple[str, ...] = (".pdf",)

    def rewrite(self, data: bytes, translate: SegmentTranslator) -> Rewrite:
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise DocumentFormatError("the PDF is encrypted", hint="remove its password and submit again")
            pages = [_paragraphs(page) for page in reader.pages]
        except (PdfReadError, KeyError, TypeError, AttributeError) as exc:
            raise DocumentFormatError(f"the PDF could not be read: {exc}") from None
        segments = [paragraph.text for page in pages for paragraph in page]
        if not any(has_words(segment) for segment in segments):
            raise NoTranslatableTextError(
                "the PDF has no text layer to translate (a scanned page?); run OCR on it first, or translate the "
                "original document"
            )
        translated = iter(translate_all(segments, translate))
        writer = PdfWriter(clone_from=reader)
        for page, paragraphs in zip(writer.pages, pages, strict=True):
            if not paragraphs:
                continue
            overlay = _overlay(page, [(paragraph, next(translated)) for paragraph in paragraphs])
            _drop_text(page, writer)
            page.merge_page(overlay)
        sink = io.BytesIO()
        writer.write(sink)
        charged = [segment for segment in segments if has_words(segment)]
        return Rewrite(content=sink.getvalue(), characters=charge(charged), segments=len(charged))


def _paragraphs(page: Any) -> list[_Paragraph]:
    lines: list[_Line] = []

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], _font: object, size: float) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
        lines.append(_Line(x, y, size * scale, text))

    page.extract_text(visitor_text=visit)
    _measure_room(lines, float(page.mediabox.right))
    paragraphs: list[_Paragraph] = []
    for line in lines:
        if paragraphs and paragraphs[-1].continues_with(line):
            paragraphs[-1].lines.append(line)
        else:
            paragraphs.append(_Paragraph([line]))
    return paragraphs


def _measure_room(lines: list[_Line], page_right: float) -> None:
    """Each line may grow to the right as far as the next text beside it (a table's next cell, the other
    column), less a gap, or else to the right margin, taken as wide as the page's left one."""
    if not lines:
        return
    right_margin = page_right - min(line.x for line in lines)
    for line in lines:
        beside = [o.x for o in lines if o.x > line.x + 1 and abs(o.y - line.y) < line.size / 2]
        line.room = (min(beside) - line.size / 2 if beside else right_margin) - line.x


def _overlay(page: Any, translated: list[tuple[_Paragraph, str]]) -> Any:
    """A one-page PDF of the translations, drawn where the paragraphs' lines were."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    font = _font()
    box = page.mediabox
    sink = io.BytesIO()
    canvas = Canvas(sink, pagesize=(float(box.width), float(box.height)))
    for paragraph, text in translated:
        pieces = _split_like(text, paragraph.lines)
        for number, (line, piece) in enumerate(zip(paragraph.lines, pieces, strict=True), start=1):
            if not piece:
                continue
            # The wrap's space, as the source had it: read back, the lines join into one paragraph again.
            shown = piece + " " if number < len(pieces) else piece
            room = max(line.room, stringWidth(line.text.strip(), font, line.size))
            needed = stringWidth(shown, font, line.size)
            drawn = canvas.beginText(line.x - float(box.left), line.y - float(box.bottom))
            drawn.setFont(font, line.size)
            if needed > room > 0:
                drawn.setHorizScale(100 * room / needed)
            drawn.textOut(shown)
            canvas.drawText(drawn)
    canvas.showPage()
    canvas.save()
    return PdfReader(io.BytesIO(sink.getvalue())).pages[0]


def _split_like(text: str, lines: list[_Line]) -> list[str]:
    """The translation cut into as many lines as the source paragraph had, each about as long (in share of the
    whole) as its source line, breaking between words."""
    if len(lines) == 1:
        return [text]
    words = text.split()
    total = sum(len(line.text.strip()) for line in lines) or 1
    pieces: list[str] = []
    position = 0
    consumed = 0
    for index, line in enumerate(lines):
        if index == len(lines) - 1:
            pieces.append(" ".join(words[position:]))
            break
        consumed += len(line.text.strip())
        goal = len(text) * consumed / total
        end = position
        length = len(" ".join(words[:end]))
        while end < len(words) and length + len(words[end]) / 2 < goal:
            end += 1
            length = len(" ".join(words[:end]))
        pieces.append(" ".join(words[position:end]))
        position = end
    return pieces


def _drop_text(page: Any, writer: PdfWriter) -> None:
    """The page's own content without its text objects (`BT` … `ET`); everything else is kept in order."""
    content = ContentStream(page.get_contents(), writer)
    kept, inside = [], False
    for operands, operator in content.operations:
        if operator == b"BT":
            inside = True
        elif operator == b"ET":
            inside = False
        elif not inside:
            kept.append((operands, operator))
    content.operations = kept
    page.replace_contents(content)


@cache
def _font() -> str:
    """The Unicode font, embedded (subset) in every output; without one on the system, the one reportlab ships
    (Bitstream Vera: Latin only)."""
    from reportlab.pdfbase.pdfmetrics import registerFont
    from reportlab.pdfbase.ttfonts import TTFont

    found = unicode_font()
    if found is None:
        import reportlab

        found = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    registerFont(TTFont(_FONT_NAME, str(found)))
    return _FONT_NAME
