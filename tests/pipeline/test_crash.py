"""The flow process is SIGKILLed after submitting and while gathering; running again finishes the work
with exactly one batch submitted, every output complete, nothing partial, characters charged once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.pipeline.conftest import KEY, Pipeline

pytestmark = pytest.mark.e2e

DOCUMENTS = 12
SLOW = {"DOCTRANSLATE_FAULT_DOCUMENT_SECONDS": "0.5"}  # the service takes its time, so there is a "during"


def write_documents(root: Path) -> int:
    root.mkdir()
    for i in range(DOCUMENTS):
        (root / f"chapter-{i:02}.txt").write_text(f"Chapter {i} of the handbook.\n")
    return sum(len(f"Chapter {i} of the handbook.") for i in range(DOCUMENTS))


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], log: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the moment to kill never came; the run's log ends:\n{Path(log).read_text()[-3000:]}")
        time.sleep(0.05)


def submitted(work: Path) -> bool:
    return any("batch_id" in p.read_text() for p in (work / ".doctranslate" / "submissions").glob("*.json"))


def outputs(work: Path) -> list[Path]:
    return sorted(p for p in (work / "out" / "fr").glob("*.txt")) if (work / "out" / "fr").is_dir() else []


def service_totals(pipeline: Pipeline) -> tuple[int, int]:
    url = f"http://127.0.0.1:{pipeline.service.port}/translator/document/batches"
    batches = httpx.get(url, params={"api-version": "2024-05-01"}, headers={"Ocp-Apim-Subscription-Key": KEY}).json()
    return len(batches["value"]), sum(b["summary"]["totalCharacterCharged"] for b in batches["value"])


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


@pytest.mark.parametrize("pipeline", [SLOW], indirect=True)
def test_killed_right_after_submit(pipeline: Pipeline) -> None:
    characters = write_documents(pipeline.work / "src")

    report = kill_and_rerun(pipeline, lambda: submitted(pipeline.work))

    assert service_totals(pipeline) == (1, characters)
    assert [p.name for p in outputs(pipeline.work)] == [f"chapter-{i:02}.txt" for i in range(DOCUMENTS)]
    assert not list((pipeline.work / "out").rglob("*.partial"))
    assert report["summary"]["succeeded"] == DOCUMENTS  # type: ignore[index]


@pytest.mark.parametrize("pipeline", [SLOW], indirect=True)
def test_killed_while_gathering(pipeline: Pipeline) -> None:
    characters = write_documents(pipeline.work / "src")

    report = kill_and_rerun(pipeline, lambda: 0 < len(outputs(pipeline.work)) < DOCUMENTS)

    assert service_totals(pipeline) == (1, characters)
    assert len(outputs(pipeline.work)) == DOCUMENTS
    assert all(p.read_text().startswith("[fr: ") for p in outputs(pipeline.work))  # complete, not partial
    assert not list((pipeline.work / "out").rglob("*.partial"))
    # Outputs gathered and marked before the kill count as already translated; the rest are gathered again
    # from the same batch (how many of each depends on where the kill landed; neither is re-translated).
    summary = report["summary"]
    assert summary["succeeded"] + summary["already_translated"] == DOCUMENTS  # type: ignore[index]
