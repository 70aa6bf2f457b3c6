"""The deployments of prefect.yaml, for real: deployed with `prefect deploy --all` to a real Prefect server,
run by a real process worker, started by blob arrivals in Azurite reported by `doctranslate events watch`.

A burst of 50 uploads must start exactly one run (the trigger's debounce window), which translates all
of them; the watcher run again reports nothing new.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.conftest import CLI_MODULE, Pipeline
from tests.support.commands import deploy_project, run_command
from tests.support.prefect_server import PrefectServer
from tests.support.storage import Storage

pytestmark = pytest.mark.e2e

REPO = Path(__file__).parents[2]
PREFECT = [sys.executable, "-m", "prefect"]
BURST = 50


@pytest.fixture
def deployed(pipeline: Pipeline, prefect_server: PrefectServer) -> Iterator[dict[str, str]]:
    """prefect.yaml deployed from the pipeline's work folder, and a process worker taking its runs."""
    # PWD as a shell in the work folder has it: prefect.yaml's pull step runs the flows there.
    env = {**os.environ, **pipeline.env, "PREFECT_WORKER_QUERY_SECONDS": "1", "PWD": str(pipeline.work)}
    env.pop("PREFECT_HOME", None)
    deploy_project(pipeline.work, env, REPO / "prefect.yaml")
    log = (pipeline.work.parent / "worker.log").open("wb")
    worker = subprocess.Popen(  # noqa: S603
        [*PREFECT, "worker", "start", "--pool", "doctranslate", "--limit", "2"],
        cwd=pipeline.work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield env
    os.killpg(worker.pid, signal.SIGKILL)  # a process worker ignores SIGTERM for ~30 s (prefect-notes §9)
    worker.wait(30)


def flow_runs(server: PrefectServer, deployment: str) -> list[dict[str, Any]]:
    found = server.api.get(f"/deployments/name/{deployment}").json()
    body = {"flow_runs": {"deployment_id": {"any_": [found["id"]]}}}
    return list(server.api.post("/flow_runs/filter", json=body).json())


def start_run(server: PrefectServer, deployment_id: str, parameters: dict[str, object]) -> str:
    """A run of a deployment, started as the UI's "Run" starts one; its id."""
    created = server.api.post(f"/deployments/{deployment_id}/create_flow_run", json={"parameters": parameters})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def run_incoming_to_its_end(prefect_server: PrefectServer, parameters: dict[str, object]) -> dict[str, Any]:
    """A custom run of the blob-arrival deployment, as the UI starts one, followed to its end state."""
    found = prefect_server.api.get("/deployments/name/translate-incoming/on-blob-arrival").json()
    run_id = start_run(prefect_server, found["id"], parameters)
    deadline = time.monotonic() + 180
    while (state := prefect_server.api.get(f"/flow_runs/{run_id}").json())["state_type"] not in (
        "COMPLETED", "FAILED", "CRASHED",
    ):  # fmt: skip
        assert time.monotonic() < deadline, state
        time.sleep(1)
    return dict(state)


def run_log(prefect_server: PrefectServer, run_id: str, *, until: str) -> list[str]:
    """A run's log lines in order, once one holding `until` has arrived: the run's process ships its lines in
    batches, so under load its end state can reach the server before its last lines do."""
    body = {"logs": {"flow_run_id": {"any_": [run_id]}}, "sort": "TIMESTAMP_ASC", "limit": 50}
    deadline = time.monotonic() + 60
    while True:
        messages = [str(x["message"]) for x in prefect_server.api.post("/logs/filter", json=body).json()]
        if any(until in message for message in messages):
            return messages
        assert time.monotonic() < deadline, messages
        time.sleep(1)


def watch_once(pipeline: Pipeline, env: dict[str, str], container: str) -> str:
    return run_command(pipeline.work, env, "-m", CLI_MODULE, "events", "watch", container, "--once")


def test_a_burst_of_uploads_starts_one_run_that_translates_them_all(
    pipeline: Pipeline, prefect_server: PrefectServer, deployed: dict[str, str], azurite: Any
) -> None:
    storage = Storage(azurite.port)
    container = f"incoming-{uuid.uuid4().hex[:10]}"
    storage.service.create_container(container)
    letters = {f"letters/letter-{i:02}.txt": f"Dear customer number {i}.".encode() for i in range(BURST)}
    storage.upload(container, letters)

    assert f"{BURST} blob arrival(s)" in watch_once(pipeline, deployed, container)

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        runs = flow_runs(prefect_server, "translate-incoming/on-blob-arrival")
        mine = [r for r in runs if r["parameters"].get("container") == container]
        if mine and all(r["state_type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for r in mine):
            break
        time.sleep(2)
    log = (pipeline.work.parent / "worker.log").read_text(errors="replace")[-4000:]
    assert len(mine) == 1, f"{len(mine)} runs for one burst; worker log:\n{log}"
    (run,) = mine
    assert run["state_type"] == "COMPLETED", log
    assert uuid.UUID(run["parameters"]["triggered_by"])  # templated from the event, as text
    # Translated where it is, kept in storage: nothing staged, nothing downloaded, the report beside them.
    target, root = pipeline.env["DOCTRANSLATE_TARGET_CONTAINER"], f"incoming-{container}"
    kept = storage.names(target)
    for language in ("fr", "de"):
        outputs = [name for name in kept if name.startswith(f"{root}/{language}/letters/")]
        assert len(outputs) == BURST
        assert all(storage.download(target, name).startswith(f"[{language}: ".encode()) for name in outputs)
    assert f"{root}/report.md" in kept
    assert pipeline.batches_received() == 1
    assert pipeline.staged() == 0
    assert not [p for p in pipeline.work.rglob("*") if p.suffix == ".txt"], "no local copy, in or out"

    # Nothing new: the watcher reports nothing, so nothing starts.
    assert "arrival" not in watch_once(pipeline, deployed, container)


def test_the_sweep_of_an_empty_container_completes_with_nothing_to_do(
    pipeline: Pipeline, prefect_server: PrefectServer, deployed: dict[str, str], azurite: Any
) -> None:
    empty = f"empty-{uuid.uuid4().hex[:10]}"
    Storage(azurite.port).service.create_container(empty)
    run = run_incoming_to_its_end(prefect_server, {"container": empty})
    log = (pipeline.work.parent / "worker.log").read_text(errors="replace")[-3000:]
    assert run["state_type"] == "COMPLETED", log
    assert pipeline.batches_received() == 0


def test_a_run_whose_documents_failed_ends_failed_with_its_report(
    pipeline: Pipeline, prefect_server: PrefectServer, deployed: dict[str, str], azurite: Any
) -> None:
    storage = Storage(azurite.port)
    container = f"broken-{uuid.uuid4().hex[:10]}"
    storage.service.create_container(container)
    storage.upload(container, {"good.txt": b"Good morning.", "broken.docx": b"PK\x03\x04not a package"})
    state = run_incoming_to_its_end(prefect_server, {"container": container, "languages": ["fr"]})
    log = (pipeline.work.parent / "worker.log").read_text(errors="replace")[-3000:]
    assert (state["state_type"], state["state_name"]) == ("FAILED", "DocumentsFailed"), log
    assert "1 of 2 document(s) x language(s) failed" in state["state"]["message"]
    report = storage.download(pipeline.env["DOCTRANSLATE_TARGET_CONTAINER"], f"incoming-{container}/report.md")
    assert b"| broken.docx | fr | InvalidDocument |" in report, report.decode()[-1500:]


def test_serve_runs_the_deployments_from_one_process(pipeline: Pipeline, prefect_server: PrefectServer) -> None:
    """`doctranslate serve`: no work pool, no worker; a run started as the UI starts one completes."""
    env = {**os.environ, **pipeline.env, "PREFECT_RUNNER_POLL_FREQUENCY": "1", "PWD": str(pipeline.work)}
    env.pop("PREFECT_HOME", None)
    (pipeline.work / "docs").mkdir()
    for name in ("intro.md", "faq.txt"):
        (pipeline.work / "docs" / name).write_text(f"# {name}\n\nPlease read this first.\n")
    log = (pipeline.work.parent / "serve.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 - our own CLI, with this interpreter
        [sys.executable, "-m", CLI_MODULE, "serve"],
        cwd=pipeline.work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while prefect_server.api.get("/deployments/name/translate-documents/nightly").status_code != 200:
            assert server.poll() is None and time.monotonic() < deadline, Path(log.name).read_text()[-3000:]
            time.sleep(0.5)
        deployment = prefect_server.api.get("/deployments/name/translate-documents/nightly").json()
        assert deployment["schedules"][0]["schedule"] == {
            "cron": "0 2 * * *",
            "timezone": "Europe/Paris",
            "day_or": True,
        }
        run_id = start_run(prefect_server, deployment["id"], {})
        while (state := prefect_server.api.get(f"/flow_runs/{run_id}").json()["state_type"]) not in (
            "COMPLETED",
            "FAILED",
            "CRASHED",
        ):
            assert time.monotonic() < deadline + 120, Path(log.name).read_text()[-3000:]
            time.sleep(1)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(30)
    assert state == "COMPLETED", Path(log.name).read_text()[-3000:]
    for language in ("fr", "de"):
        assert sorted(p.name for p in (pipeline.work / "translations" / language).iterdir()) == ["faq.txt", "intro.md"]


def test_a_bad_language_code_is_refused_by_the_form_or_fails_saying_why_in_its_first_log_line(
    pipeline: Pipeline, prefect_server: PrefectServer, deployed: dict[str, str], azurite: Any
) -> None:
    container = f"codes-{uuid.uuid4().hex[:10]}"
    storage = Storage(azurite.port)
    storage.service.create_container(container)
    storage.upload(container, {"page.txt": b"Good morning."})
    found = prefect_server.api.get("/deployments/name/translate-incoming/on-blob-arrival").json()

    as_a_name = {"parameters": {"container": container, "languages": ["German"]}}
    refused = prefect_server.api.post(f"/deployments/{found['id']}/create_flow_run", json=as_a_name)
    assert refused.status_code in (409, 422), refused.text  # the form's schema (a code's pattern) says no
    assert "German" in refused.text

    state = run_incoming_to_its_end(prefect_server, {"container": container, "languages": ["xx"]})

    assert state["state_type"] == "FAILED"
    assert "'xx' is not a language" in state["state"]["message"]
    # Every run starts with the worker's lines, the deployment's pull steps and "Beginning flow run"; then the
    # flow's own lines, the first of which says why.
    messages = run_log(prefect_server, state["id"], until="'xx' is not a language")
    began = next(i for i, message in enumerate(messages) if message.startswith("Beginning flow run"))
    assert "'xx' is not a language the service translates" in messages[began + 1], messages
    assert pipeline.batches_received() == 0
