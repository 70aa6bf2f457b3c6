"""The flow process is SIGKILLed at each stage — staging, right after submitting, while polling, while
gathering — and running again finishes the work with exactly one batch submitted, every output complete,
nothing partial left behind, characters charged once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.pipeline.conftest import Pipeline

pytestmark = pytest.mark.e2e

SLOW = {"DOCTRANSLATE_FAULT_DOCUMENT_SECONDS": "0.5"}  # the service takes its time, so there is a "during"
QUICK = {"DOCTRANSLATE_FAULT_DOCUMENT_SECONDS": "0.01"}


def write_documents(root: Path, count: int) -> int:
    root.mkdir()
    for i in range(count):
        (root / f"chapter-{i:03}.txt").write_text(f"Chapter {i} of the handbook.\n")
    return sum(len(f"Chapter {i} of the handbook.") for i in range(count))


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], log: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the moment to kill never came; the run's log ends:\n{Path(log).read_text()[-3000:]}")
        time.sleep(0.02)


def submitted(pipeline: Pipeline) -> bool:
    return any(record.get("batch_id") for record in pipeline.submission_records("src"))


def outputs(work: Path) -> list[Path]:
    return sorted(p for p in (work / "out" / "fr").glob("*.txt")) if (work / "out" / "fr").is_dir() else []


def running_without_outputs(pipeline: Pipeline) -> bool:
    """The batch is being translated on the service and nothing has been downloaded yet: the run polls."""
    batches = pipeline.batches()
    return bool(batches) and batches[0]["status"] == "Running" and not outputs(pipeline.work)


def service_totals(pipeline: Pipeline) -> tuple[int, int]:
    batches = pipeline.batches()
    return len(batches), sum(b["summary"]["totalCharacterCharged"] for b in batches)  # type: ignore[index]


def kill_and_rerun(pipeline: Pipeline, moment: Callable[[], bool]) -> dict[str, object]:
    process = pipeline.start("src", "--to", "fr", "--out", "out")
    try:
        wait_for(moment, process, pipeline.logs[-1])
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the CLI and everything it started, at once
        process.wait(30)
    again = pipeline.run("src", "--to", "fr", "--out", "out")
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    return json.loads((pipeline.work / "out" / "report.json").read_text())


def assert_finished_once(pipeline: Pipeline, report: dict[str, object], count: int, characters: int) -> None:
    assert service_totals(pipeline) == (1, characters)
    assert [p.name for p in outputs(pipeline.work)] == [f"chapter-{i:03}.txt" for i in range(count)]
    assert all(p.read_text().startswith("[fr: ") for p in outputs(pipeline.work))  # complete, not partial
    assert not list((pipeline.work / "out").rglob("*.partial"))
    # Outputs gathered and marked before a kill count as already translated; the rest are gathered from the
    # same batch (how many of each depends on where the kill landed; neither is translated twice).
    summary = report["summary"]
    assert summary["succeeded"] + summary["already_translated"] == count  # type: ignore[index]


@pytest.mark.parametrize("pipeline", [QUICK], indirect=True)
def test_killed_while_staging(pipeline: Pipeline) -> None:
    count = 300  # enough that staging takes a moment to land in
    characters = write_documents(pipeline.work / "src", count)

    report = kill_and_rerun(pipeline, lambda: 0 < pipeline.staged() < count)

    assert_finished_once(pipeline, report, count, characters)
    assert report["summary"]["succeeded"] == count  # type: ignore[index]


@pytest.mark.parametrize("pipeline", [SLOW], indirect=True)
def test_killed_right_after_submit(pipeline: Pipeline) -> None:
    characters = write_documents(pipeline.work / "src", 12)

    report = kill_and_rerun(pipeline, lambda: submitted(pipeline))

    assert_finished_once(pipeline, report, 12, characters)
    assert report["summary"]["succeeded"] == 12  # type: ignore[index]


@pytest.mark.parametrize("pipeline", [SLOW], indirect=True)
def test_killed_while_polling(pipeline: Pipeline) -> None:
    characters = write_documents(pipeline.work / "src", 12)

    report = kill_and_rerun(pipeline, lambda: running_without_outputs(pipeline))

    assert_finished_once(pipeline, report, 12, characters)


@pytest.mark.parametrize("pipeline", [QUICK], indirect=True)
def test_killed_while_gathering(pipeline: Pipeline) -> None:
    count = 300  # a short batch is downloaded at its end, in one go: enough files that the download takes a moment
    characters = write_documents(pipeline.work / "src", count)

    report = kill_and_rerun(pipeline, lambda: 0 < len(outputs(pipeline.work)) < count)

    assert_finished_once(pipeline, report, count, characters)
