"""Image files (.jpeg .jpg .png .bmp .webp): their text read by OCR, translated, and painted back in place.

Batch inputs since API 2025-12-01-preview (2026-03-01 GA), at most 5 MB each, priced per image (api-facts
§9b). The local service reads the text with Tesseract, the OCR engine Debian packages as `tesseract-ocr`
(its English model comes with it; `tesseract-ocr-<lang>` adds others): words are grouped into lines and
paragraphs as Tesseract finds them, each paragraph is one segment, and each line of the translation is
painted over the box of the source line, in the source line's colour on its background, squeezed to the
box's width. Without Tesseract an image fails alone, with a message that says what to install.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from doctranslate.errors import DocumentFormatError, NoTranslatableTextError
from doctranslate.formats.base import Rewrite, SegmentTranslator, has_words, translate_all
from doctranslate.formats.fonts import unicode_font

IMAGE_EXTENSIONS: Final = (".jpeg", ".jpg", ".png", ".bmp", ".webp")
MAX_IMAGE_BYTES: Final = 5 * 1024 * 1024
"""The service's limit for an image file in a batch."""
_OCR_TIMEOUT_SECONDS: Final = 60
_MIN_CONFIDENCE: Final = 50.0


def is_image(name: str) -> bool:
    return name.lower().endswith(IMAGE_EXTENSIONS)


class OcrUnavailableError(DocumentFormatError):
    """No OCR engine on this machine: the local service cannot read text in images."""


@dataclass(frozen=True)
class _Box:
    left: int
    top: int
    width: int
    height: int

    def joined(self, other: _Box) -> _Box:
        left, top = min(self.left, other.left), min(self.top, other.top)
        right = max(self.left + self.width, other.left + other.width)
        bottom = max(self.top + self.height, other.top + other.height)
        return _Box(left, top, right - left, bottom - top)


@dataclass
class _Line:
    box: _Box
    words: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.words)


class ImageHandler:
    extensions: tuple[str, ...] = IMAGE_EXTENSIONS

    def rewrite(self, data: bytes, translate: SegmentTranslator) -> Rewrite:
        try:
            picture = Image.open(io.BytesIO(data))
            picture.load()
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
            raise DocumentFormatError(f"the image could not be read: {exc}") from None
        paragraphs = _paragraphs(_ocr(data))
        segments = [" ".join(line.text for line in lines) for lines in paragraphs]
        if not any(has_words(segment) for segment in segments):
            raise NoTranslatableTextError("no text was found in the image")
        translated = translate_all(segments, translate)
        canvas = picture.convert("RGB")
        for lines, text in zip(paragraphs, translated, strict=True):
            for line, piece in zip(lines, _split_words(text, [len(line.text) for line in lines]), strict=True):
                _paint(canvas, line.box, piece)
        sink = io.BytesIO()
        kind = picture.format or "PNG"
        canvas.save(sink, format=kind, **({"quality": 95} if kind == "JPEG" else {}))
        # An image file is charged per image (`imageCharged`), not by its characters.
        return Rewrite(content=sink.getvalue(), characters=0, segments=sum(map(has_words, segments)))


@cache
def _tesseract() -> str | None:
    return shutil.which("tesseract")


def _ocr(data: bytes) -> list[dict[str, str]]:
    """Tesseract's words (TSV rows), read from the image on stdin."""
    binary = _tesseract()
    if binary is None:
        raise OcrUnavailableError(
            "the local service reads text in images with Tesseract OCR, which is not installed here",
            hint="install Debian's tesseract-ocr (apt-get install tesseract-ocr) and restart the local service",
        )
    try:
        finished = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            [binary, "stdin", "stdout", "tsv"],
            input=data,
            capture_output=True,
            timeout=_OCR_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DocumentFormatError(f"OCR took longer than {_OCR_TIMEOUT_SECONDS} s on this image") from None
    if finished.returncode != 0:
        raise DocumentFormatError("the OCR engine could not read the image")
    rows = csv.DictReader(
        io.StringIO(finished.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE
    )
    return [row for row in rows if row.get("level") == "5" and (row.get("text") or "").strip()]


def _paragraphs(words: list[dict[str, str]]) -> list[list[_Line]]:
    """Words read with confidence, as Tesseract groups them: lines within paragraphs, in reading order."""
    lines: dict[tuple[str, str, str], _Line] = {}
    for word in words:
        if float(word.get("conf") or 0) < _MIN_CONFIDENCE:
            continue
        box = _Box(int(word["left"]), int(word["top"]), int(word["width"]), int(word["height"]))
        key = (word["block_num"], word["par_num"], word["line_num"])
        found = lines.get(key)
        if found is None:
            lines[key] = _Line(box, [word["text"].strip()])
        else:
            found.box = found.box.joined(box)
            found.words.append(word["text"].strip())
    paragraphs: dict[tuple[str, str], list[_Line]] = {}
    for (block, paragraph, _), line in lines.items():
        paragraphs.setdefault((block, paragraph), []).append(line)
    return list(paragraphs.values())


def _split_words(text: str, lengths: list[int]) -> list[str]:
    """`text` cut between words into as many lines as `lengths`, each taking about its share of the whole."""
    words, total = text.split(), sum(lengths) or 1
    pieces, start, consumed = [], 0, 0
    for index, length in enumerate(lengths):
        if index == len(lengths) - 1:
            pieces.append(" ".join(words[start:]))
            break
        consumed += length
        end = start
        while end < len(words) and len(" ".join(words[: end + 1])) <= len(text) * consumed / total:
            end += 1
        pieces.append(" ".join(words[start:end]))
        start = end
    return pieces


def _paint(canvas: Image.Image, box: _Box, text: str) -> None:
    """The box filled with its background and `text` drawn in its foreground colour, as tall as the box and
    squeezed to its width where longer."""
    region = canvas.crop((box.left, box.top, box.left + box.width, box.top + box.height))
    counted: list[tuple[int, tuple[int, int, int]]] = region.getcolors(box.width * box.height) or []  # type: ignore[assignment]
    colours = [colour for _, colour in sorted(counted, reverse=True)] or [(255, 255, 255)]
    background = colours[0]
    foreground = colours[1] if len(colours) > 1 else (0, 0, 0)
    ImageDraw.Draw(canvas).rectangle((box.left, box.top, box.left + box.width, box.top + box.height), fill=background)
    if not text:
        return
    found = unicode_font()
    font = ImageFont.truetype(str(found), box.height) if found else ImageFont.load_default(box.height)
    left, top, right, bottom = (int(edge) for edge in font.getbbox(text))
    drawn = Image.new("RGB", (max(1, right - left), max(1, bottom - top)), background)
    ImageDraw.Draw(drawn).text((-left, -top), text, font=font, fill=foreground)
    width = min(box.width, round(drawn.width * box.height / drawn.height))
    canvas.paste(drawn.resize((max(1, width), max(1, box.height))), (box.left, box.top))
