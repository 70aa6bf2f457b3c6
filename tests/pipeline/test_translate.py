"""`doctranslate translate` on the local stack: a mixed folder, re-runs (here and from another machine), and the
existing-target policy."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from doctranslate.local.engines import unpseudo
from doctranslate.storage.names import report_blob_name
from tests.pipeline.conftest import Pipeline

pytestmark = pytest.mark.e2e

DOCUMENTS = {
    "a.txt": b"Contoso ships documents.\n",
    "nested/deep/b.md": b"# Guide\n\nRead `code` and [the docs](https://example.com).\n",
    "nested/c.html": b"<p>Hello <b>Contoso</b> team</p>",
    "nested/d.htm": b"<h1>Short page</h1>",
    "notes.markdown": b"Plain *notes*.\n",
    "\u00fcn\u00efcode name.txt": b"Unicode and spaces in the name.\n",
}
LANGUAGES = ["fr", "de", "ja"]


def write_sources(root: Path) -> None:
    for name, data in DOCUMENTS.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (root / "empty.txt").write_bytes(b"")
    with (root / "huge.txt").open("wb") as huge:  # sparse: 41 MB without writing them
        huge.truncate(41 * 1024 * 1024)


def test_mixed_folder_three_languages_glossary_then_rerun_then_fail_policy(pipeline: Pipeline) -> None:
    write_sources(pipeline.work / "src")
    (pipeline.work / "terms.csv").write_text("Contoso,Contoso\u2122\n")

    first = pipeline.run("src", "--to", ",".join(LANGUAGES), "--glossary", "terms.csv", "--out", "out")

    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    out = pipeline.work / "out"
    for language in LANGUAGES:
        for name in DOCUMENTS:
            assert (out / language / name).is_file(), f"missing {language}/{name}"
    assert not list(out.rglob("*.partial"))
    first_line = (out / "fr" / "a.txt").read_text().splitlines()[0]
    assert "Contoso\u2122" in first_line  # the glossary term, exactly
    assert unpseudo(first_line.replace("Contoso\u2122", "Contoso")) == "Contoso ships documents."
    assert "(https://example.com)" in (out / "ja" / "nested/deep/b.md").read_text()
    report = json.loads((out / "report.json").read_text())
    assert {(d["source"], d["language"], d["status"]) for d in report["documents"]} == {
        (name, language, "Succeeded") for name in DOCUMENTS for language in LANGUAGES
    }
    skipped = {s["source"]: s["reason"] for s in report["skipped_files"]}
    assert set(skipped) == {"photo.jpg", "empty.txt", "huge.txt"}
    in_storage = pipeline.storage().download(
        pipeline.env["DOCTRANSLATE_TARGET_CONTAINER"], report_blob_name("src", "json")
    )
    assert json.loads(in_storage)["summary"] == report["summary"], "the fleet's copy of the report, in storage"
    assert "only with --translate-images" in skipped["photo.jpg"] and "40 MB limit" in skipped["huge.txt"]
    assert [b["status"] for b in report["batches"]] == ["Succeeded"]
    assert report["summary"]["characters_charged"] == sum(d["characters_charged"] for d in report["documents"]) > 0
    assert report["summary"]["characters_charged"] == report["summary"]["estimated_characters"]
    assert "Translation report" in (out / "report.md").read_text()
    assert report["qa"]["summary"] == {"documents": 18, "findings": 0, "by_rule": {}}, "every output checked, clean"
    assert pipeline.batches_received() == 1

    second = pipeline.run("src", "--to", ",".join(LANGUAGES), "--glossary", "terms.csv", "--out", "out")

    assert second.returncode == 0, second.stdout[-3000:]
    assert "0 translated, 18 already up to date" in second.stdout
    assert pipeline.batches_received() == 1

    third = pipeline.run("src", "--to", "fr", "--on-existing", "fail", "--out", "out2")

    assert third.returncode == 2
    assert "already exist in the target container" in third.stderr and "nothing was submitted" in third.stderr
    assert pipeline.batches_received() == 1


def test_another_machine_keeps_what_is_current_and_translates_only_what_changed(pipeline: Pipeline) -> None:
    write_sources(pipeline.work / "src")
    assert pipeline.run("src", "--to", ",".join(LANGUAGES), "--out", "out", "--job", "shared").returncode == 0
    other = replace(pipeline, work=pipeline.work.parent / "other-machine")  # no journal, no outputs of its own
    shutil.copytree(pipeline.work / "src", other.work / "src")

    restored = other.run("src", "--to", ",".join(LANGUAGES), "--out", "out", "--job", "shared")

    assert restored.returncode == 0, restored.stdout[-3000:] + restored.stderr[-3000:]
    assert "0 translated, 18 already up to date" in restored.stdout
    assert (other.work / "out/ja/nested/c.html").read_bytes() == (pipeline.work / "out/ja/nested/c.html").read_bytes()
    assert pipeline.batches_received() == 1

    (other.work / "src/a.txt").write_text("Contoso ships new documents.\n")
    changed = other.run("src", "--to", ",".join(LANGUAGES), "--out", "out", "--job", "shared")

    assert changed.returncode == 0, changed.stdout[-3000:] + changed.stderr[-3000:]
    assert "3 translated, 15 already up to date" in changed.stdout
    assert unpseudo((other.work / "out/fr/a.txt").read_text().strip()) == "Contoso ships new documents."
    assert pipeline.batches_received() == 2


def test_qa_fail_makes_an_output_with_findings_a_failure(pipeline: Pipeline) -> None:
    """A heading that is a glossary term in another case: the service applies whole-segment terms whatever their
    case (api-facts), the local service does not; QA names the term, and `--qa fail` fails the run."""
    (pipeline.work / "src").mkdir()
    (pipeline.work / "src" / "guide.md").write_text("# contoso\n\nContoso ships documents every day.\n")
    (pipeline.work / "terms.csv").write_text("Contoso,Kontoso\n")

    warned = pipeline.run("src", "--to", "fr", "--glossary", "terms.csv", "--out", "warned")
    failed = pipeline.run("src", "--to", "fr", "--glossary", "terms.csv", "--out", "failed", "--qa", "fail")

    assert warned.returncode == 0, warned.stdout[-3000:] + warned.stderr[-3000:]
    assert "QA: 1 finding(s) (glossary 1)" in warned.stdout
    assert failed.returncode == 1, failed.stdout[-3000:] + failed.stderr[-3000:]
    assert "failed: guide.md -> fr: QA:glossary" in failed.stdout
    report = json.loads((pipeline.work / "failed" / "report.json").read_text())
    (finding,) = report["qa"]["findings"]
    assert (finding["rule"], finding["segment"], finding["detail"]) == (
        "glossary",
        "contoso",
        "'Contoso' should read 'Kontoso'",
    )
    assert "## QA" in (pipeline.work / "failed" / "report.md").read_text()
