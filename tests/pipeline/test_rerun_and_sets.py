"""`rerun-failed` re-submits only what failed; `translate-sets` runs one subflow per language set."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.pipeline.conftest import Pipeline

pytestmark = pytest.mark.e2e


def test_fix_the_failed_file_and_rerun_only_it(pipeline: Pipeline) -> None:
    source = pipeline.work / "src"
    source.mkdir()
    (source / "good.txt").write_text("A good file.")
    (source / "broken.txt").write_bytes(b"caf\xe9 au lait")  # Latin-1, not UTF-8: the service fails it

    first = pipeline.run("src", "--to", "fr", "--out", "out")

    assert first.returncode == 1
    assert "failed: broken.txt -> fr: InvalidDocument" in first.stdout
    assert (pipeline.work / "out" / "fr" / "good.txt").is_file()
    (source / "broken.txt").write_text("café au lait")

    again = pipeline.run("out/report.json", verb="rerun-failed")

    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    report = json.loads((pipeline.work / "out" / "report.json").read_text())
    assert {(d["source"], d["status"]) for d in report["documents"]} == {
        ("good.txt", "Succeeded"),
        ("broken.txt", "Succeeded"),
    }
    assert (pipeline.work / "out" / "fr" / "broken.txt").read_text().startswith("[fr: ")
    assert pipeline.batches_received() == 2  # the first run's, and one for the fixed file alone


def test_rerun_from_a_report_kept_in_storage(pipeline: Pipeline) -> None:
    """A diskless worker's run: sources, translations and report all in storage, and the rerun reads it there."""
    storage = pipeline.storage()
    container = f"docs-{uuid.uuid4().hex[:12]}"
    storage.service.create_container(container)
    storage.upload(container, {"good.txt": b"A good file.", "broken.txt": b"caf\xe9 au lait"})
    out = f"az://{container}-out/run"

    first = pipeline.run(f"az://{container}/", "--to", "fr", "--out", out)

    assert first.returncode == 1, first.stdout[-3000:] + first.stderr[-3000:]
    storage.upload(container, {"broken.txt": "café au lait".encode()})

    again = pipeline.run(f"{out}/report.json", verb="rerun-failed")

    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    report = json.loads(storage.download(f"{container}-out", "run/report.json"))
    assert {(d["source"], d["status"], d["output"]) for d in report["documents"]} == {
        ("good.txt", "Succeeded", f"{out}/fr/good.txt"),
        ("broken.txt", "Succeeded", f"{out}/fr/broken.txt"),
    }
    assert storage.download(f"{container}-out", "run/fr/broken.txt").startswith(b"[fr: ")
    assert pipeline.batches_received() == 2


def test_language_sets_each_into_their_own_folder(pipeline: Pipeline) -> None:
    (pipeline.work / "src").mkdir()
    (pipeline.work / "src" / "a.txt").write_text("One file, many languages.")
    (pipeline.work / "sets.yaml").write_text(
        "base:\n  sources: [src]\n  languages: [fr]\n  out_dir: out\n"
        "sets:\n  - name: europe\n    languages: [fr, de]\n  - name: asia\n    languages: [ja]\n"
    )

    finished = pipeline.run("sets.yaml", verb="translate-sets")

    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    out = pipeline.work / "out"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("a.txt")) == [
        "asia/ja/a.txt",
        "europe/de/a.txt",
        "europe/fr/a.txt",
    ]
    assert (out / "asia" / "report.json").is_file() and (out / "europe" / "report.json").is_file()
