"""The pipeline on a bad day: what the real service and the network do, injected on purpose.

Every run must complete with every document accounted for, one batch per plan, no lost or partial file.
Figures from these runs are summarized in docs/reliability.md.
"""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from doctranslate.local.stack import connection_string, free_port, start_azurite
from tests.pipeline.conftest import Pipeline

pytestmark = pytest.mark.e2e

BAD_DAY = {
    "DOCTRANSLATE_FAULT_THROTTLE_RATIO": "0.3",  # 30% of requests: the gateway's 429, no Retry-After
    "DOCTRANSLATE_FAULT_UNAVAILABLE_EVERY": "10",  # and bursts of 503s
    "DOCTRANSLATE_FAULT_UNAVAILABLE_BURST": "3",
    "DOCTRANSLATE_FAULT_LATENCY_SECONDS": "2",  # +2 s on every request
    "DOCTRANSLATE_FAULT_STALE_SECONDS": "60",  # status reads up to a minute old
    "DOCTRANSLATE_FAULT_DOCUMENT_SECONDS": "1",  # slow enough that the stale reads matter
    "DOCTRANSLATE_FAULT_SEED": "11",
}


def write_documents(root: Path, count: int, size: int = 40) -> None:
    root.mkdir()
    for i in range(count):
        (root / f"doc-{i:04}.txt").write_text(f"Document {i}. " + "Text. " * (size // 6))


def outcome(pipeline: Pipeline, out: str = "out") -> dict[str, object]:
    return dict(json.loads((pipeline.work / out / "report.json").read_text()))


def wait_for(condition: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the moment never came"
        time.sleep(0.01)


@pytest.mark.parametrize("pipeline", [BAD_DAY], indirect=True)
def test_throttling_outages_latency_and_stale_reads(pipeline: Pipeline) -> None:
    write_documents(pipeline.work / "src", 6)

    started = time.monotonic()
    finished = pipeline.run("src", "--to", "fr,de", "--out", "out", timeout=900, env={"DOCTRANSLATE_VERBOSE": "1"})
    elapsed = time.monotonic() - started

    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    report = outcome(pipeline)
    assert report["summary"]["succeeded"] == 12  # type: ignore[index]
    assert len(list((pipeline.work / "out").rglob("doc-*.txt"))) == 12
    assert pipeline.batches_received() == 1
    assert "retrying" in finished.stdout + finished.stderr  # the faults really happened
    log = Path(pipeline.service.log).read_text()
    throttled, unavailable = log.count("fault injected: 429"), log.count("fault injected: 503")
    assert throttled and unavailable
    print(f"bad-day run: 12 documents x languages in {elapsed:.0f} s; {throttled} x 429, {unavailable} x 503 injected")


@pytest.mark.parametrize("pipeline", [{"DOCTRANSLATE_FAULT_DOCUMENT_SECONDS": "0.02"}], indirect=True)
def test_storage_restarted_during_staging_and_during_gathering(pipeline: Pipeline, tmp_path: Path) -> None:
    """Azurite on disk, stopped (SIGTERM) and started again twice while a run is under way."""
    data = tmp_path / "azurite-data"
    port = free_port()
    azurite = start_azurite(port=port, log=tmp_path / "azurite-1.log", data_dir=data)
    pipeline.env["DOCTRANSLATE_STORAGE_CONNECTION_STRING"] = connection_string(port)
    pipeline.service_options["storage_port"] = port  # the service reaches only the storage it is told of
    pipeline.restart_service(kill=False)
    count = 400
    write_documents(pipeline.work / "src", count)

    def restart(number: int) -> None:
        nonlocal azurite
        azurite.stop()  # SIGTERM: Azurite saves its metadata and exits
        time.sleep(1.0)
        azurite = start_azurite(port=port, log=tmp_path / f"azurite-{number}.log", data_dir=data)

    run = pipeline.start("src", "--to", "fr", "--out", "out")
    try:
        wait_for(lambda: pipeline.staged() > 0)
        restart(2)
        wait_for(
            lambda: (
                len(list((pipeline.work / "out" / "fr").glob("*.txt"))) > 0
                if (pipeline.work / "out" / "fr").is_dir()
                else False
            )
        )
        restart(3)
        code = run.wait(600)
        if code != 0:  # a step gave up during the outage: running again must resume it
            again = pipeline.run("src", "--to", "fr", "--out", "out")
            assert again.returncode == 0, again.stdout[-3000:]
    finally:
        if run.poll() is None:
            run.send_signal(signal.SIGTERM)
        azurite.stop()

    assert len(list((pipeline.work / "out" / "fr").glob("*.txt"))) == count
    assert not list((pipeline.work / "out").rglob("*.partial"))
    assert pipeline.batches_received() == 1


@pytest.mark.parametrize("pipeline", [{"DOCTRANSLATE_FAULT_DOCUMENT_SECONDS": "0.3"}], indirect=True)
def test_translation_service_killed_and_restarted_mid_job(pipeline: Pipeline) -> None:
    write_documents(pipeline.work / "src", 12)

    run = pipeline.start("src", "--to", "fr", "--out", "out")
    wait_for(lambda: any(b["summary"]["success"] for b in pipeline.batches()))  # type: ignore[index]
    pipeline.restart_service(kill=True)
    code = run.wait(600)

    assert code == 0, Path(pipeline.logs[-1]).read_text()[-3000:]
    assert len(list((pipeline.work / "out" / "fr").glob("*.txt"))) == 12
    (batch,) = pipeline.batches()
    assert batch["summary"]["success"] == 12  # type: ignore[index]
