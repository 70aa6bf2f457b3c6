"""`--sync`: small local files, one synchronous call per file and language, no storage at all (the storage
setting points at a closed port, so any use of it would fail the run), with the report, glossaries, the
policy for existing outputs and QA of a batch run."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest

from doctranslate.local.engines import unpseudo
from doctranslate.local.stack import free_port
from tests.pipeline.conftest import Pipeline

pytestmark = pytest.mark.e2e


def no_storage() -> dict[str, str]:
    return {
        "DOCTRANSLATE_STORAGE_CONNECTION_STRING": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        f"AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:{free_port()}/devstoreaccount1;",
        "DOCTRANSLATE_RETRY_MAX_ATTEMPTS": "1",
    }


def word(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    sink = io.BytesIO()
    document.save(sink)
    return sink.getvalue()


def workspace(work: Path) -> None:
    (work / "src").mkdir()
    (work / "src" / "a.txt").write_text("The world is big.\n")
    (work / "src" / "guide.md").write_text("# Guide\n\nRead [the manual](https://example.com/manual).\n")
    (work / "src" / "memo.docx").write_bytes(word("Welcome to the world."))
    (work / "g.csv").write_text("world,monde\n")


def report(pipeline: Pipeline) -> dict[str, object]:
    loaded = json.loads((pipeline.work / "out" / "report.json").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_small_files_are_translated_one_call_each_without_storage(pipeline: Pipeline) -> None:
    workspace(pipeline.work)
    args = ("src", "--to", "fr,de", "--sync", "--out", "out", "--glossary", "fr=g.csv")

    first = pipeline.run(*args, env=no_storage())

    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "6 translated, 0 already up to date, 0 failed" in first.stdout
    out = pipeline.work / "out"
    french = (out / "fr" / "a.txt").read_text()
    assert "monde" in french and unpseudo(french.strip().replace("monde", "world")) == "The world is big."
    assert "monde" not in (out / "de" / "a.txt").read_text()  # the glossary is for French only
    assert "(https://example.com/manual)" in (out / "de" / "guide.md").read_text()
    memo = docx.Document(str(out / "fr" / "memo.docx")).paragraphs[0].text
    assert unpseudo(memo.replace("monde", "world")) == "Welcome to the world."
    first_report = report(pipeline)
    statuses = {(d["source"], d["language"]): d["status"] for d in first_report["documents"]}  # type: ignore[index]
    assert set(statuses.values()) == {"Succeeded"} and len(statuses) == 6
    assert first_report["summary"]["characters_charged"] > 0  # type: ignore[index]
    assert first_report["qa"]["summary"]["findings"] == 0  # type: ignore[index]
    assert pipeline.batches_received() == 0  # no batch: the synchronous route only

    again = pipeline.run(*args, env=no_storage())
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 translated, 6 already up to date" in again.stdout

    (pipeline.work / "src" / "a.txt").write_text("The sea is big.\n")
    changed = pipeline.run(*args, env=no_storage())
    assert "2 translated, 4 already up to date" in changed.stdout, changed.stdout[-2000:]
    assert unpseudo((out / "de" / "a.txt").read_text().strip()) == "The sea is big."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("big", "--to", "fr", "--sync", "--out", "out"), "--sync takes documents up to 10 MB"),
        (("az://docs/", "--to", "fr", "--sync", "--out", "out"), "--sync translates local files into a local folder"),
        (("src", "--to", "fr", "--sync", "--out", "az://out/x"), "--sync writes translations to a local folder"),
        (("src", "--to", "fr", "--sync", "--out", "out", "--translate-images"), "in batches only, not with --sync"),
    ],
    ids=["over-10-MB", "storage-source", "storage-output", "text-in-images"],
)
def test_what_sync_cannot_do_is_refused_before_any_call(
    pipeline: Pipeline, args: tuple[str, ...], message: str
) -> None:
    workspace(pipeline.work)
    (pipeline.work / "big").mkdir()
    (pipeline.work / "big" / "large.txt").write_bytes(b"word " * (11 * 1024 * 1024 // 5))
    (pipeline.work / "src" / "deck.docx").write_bytes(word("One slide."))

    finished = pipeline.run(*args, env=no_storage())

    assert finished.returncode == 2, finished.stdout[-2000:] + finished.stderr[-2000:]
    assert message in finished.stderr
    assert "Traceback" not in finished.stderr
    assert not (pipeline.work / "out").exists()


def test_existing_outputs_under_the_fail_policy_stop_the_run_before_any_call(pipeline: Pipeline) -> None:
    workspace(pipeline.work)
    assert pipeline.run("src", "--to", "fr", "--sync", "--out", "out", env=no_storage()).returncode == 0
    before = (pipeline.work / "out" / "fr" / "a.txt").read_bytes()

    refused = pipeline.run("src", "--to", "fr", "--sync", "--out", "out", "--on-existing", "fail", env=no_storage())

    assert refused.returncode == 2
    assert "3 translation(s) already exist" in refused.stderr
    assert (pipeline.work / "out" / "fr" / "a.txt").read_bytes() == before
