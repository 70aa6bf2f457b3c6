"""One sample document per format, built with each format's own library, for the local-service benchmark."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
import pptx

from bench.documents import html_document, markdown_document, paragraphs, sentence, text_document


def _docx(rng: random.Random) -> bytes:
    document = docx.Document()
    document.add_heading(sentence(rng), 1)
    for paragraph in paragraphs(rng, 8):
        run_parts = paragraph.split(". ")
        written = document.add_paragraph()
        for index, part in enumerate(run_parts):
            written.add_run(part + ". ").bold = index % 3 == 0
    table = document.add_table(rows=4, cols=3)
    for cell in table._cells:
        cell.text = sentence(rng)
    sink = io.BytesIO()
    document.save(sink)
    return sink.getvalue()


def _pptx(rng: random.Random) -> bytes:
    deck = pptx.Presentation()
    for _ in range(5):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = sentence(rng)
        slide.placeholders[1].text = "\n".join(sentence(rng) for _ in range(4))
        slide.notes_slide.notes_text_frame.text = sentence(rng)
    sink = io.BytesIO()
    deck.save(sink)
    return sink.getvalue()


def _xlsx(rng: random.Random) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for _ in range(30):
        sheet.append([sentence(rng), rng.randint(1, 1000), sentence(rng)])
    sink = io.BytesIO()
    book.save(sink)
    return sink.getvalue()


def _xliff(rng: random.Random) -> bytes:
    units = "".join(f'<trans-unit id="u{i}"><source>{sentence(rng)}</source></trans-unit>' for i in range(30))
    return (
        '<?xml version="1.0" encoding="UTF-8"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        f'<file source-language="en" target-language="fr" datatype="plaintext" original="app"><body>{units}'
        "</body></file></xliff>"
    ).encode()


def _csv(rng: random.Random) -> bytes:
    sink = io.StringIO()
    writer = csv.writer(sink)
    writer.writerow(["id", "title", "description"])
    for index in range(30):
        writer.writerow([index, sentence(rng), sentence(rng)])
    return sink.getvalue().encode()


def _json(rng: random.Random) -> bytes:
    return json.dumps({f"key{i}": {"title": sentence(rng), "body": sentence(rng)} for i in range(30)}).encode()


SAMPLES: dict[str, Callable[[random.Random], bytes]] = {
    ".txt": lambda rng: text_document(rng).encode(),
    ".md": lambda rng: markdown_document(rng).encode(),
    ".html": lambda rng: html_document(rng).encode(),
    ".docx": _docx,
    ".pptx": _pptx,
    ".xlsx": _xlsx,
    ".xlf": _xliff,
    ".csv": _csv,
    ".json": _json,
}


def write_samples(folder: Path, extension: str, count: int, *, seed: int = 11) -> list[Path]:
    """`count` different documents of one format under `folder`."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"doc-{index:04d}{extension}" for index in range(count)]
    for path in paths:
        path.write_bytes(SAMPLES[extension](rng))
    return paths
