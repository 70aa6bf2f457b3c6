"""Exactly once across a fleet: workers that share nothing on local disk (their own folder, state folder and
PREFECT_HOME) run the same job against one storage account, one translator and one Prefect server.

- all at once: one batch, charged once, every worker exit 0 with every output;
- the submitting worker SIGKILLed right after its POST, or in the middle of a slow one (latency and 429s),
  then the job on another worker: one batch, charged once, outputs complete.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.pipeline.conftest import Pipeline
from tests.pipeline.test_crash import service_totals, wait_for, write_documents

pytestmark = pytest.mark.e2e

SLOW = {"DOCTRANSLATE_FAULT_DOCUMENT_SECONDS": "0.2"}
SLOW_POST = {"DOCTRANSLATE_FAULT_LATENCY_SECONDS": "1.5", "DOCTRANSLATE_FAULT_THROTTLE_RATIO": "0.4"}
COUNT = 20
JOB = "handbook"


def worker(pipeline: Pipeline, name: str) -> tuple[Path, dict[str, str]]:
    """A machine of its own: a copy of the documents, and nothing else shared but the services."""
    home = pipeline.work.parent / name
    shutil.copytree(pipeline.work / "src", home / "src")
    env = pipeline.env | {
        "DOCTRANSLATE_STATE_DIR": str(home / ".doctranslate"),
        "PREFECT_HOME": str(home / "prefect-home"),
        "DOCTRANSLATE_VERBOSE": "1",  # the run's log lines on the console: what each worker did is read from them
    }
    return home, env


def start(pipeline: Pipeline, home: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = (home / "run.log").open("wb")
    return subprocess.Popen(  # noqa: S603 - our own CLI, with this interpreter
        pipeline.command("src", "--to", "fr,de", "--out", "out", "--job", JOB),
        cwd=home,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def finish(process: subprocess.Popen[bytes], home: Path) -> None:
    assert process.wait(240) == 0, (home / "run.log").read_text()[-3000:]


def complete(home: Path) -> bool:
    names = {f"chapter-{i:03}.txt" for i in range(COUNT)}
    return all(
        {p.name for p in (home / "out" / language).glob("*.txt")} == names
        and all(p.read_text().startswith(f"[{language}: ") for p in (home / "out" / language).glob("*.txt"))
        for language in ("fr", "de")
    )


def pending_without_id(pipeline: Pipeline) -> bool:
    return any(r.get("pending_since") and not r.get("batch_id") for r in pipeline.submission_records(JOB))


def kill(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)  # the CLI and everything it started, at once
    process.wait(30)


@pytest.mark.parametrize("pipeline", [SLOW], indirect=True)
def test_three_workers_on_one_job_at_once_submit_one_batch(pipeline: Pipeline) -> None:
    characters = write_documents(pipeline.work / "src", COUNT)
    workers = [worker(pipeline, f"worker-{i}") for i in range(3)]

    processes = [(start(pipeline, home, env), home) for home, env in workers]
    for process, home in processes:
        finish(process, home)

    assert service_totals(pipeline) == (1, 2 * characters)
    assert all(complete(home) for home, _ in workers)


@pytest.mark.parametrize("pipeline", [SLOW], indirect=True)
def test_submitter_killed_right_after_its_post_another_worker_finishes_the_one_batch(pipeline: Pipeline) -> None:
    characters = write_documents(pipeline.work / "src", COUNT)
    (first, first_env), (second, second_env) = worker(pipeline, "worker-a"), worker(pipeline, "worker-b")

    doomed = start(pipeline, first, first_env)
    wait_for(lambda: any(r.get("batch_id") for r in pipeline.submission_records(JOB)), doomed, str(first / "run.log"))
    kill(doomed)
    finish(start(pipeline, second, second_env), second)

    assert service_totals(pipeline) == (1, 2 * characters)
    assert complete(second)


@pytest.mark.parametrize("pipeline", [SLOW_POST | SLOW], indirect=True)
def test_submitter_killed_during_a_slow_post_another_worker_takes_over_within_the_lease(pipeline: Pipeline) -> None:
    characters = write_documents(pipeline.work / "src", COUNT)
    (first, first_env), (second, second_env) = worker(pipeline, "worker-a"), worker(pipeline, "worker-b")

    doomed = start(pipeline, first, first_env)
    wait_for(lambda: pending_without_id(pipeline), doomed, str(first / "run.log"), timeout=180)
    kill(doomed)
    killed_at = time.monotonic()
    finish(start(pipeline, second, second_env), second)
    took = time.monotonic() - killed_at

    assert service_totals(pipeline) == (1, 2 * characters)
    assert complete(second)
    log = (second / "run.log").read_text()
    assert "being submitted by another worker" in log or "adopting" in log or "submitted as" in log
    print(f"worker B finished {took:.1f} s after worker A was killed mid-POST")
