"""Past one machine: `prefect server start` on PostgreSQL (SQLite stays the embedded default) and two
process workers taking runs from one work pool at the same time, each run translating its own folder."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from doctranslate.local.stack import free_port
from tests.pipeline.conftest import Pipeline
from tests.support.commands import deploy_project

pytestmark = pytest.mark.e2e

REPO = Path(__file__).parents[2]
RUNS = 4


def _as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: the tests run it as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@pytest.fixture
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL cluster on loopback; yields its SQLAlchemy URL for Prefect."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    assert binaries, "PostgreSQL is installed by `scripts/setup --test`"
    bin_dir = binaries[-1]
    home = Path(tempfile.mkdtemp(prefix="doctranslate-pg-"))  # not under pytest's folders: postgres must reach it
    data, sockets = home / "data", home / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()

    def pg(*argv: str) -> None:
        subprocess.run(_as_postgres([str(bin_dir / argv[0]), *argv[1:]]), check=True, capture_output=True)  # noqa: S603

    pg("initdb", "-D", str(data), "-U", "prefect", "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1"
    pg("pg_ctl", "-D", str(data), "-o", options, "-l", str(home / "postgres.log"), "-w", "start")
    try:
        yield f"postgresql+asyncpg://prefect@127.0.0.1:{port}/postgres"
    finally:
        pg("pg_ctl", "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def fleet(postgres: str, pipeline: Pipeline, tmp_path: Path) -> Iterator[tuple[str, list[Path]]]:
    """A Prefect server on PostgreSQL with the project deployed, and two workers; yields (api url, worker logs)."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_HOME"}
    server_env = env | {
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_DATABASE_CONNECTION_URL": postgres,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    started: list[subprocess.Popen[bytes]] = []

    def start(argv: list[str], run_env: dict[str, str], log: Path) -> None:
        started.append(
            subprocess.Popen(  # noqa: S603
                argv,
                cwd=pipeline.work,
                env=run_env,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    start(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port), "--no-ui"],
        server_env,
        tmp_path / "server.log",
    )
    try:
        deadline = time.monotonic() + 120
        while not _healthy(api):
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()[-3000:]
            time.sleep(0.5)
        run_env = env | pipeline.env | {"PREFECT_API_URL": api, "PREFECT_WORKER_QUERY_SECONDS": "1"}
        run_env["PWD"] = str(pipeline.work)
        deploy_project(pipeline.work, run_env, REPO / "prefect.yaml")
        logs = [tmp_path / f"worker-{name}.log" for name in ("one", "two")]
        for log in logs:
            worker = [sys.executable, "-m", "prefect", "worker", "start", "--pool", "doctranslate"]
            start([*worker, "--name", log.stem, "--limit", "1"], run_env, log)
        yield api, logs
    finally:
        for process in reversed(started):  # workers first: they outlive a stopped server badly
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_two_workers_share_the_runs_of_one_pool_on_postgres(pipeline: Pipeline, fleet: tuple[str, list[Path]]) -> None:
    api, logs = fleet
    deployment = httpx.get(f"{api}/deployments/name/translate-language-sets/language-sets").json()
    runs = []
    for number in range(RUNS):
        (pipeline.work / f"docs-{number}").mkdir()
        (pipeline.work / f"docs-{number}" / "page.md").write_text(f"# Page {number}\n\nRead me first.\n")
        base = {"sources": [f"docs-{number}"], "languages": ["fr"], "out_dir": f"out-{number}"}
        parameters = {"request": {"base": base, "sets": [{"name": "europe", "languages": ["fr", "de"]}]}}
        created = httpx.post(f"{api}/deployments/{deployment['id']}/create_flow_run", json={"parameters": parameters})
        runs.append(created.json()["id"])

    deadline = time.monotonic() + 300
    while True:
        states = [httpx.get(f"{api}/flow_runs/{run}").json()["state_type"] for run in runs]
        if all(state in ("COMPLETED", "FAILED", "CRASHED") for state in states):
            break
        assert time.monotonic() < deadline, states
        time.sleep(1)

    assert states == ["COMPLETED"] * RUNS, [log.read_text()[-2000:] for log in logs]
    # A worker may begin to submit a run the other has claimed (it then backs off): count only the runs
    # that started on each worker's infrastructure.
    names = sorted(httpx.get(f"{api}/flow_runs/{run}").json()["name"] for run in runs)
    taken = {log.stem: re.findall(r"Flow run '([^']+)' submitted to infrastructure", log.read_text()) for log in logs}
    assert sorted(name for found in taken.values() for name in found) == names  # each run exactly once
    assert all(taken.values()), f"one worker took every run: {taken}"
    for number in range(RUNS):
        for language in ("fr", "de"):
            assert (pipeline.work / f"out-{number}" / "europe" / language / "page.md").read_text().startswith("# [")
