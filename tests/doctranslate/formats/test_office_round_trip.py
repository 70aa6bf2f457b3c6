"""Office formats, round trip through a real producer: LibreOffice (headless) turns the flat OpenDocument
files in tests/fixtures/documents into .docx/.odt, .pptx/.odp and .xlsx/.ods; we translate those with the
pseudo engine and a glossary; then the outputs are opened with their native Python libraries (structure
counted, every text compared) and converted again by LibreOffice, which must read our text back.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
import pptx
import pytest
from lxml import etree
from odf import opendocument, teletype
from odf.draw import Frame, Image, Page
from odf.table import Table, TableCell
from odf.text import A, H, Note, P, Span
from pptx.shapes.group import GroupShape

from doctranslate.formats import Rewrite
from doctranslate.formats.base import has_words
from doctranslate.formats.glossaries import GlossaryTerms
from doctranslate.formats.registry import handler_for
from doctranslate.local.engines import PseudoEngine
from doctranslate.qa.check import check_document
from tests.support.libreoffice import LibreOffice

pytestmark = pytest.mark.e2e  # starts LibreOffice

DOCUMENTS = Path(__file__).parents[2] / "fixtures" / "documents"
SOURCES = {"docx": "handbook.fodt", "odt": "handbook.fodt", "pptx": "deck.fodp", "odp": "deck.fodp"}
SOURCES |= {"xlsx": "figures.fods", "ods": "figures.fods"}
COUNTERPART = {"docx": "odt", "odt": "docx", "pptx": "odp", "odp": "pptx", "xlsx": "ods", "ods": "xlsx"}
GLOSSARY = GlossaryTerms({"Contoso": "Kontoso"}, "en", "fr")


@dataclass(frozen=True)
class Translated:
    source: Path
    output: Path
    rewrite: Rewrite


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> LibreOffice:
    return LibreOffice(tmp_path_factory.mktemp("libreoffice-profile"))


@pytest.fixture(scope="module")
def translated(office: LibreOffice, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Translated]:
    engine = PseudoEngine()

    def translate(segments: Sequence[str]) -> list[str]:
        return engine.translate(segments, source_language="en", target_language="fr", glossary=GLOSSARY)

    results = {}
    for extension, flat in SOURCES.items():
        produced = tmp_path_factory.mktemp(f"produced-{extension}")
        office.convert([DOCUMENTS / flat], extension, produced)
        source = produced / f"{Path(flat).stem}.{extension}"
        handler = handler_for(source.name)
        assert handler is not None
        rewrite = handler.rewrite(source.read_bytes(), translate)
        output = tmp_path_factory.mktemp(f"translated-{extension}") / source.name
        output.write_bytes(rewrite.content)
        results[extension] = Translated(source, output, rewrite)
    return results


def assert_translated_pairwise(before: Sequence[str], after: Sequence[str]) -> None:
    """Same number of texts; each one with words changed, every other one is byte-identical; and the
    texts as a whole are the engine's (a single run may hold a middle part of a translated sentence)."""
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        if has_words(old):
            assert new != old, old
        else:
            assert new == old
    assert sum("[fr: " in text for text in after) >= sum(has_words(text) for text in before) // 2


def part_texts(path: Path, part: str, paragraph: str, text: str) -> list[str]:
    root = etree.fromstring(zipfile.ZipFile(path).read(part))
    return ["".join(t.text or "" for t in p.iter(text)) for p in root.iter(paragraph)]


# --- Word ---------------------------------------------------------------------------------------------------


def word_structure(path: Path) -> tuple[object, ...]:
    document = docx.Document(str(path))
    runs = [[(r.bold, r.italic, r.underline) for r in p.runs] for p in document.paragraphs]
    tables = [(len(t.rows), len(t.columns)) for t in document.tables]
    links = [h.address for p in document.paragraphs for h in p.hyperlinks]
    header = document.sections[0].header.paragraphs
    footer = document.sections[0].footer.paragraphs
    return (runs, tables, links, len(document.inline_shapes), len(header), len(footer))


def word_texts(path: Path) -> list[str]:
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    texts += [r.text for p in document.paragraphs for r in p.runs]
    texts += [cell.text for table in document.tables for cell in table._cells]
    texts += [p.text for p in document.sections[0].header.paragraphs + document.sections[0].footer.paragraphs]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    texts += part_texts(path, "word/footnotes.xml", f"{w}p", f"{w}t")
    texts += [t for t in part_texts(path, "word/document.xml", f"{w}txbxContent", f"{w}t")]  # text boxes
    return texts


def test_word(translated: dict[str, Translated]) -> None:
    result = translated["docx"]
    assert word_structure(result.output) == word_structure(result.source)
    assert_translated_pairwise(word_texts(result.source), word_texts(result.output))

    paragraphs = docx.Document(str(result.output)).paragraphs
    glossary_paragraph = next(p for p in paragraphs if "Kontoso" in p.text)
    # "Con" (bold) + "toso" (plain): the term is whole, in the first run it touched, which keeps its bold.
    assert next(r for r in glossary_paragraph.runs if "Kontoso" in r.text).bold
    assert [h.address for p in paragraphs for h in p.hyperlinks] == ["https://example.com/docs"]
    assert any(p.text == "https://example.com/raw" for p in paragraphs)  # a bare URL is not text to translate


# --- PowerPoint ---------------------------------------------------------------------------------------------


def all_shapes(shapes: Iterator[object]) -> Iterator[object]:
    for shape in shapes:
        yield shape
        if isinstance(shape, GroupShape):
            yield from all_shapes(iter(shape.shapes))


def slide_shapes(path: Path) -> list[list[object]]:
    presentation = pptx.Presentation(str(path))
    found = []
    for slide in presentation.slides:
        shapes = list(all_shapes(iter(slide.shapes)))
        if slide.has_notes_slide:
            shapes += list(slide.notes_slide.shapes)
        found.append(shapes)
    return found


def powerpoint_structure(path: Path) -> list[list[tuple[object, ...]]]:
    return [
        [
            (
                shape.shape_type,  # type: ignore[attr-defined]
                [len(p.runs) for p in shape.text_frame.paragraphs] if shape.has_text_frame else None,  # type: ignore[attr-defined]
                [(len(shape.table.rows), len(shape.table.columns))] if getattr(shape, "has_table", False) else None,  # type: ignore[attr-defined]
            )
            for shape in shapes
        ]
        for shapes in slide_shapes(path)
    ]


def powerpoint_texts(path: Path) -> list[str]:
    texts = []
    for shapes in slide_shapes(path):
        for shape in shapes:
            if shape.has_text_frame:  # type: ignore[attr-defined]
                texts += [r.text for p in shape.text_frame.paragraphs for r in p.runs]  # type: ignore[attr-defined]
            if getattr(shape, "has_table", False):
                texts += [cell.text for cell in shape.table.iter_cells()]  # type: ignore[attr-defined]
    return texts


def test_powerpoint(translated: dict[str, Translated]) -> None:
    result = translated["pptx"]
    assert powerpoint_structure(result.output) == powerpoint_structure(result.source)
    before, after = powerpoint_texts(result.source), powerpoint_texts(result.output)
    assert_translated_pairwise(before, after)
    assert any("Ĺýóń" in text for text in after)  # the speaker notes
    assert "97" in after  # a number in a table cell
    links = [r.hyperlink.address for s in pptx.Presentation(str(result.output)).slides for sh in s.shapes
             if sh.has_text_frame for p in sh.text_frame.paragraphs for r in p.runs if r.hyperlink.address]  # fmt: skip
    assert links == ["https://example.com/report"]


# --- Excel --------------------------------------------------------------------------------------------------


def workbook_cells(path: Path, **options: bool) -> dict[str, list[tuple[str, object]]]:
    workbook = openpyxl.load_workbook(str(path), **options)
    return {sheet.title: [(c.coordinate, c.value) for row in sheet.iter_rows() for c in row] for sheet in workbook}


def test_excel(translated: dict[str, Translated]) -> None:
    result = translated["xlsx"]
    before, after = workbook_cells(result.source), workbook_cells(result.output)
    assert list(after) == list(before) == ["Sales", "Notes"]  # sheets and their names
    for sheet in before:
        assert [coordinate for coordinate, _ in after[sheet]] == [coordinate for coordinate, _ in before[sheet]]
        for (_, old), (_, new) in zip(before[sheet], after[sheet], strict=True):
            if isinstance(old, str) and has_words(old) and not old.startswith("="):
                assert isinstance(new, str) and new.startswith("[fr: "), (old, new)
            else:
                assert new == old  # numbers, dates, formulas, URLs, empty cells
    assert "=SUM(B2:B3)" in [value for _, value in after["Sales"]]
    rich_before = workbook_cells(result.source, rich_text=True)["Sales"]
    rich_after = workbook_cells(result.output, rich_text=True)["Sales"]
    runs = [
        [len(v) if isinstance(v, openpyxl.cell.rich_text.CellRichText) else 0 for _, v in c]
        for c in (rich_before, rich_after)
    ]
    assert runs[0] == runs[1] and max(runs[0]) == 3  # "South " + bold "valley" + " office"


# --- OpenDocument -------------------------------------------------------------------------------------------

ODF_ELEMENTS = (P, H, Span, A, Note, Frame, Image, Page, Table, TableCell)


def odf_structure(path: Path) -> tuple[object, ...]:
    document = opendocument.load(str(path))
    counts = {kind.__name__: len(document.getElementsByType(kind)) for kind in ODF_ELEMENTS}
    links = [a.getAttribute("href") for a in document.getElementsByType(A)]
    cells = [
        (cell.getAttribute("valuetype"), cell.getAttribute("value"), cell.getAttribute("formula"))
        for cell in document.getElementsByType(TableCell)
    ]
    return counts, links, cells


FIELDS = frozenset({"page-number", "page-count", "date", "time", "title", "file-name", "sheet-name"})


def odf_texts(path: Path) -> tuple[list[str], list[str]]:
    """(paragraph texts, texts of cells that hold numbers or dates); paragraphs showing fields are left out."""
    document = opendocument.load(str(path))
    styles = document.masterstyles.getElementsByType(P) if document.masterstyles else []
    numeric = {
        id(p)
        for cell in document.getElementsByType(TableCell)
        if cell.getAttribute("valuetype") not in (None, "string")
        for p in cell.getElementsByType(P)
    }
    paragraphs = [
        p
        for p in document.getElementsByType(P) + document.getElementsByType(H) + list(styles)
        if not any(getattr(node, "tagName", "").split(":")[-1] in FIELDS for node in _descendants(p))
    ]
    return (
        [teletype.extractText(p) for p in paragraphs if id(p) not in numeric],
        [teletype.extractText(p) for p in paragraphs if id(p) in numeric],
    )


def _descendants(node: object) -> Iterator[object]:
    for child in getattr(node, "childNodes", []):
        yield child
        yield from _descendants(child)


@pytest.mark.parametrize("extension", ["odt", "odp", "ods"])
def test_open_document(translated: dict[str, Translated], extension: str) -> None:
    result = translated[extension]
    assert odf_structure(result.output) == odf_structure(result.source)
    (texts, numbers), (new_texts, new_numbers) = odf_texts(result.source), odf_texts(result.output)
    assert_translated_pairwise(texts, new_texts)
    assert new_numbers == numbers
    with zipfile.ZipFile(result.output) as package:
        first = package.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)  # ODF's own rule


# --- All: LibreOffice reads what we wrote ------------------------------------------------------------------


def test_libreoffice_reads_every_output(translated: dict[str, Translated], office: LibreOffice, tmp_path: Path) -> None:
    for extension, result in translated.items():
        out = tmp_path / extension
        out.mkdir()
        office.convert([result.output], "pdf", out)
        counterpart = COUNTERPART[extension]
        office.convert([result.output], counterpart, out)
        with zipfile.ZipFile(out / f"{result.output.stem}.{counterpart}") as converted:
            text = "".join(converted.read(name).decode("utf-8", "replace") for name in converted.namelist()
                           if name.endswith(".xml"))  # fmt: skip
        assert "[fr: " in text, f"LibreOffice did not read the translated text of the {extension} output"


def test_characters_charged_are_the_source_text_of_translated_cells(translated: dict[str, Translated]) -> None:
    """What is charged is the source text (not the longer translation): here, every text cell of the workbook."""
    result = translated["xlsx"]
    cells = [v for sheet in workbook_cells(result.source).values() for _, v in sheet if isinstance(v, str)]
    texts = [v.strip() for v in cells if has_words(v) and not v.startswith("=")]
    assert (result.rewrite.characters, result.rewrite.segments) == (sum(map(len, texts)), len(texts))


def test_qa_finds_nothing_in_the_translations_of_libreoffice_made_files(translated: dict[str, Translated]) -> None:
    """No false alarm on real producers' files: the pseudo engine's outputs, with the glossary applied."""
    for extension, one in translated.items():
        findings = check_document(
            one.source.name, one.source.read_bytes(), one.output.read_bytes(), language="fr", glossary=GLOSSARY
        )
        assert findings == [], (extension, [f.model_dump() for f in findings[:5]])
