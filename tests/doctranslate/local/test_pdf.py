"""PDF in the local service, through the official SDK: a 20-page handbook LibreOffice exported (headings, tables,
pictures, two columns) comes back with its pages and pictures, its text translated and readable by pypdf;
a PDF with no text layer fails alone, with the service's code and a message that says why."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pypdf
import pytest
from azure.ai.translation.document import DocumentTranslationClient
from docx.enum.section import WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from doctranslate.local.engines import unpseudo
from doctranslate.qa.check import check_document
from tests.doctranslate.local.conftest import LocalStack
from tests.support.libreoffice import LibreOffice
from tests.support.pictures import png

pytestmark = pytest.mark.e2e
PAGES = 20


def handbook(folder: Path) -> Path:
    """A Word file of 20 pages: a heading and a paragraph on each, a table on some, a picture on others, and
    a closing section in two columns."""
    document = docx.Document()
    for page in range(PAGES):
        if page:
            document.add_page_break()
        document.add_heading(f"Chapter {page + 1}", 1)
        document.add_paragraph(f"This chapter explains how the team works, page {page + 1}. Read it first.")
        if page % 5 == 1:
            table = document.add_table(rows=2, cols=2)
            table.style = "Table Grid"
            for (row, column), text in {(0, 0): "Region", (0, 1): "Revenue", (1, 0): "North"}.items():
                table.cell(row, column).text = text
        if page % 5 == 2:
            document.add_picture(png(("teal", "olive")[page % 2]))
    columns = document.add_section(WD_SECTION.CONTINUOUS)._sectPr
    layout = OxmlElement("w:cols")
    layout.set(qn("w:num"), "2")
    columns.append(layout)
    for index in range(8):
        document.add_paragraph(f"Note {index}: travel is booked through the office, never alone.")
    path = folder / "handbook.docx"
    document.save(path)
    return path


def scanned_page() -> bytes:
    """What a scanner makes: a page that is one picture, no text layer."""
    sink = io.BytesIO()
    canvas = Canvas(sink, pagesize=(300, 200))
    canvas.drawImage(ImageReader(png("grey")), 20, 20, width=240, height=120)
    canvas.showPage()
    canvas.save()
    return sink.getvalue()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("pdf")
    LibreOffice(folder / "profile").convert([handbook(folder)], "pdf", folder)
    return (folder / "handbook.pdf").read_bytes()


def test_a_libreoffice_pdf_keeps_its_pages_and_pictures_and_is_translated(
    stack: LocalStack, sdk2: DocumentTranslationClient, exported: bytes
) -> None:
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("fr")
    storage.upload(source, {"handbook.pdf": exported, "scan.pdf": scanned_page()})

    poller = sdk2.begin_translation(storage.container_url(source, "rl"), storage.container_url(target, "wl"), "fr")
    documents = {d.source_document_url.rsplit("/", 1)[-1]: d for d in poller.result()}

    assert documents["handbook.pdf"].status == "Succeeded", documents["handbook.pdf"].error
    output = storage.download(target, "handbook.pdf")
    before, after = pypdf.PdfReader(io.BytesIO(exported)), pypdf.PdfReader(io.BytesIO(output))
    assert len(before.pages) == len(after.pages) == PAGES
    assert [len(p.images) for p in after.pages] == [len(p.images) for p in before.pages]
    assert sum(len(p.images) for p in after.pages) >= 4
    assert [p.mediabox for p in after.pages] == [p.mediabox for p in before.pages]
    first = after.pages[0].extract_text().splitlines()
    assert [unpseudo(line) for line in first[:2]] == [
        "Chapter 1",
        "This chapter explains how the team works, page 1. Read it first.",
    ]
    text = "\n".join(page.extract_text() for page in after.pages)
    assert "Region" not in text and "travel" not in text  # nothing of the source's text is left over
    assert check_document("handbook.pdf", exported, output, language="fr") == []
    assert documents["handbook.pdf"].characters_charged > 20 * len("Chapter 1")

    scan = documents["scan.pdf"]
    assert scan.status == "Failed" and scan.error.code == "NoTranslatableText"
    assert "no text layer" in scan.error.message and "OCR" in scan.error.message
    assert "scan.pdf" not in storage.names(target)
