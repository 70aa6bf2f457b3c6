"""QA rules: nothing found on the pseudo engine's outputs, and each rule caught on an output edited to break it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from doctranslate.formats.base import RUN_BOUNDARY
from doctranslate.formats.glossaries import GlossaryTerms
from doctranslate.formats.registry import handler_for
from doctranslate.local.engines import PseudoEngine
from doctranslate.qa.check import check_document, check_folders
from doctranslate.qa.rules import QaRule, check_segments

EXAMPLES = Path(__file__).parents[3] / "examples" / "docs"
GLOSSARY = GlossaryTerms({"work pool": "pool de travail"})
PAGE = (
    "<html><body><h1>Price list</h1>"
    "<p>The work pool costs 1,250.50 EUR per month, see https://example.com/prices for details.</p>"
    "<p>Hello {name}, you have %d new messages waiting for you today.</p>"
    "<table><tr><td>Basic plan for small teams</td><td>10 users</td></tr>"
    "<tr><td>Premium plan for larger teams</td><td>250 users</td></tr></table>"
    "<p>Write to support@example.com when anything goes wrong.</p></body></html>"
)


def pseudo(name: str, data: bytes, glossary: GlossaryTerms | None = None) -> bytes:
    handler = handler_for(name)
    assert handler is not None

    def translate(segments: Sequence[str]) -> list[str]:
        return PseudoEngine().translate(segments, source_language="en", target_language="fr", glossary=glossary)

    return handler.rewrite(data, translate).content


def rules(name: str, source: bytes, output: bytes) -> set[QaRule]:
    return {f.rule for f in check_document(name, source, output, language="fr", glossary=GLOSSARY)}


def test_the_pseudo_engines_outputs_of_the_examples_have_no_findings() -> None:
    checked = 0
    for path in sorted(p for p in EXAMPLES.rglob("*") if p.is_file()):
        output = pseudo(path.name, path.read_bytes(), GLOSSARY)
        assert check_document(path.name, path.read_bytes(), output, language="fr", glossary=GLOSSARY) == [], path
        checked += 1
    assert checked >= 5
    page = PAGE.encode()
    assert rules("page.html", page, pseudo("page.html", page, GLOSSARY)) == set()


@pytest.mark.parametrize(
    ("edit", "rule"),
    [
        (lambda out: out.replace("[fr: Ƥŕíćé ĺíśť ~~~]", "Price list"), QaRule.UNTRANSLATED),
        (lambda out: out.replace("pool de travail", "ƥóóĺ"), QaRule.GLOSSARY),
        (lambda out: out.replace("1,250.50", "1,350.50"), QaRule.NUMBERS),
        (lambda out: out.replace("https://example.com/prices", "https://example.org/prices"), QaRule.LINKS),
        (lambda out: out.replace("{name}", "{nom}"), QaRule.PLACEHOLDERS),
        (lambda out: out.split("<tr>")[0] + "<tr>" + out.split("<tr>")[2], QaRule.STRUCTURE),
        (lambda out: out.replace("support@example.com", "help@example.com"), QaRule.LINKS),
    ],
    ids=[
        "paragraph-left-in-source",
        "glossary-term-removed",
        "number-changed",
        "link-changed",
        "placeholder",
        "table-row-dropped",
        "e-mail-changed",
    ],
)
def test_each_rule_is_caught_on_an_output_edited_to_break_it(edit: object, rule: QaRule) -> None:
    page = PAGE.encode()
    good = pseudo("page.html", page, GLOSSARY).decode()
    broken = edit(good)  # type: ignore[operator]
    assert broken != good, "the edit must change the output"
    assert rule in rules("page.html", page, broken.encode())


def test_an_empty_or_unreadable_output_and_lost_formatting_are_findings() -> None:
    page = PAGE.encode()
    assert rules("page.html", page, b"") == {QaRule.EMPTY}
    docx = (EXAMPLES / "handbook.docx").read_bytes()
    assert rules("handbook.docx", docx, b"PK not a zip at all") == {QaRule.OPENS}
    text = b"First paragraph with enough words in it.\n\nSecond paragraph, also with words.\n"
    output = pseudo("a.txt", text)
    assert rules("a.txt", text, output.replace(b"\n\n", b" ")) == {QaRule.STRUCTURE}


def test_check_finds_nothing_on_good_outputs_and_names_the_finding_on_a_broken_one(tmp_path: Path) -> None:
    source, output = tmp_path / "src", tmp_path / "out"
    shutil.copytree(EXAMPLES, source)
    for path in (p for p in source.rglob("*") if p.is_file()):
        target = output / "fr" / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(pseudo(path.name, path.read_bytes()))
    (output / "report.json").write_text("{}")  # beside the languages, as a run leaves it: not a translation

    assert check_folders(source, output).findings == []
    clean = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "doctranslate_prefect.flows.cli", "check", str(source), str(output)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "checked 5 translation(s): 0 finding(s)" in clean.stdout

    welcome = output / "fr" / "welcome.txt"
    welcome.write_bytes((source / "welcome.txt").read_bytes())  # a translation that is its source
    broken = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "doctranslate_prefect.flows.cli", "check", str(source), str(output)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert broken.returncode == 1
    assert "welcome.txt -> fr: untranslated: the output segment is the source segment" in broken.stdout
    assert "Traceback" not in broken.stderr


def test_lost_formatting_and_length_outliers_are_found_segment_by_segment() -> None:
    bold = f"Press {RUN_BOUNDARY}Start{RUN_BOUNDARY} to begin the installation now."
    found = {rule for rule, _, _ in check_segments([bold], ["Appuyez sur Démarrer pour commencer maintenant."], None)}
    assert found == {QaRule.TAGS}
    merged = f"Appuyez sur {RUN_BOUNDARY}Démarrer pour commencer l'installation."  # a run emptied: normal
    assert list(check_segments([bold], [merged], None)) == []

    sources = [f"Sentence number {word} of this document, with some words." for word in "abcdef"]
    outputs = [f"Phrase {word} de ce document, avec quelques mots." for word in "abcde"] + ["Phrase f."]
    assert [rule for rule, _, _ in check_segments(sources, outputs, None)] == [QaRule.LENGTH]
