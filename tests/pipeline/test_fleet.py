"""Past one machine: `prefect server start` on PostgreSQL (SQLite stays the embedded default), two process
workers taking runs from one work pool at the same time, and a worker that knows nothing but block names."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from doctranslate.local.stack import free_port
from tests.pipeline.conftest import KEY, Pipeline
from tests.support.commands import deploy_project, run_command

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


@dataclass
class Fleet:
    """A Prefect server on PostgreSQL with the project deployed; `start_worker` adds a worker to its pool."""

    api: str
    env: dict[str, str]
    start: Callable[[list[str], dict[str, str], Path], None]
    folder: Path
    logs: list[Path] = field(default_factory=list)
    created_names: list[str] = field(default_factory=list)

    def start_worker(self, name: str, env: dict[str, str] | None = None) -> None:
        log = self.folder / f"worker-{name}.log"
        worker = [sys.executable, "-m", "prefect", "worker", "start", "--pool", "doctranslate"]
        self.start([*worker, "--name", name, "--limit", "1"], env or self.env, log)
        self.logs.append(log)

    def run(self, deployment: str, parameters: dict[str, object]) -> str:
        found = httpx.get(f"{self.api}/deployments/name/{deployment}").json()
        created = httpx.post(f"{self.api}/deployments/{found['id']}/create_flow_run", json={"parameters": parameters})
        # The name it is created with (what a worker logs on taking it); the run names itself once it starts.
        self.created_names.append(created.json()["name"])
        return str(created.json()["id"])

    def wait(self, runs: list[str], timeout: float = 300) -> list[str]:
        deadline = time.monotonic() + timeout
        while True:
            states = [httpx.get(f"{self.api}/flow_runs/{run}").json()["state_type"] for run in runs]
            if all(state in ("COMPLETED", "FAILED", "CRASHED") for state in states):
                return states
            assert time.monotonic() < deadline, states
            time.sleep(1)


@pytest.fixture
def fleet(postgres: str, pipeline: Pipeline, tmp_path: Path) -> Iterator[Fleet]:
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
        yield Fleet(api, run_env, start, tmp_path)
    finally:
        for process in reversed(started):  # workers first: they outlive a stopped server badly
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)


def _healthy(api: str) -> bool:
    try:
        return httpx.get(f"{api}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_two_workers_share_the_runs_of_one_pool_on_postgres(pipeline: Pipeline, fleet: Fleet) -> None:
    for name in ("one", "two"):
        fleet.start_worker(name)
    runs = []
    for number in range(RUNS):
        (pipeline.work / f"docs-{number}").mkdir()
        (pipeline.work / f"docs-{number}" / "page.md").write_text(f"# Page {number}\n\nRead me first.\n")
        base = {"sources": [f"docs-{number}"], "languages": ["fr"], "out_dir": f"out-{number}"}
        parameters = {"request": {"base": base, "sets": [{"name": "europe", "languages": ["fr", "de"]}]}}
        runs.append(fleet.run("translate-language-sets/language-sets", parameters))

    states = fleet.wait(runs)

    assert states == ["COMPLETED"] * RUNS, [log.read_text()[-2000:] for log in fleet.logs]
    # A worker may begin to submit a run the other has claimed (it then backs off): count only the runs
    # that started on each worker's infrastructure.
    names = sorted(fleet.created_names)
    final = sorted(httpx.get(f"{fleet.api}/flow_runs/{run}").json()["name"] for run in runs)
    assert final == sorted(f"sets-docs-{number}-europe" for number in range(RUNS)), "named after job and sets"
    taken = {
        log.stem: re.findall(r"Flow run '([^']+)' submitted to infrastructure", log.read_text()) for log in fleet.logs
    }
    assert sorted(name for found in taken.values() for name in found) == names  # each run exactly once
    assert all(taken.values()), f"one worker took every run: {taken}"
    for number in range(RUNS):
        for language in ("fr", "de"):
            assert (pipeline.work / f"out-{number}" / "europe" / language / "page.md").read_text().startswith("# [")


CONFIGURED_BY_SETTINGS = (
    "DOCTRANSLATE_TRANSLATOR_ENDPOINT",
    "DOCTRANSLATE_TRANSLATOR_KEY",
    "DOCTRANSLATE_STORAGE_CONNECTION_STRING",
)


def test_a_worker_started_with_block_names_only_runs_a_deployment(pipeline: Pipeline, fleet: Fleet) -> None:
    save_blocks = (
        "import os\n"
        "from prefect_azure import AzureBlobStorageCredentials\n"
        "from doctranslate_prefect.deployments.blocks import DocumentTranslatorCredentials\n"
        "DocumentTranslatorCredentials(endpoint=os.environ['DOCTRANSLATE_TRANSLATOR_ENDPOINT'],"
        " key=os.environ['DOCTRANSLATE_TRANSLATOR_KEY']).save('translator', overwrite=True)\n"
        "AzureBlobStorageCredentials(connection_string=os.environ['DOCTRANSLATE_STORAGE_CONNECTION_STRING'])"
        ".save('storage', overwrite=True)\n"
    )
    run_command(pipeline.work, fleet.env, "-c", save_blocks)
    bare = {k: v for k, v in fleet.env.items() if k not in CONFIGURED_BY_SETTINGS}
    by_name = bare | {"DOCTRANSLATE_TRANSLATOR_BLOCK": "translator", "DOCTRANSLATE_STORAGE_BLOCK": "storage"}
    config = run_command(pipeline.work, by_name, "-m", "doctranslate_prefect.flows.cli", "config")
    shown = {line.split()[0]: line for line in config.splitlines()}
    assert shown["translator_endpoint"].split()[1:] == [
        fleet.env["DOCTRANSLATE_TRANSLATOR_ENDPOINT"], "block", "translator", "(Document", "Translator", "Credentials)"
    ]  # fmt: skip
    assert shown["storage_connection_string"].endswith("block storage (Azure Blob Storage Credentials)")
    assert KEY not in config
    fleet.start_worker("blocks-only", by_name)
    (pipeline.work / "docs").mkdir()
    (pipeline.work / "docs" / "page.md").write_text("# Welcome\n\nRead me first.\n")

    run = fleet.run(
        "translate-documents/nightly", {"request": {"sources": ["docs"], "languages": ["fr"], "out_dir": "out"}}
    )

    assert fleet.wait([run]) == ["COMPLETED"], fleet.logs[0].read_text()[-3000:]
    assert (pipeline.work / "out" / "fr" / "page.md").read_text().startswith("# [fr: ")
    assert KEY not in fleet.logs[0].read_text()
