"""End-to-end pipeline tests: the real `doctranslate translate` command, in its own process, against a
real Prefect server, Azurite and the local translation service — all on this machine.

Each test gets its own local service (so it can count the batches it received) and state folder.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from azure.core.exceptions import ResourceNotFoundError

from doctranslate.local.stack import ManagedProcess, connection_string, free_port
from doctranslate.storage.names import MANIFEST_FOLDER
from tests.doctranslate.local.conftest import start_service
from tests.support.prefect_server import PrefectServer
from tests.support.storage import Storage

CLI_MODULE = "doctranslate_prefect.flows.cli"
"""What the `doctranslate` console script runs; tests start it with this interpreter, as a module."""

KEY = "KEYSENTINEL-0d1e2f3a4b5c"  # recognizable, so the secrets scan can look for it


@dataclass
class Pipeline:
    """A workspace: documents in `work`, outputs in `work/out`, and the environment of every run."""

    work: Path
    env: dict[str, str]
    service: ManagedProcess
    service_options: dict[str, Any]
    logs: list[str] = field(default_factory=list)

    def command(self, *args: str, verb: str = "translate") -> list[str]:
        return [sys.executable, "-m", CLI_MODULE, verb, *args]

    def run(
        self, *args: str, verb: str = "translate", timeout: float = 240, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        finished = subprocess.run(  # noqa: S603
            self.command(*args, verb=verb),
            cwd=self.work,
            env=self.env | (env or {}),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        self.logs.append(finished.stdout + finished.stderr)
        return finished

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        """Runs in the background (its own process group, so it can be killed whole); output to a log file."""
        log = (self.work.parent / f"background-{len(self.logs)}.log").open("wb")
        self.logs.append(log.name)
        return subprocess.Popen(  # noqa: S603
            self.command(*args),
            cwd=self.work,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def batches(self) -> list[dict[str, object]]:
        """Every batch the service accepted (asking until it answers: it may be injecting faults)."""
        headers = {"Ocp-Apim-Subscription-Key": KEY}
        url = f"http://127.0.0.1:{self.service.port}/translator/document/batches"
        for _ in range(100):
            response = httpx.get(url, params={"api-version": "2024-05-01"}, headers=headers, timeout=30)
            if response.status_code == 200:
                return list(response.json()["value"])
            time.sleep(0.2)
        raise AssertionError(f"the service kept answering {response.status_code}")

    def batches_received(self) -> int:
        return len(self.batches())

    def storage(self) -> Storage:
        found = re.search(r"127\.0\.0\.1:(\d+)", self.env["DOCTRANSLATE_STORAGE_CONNECTION_STRING"])
        assert found, "the pipeline's storage is not a local Azurite"
        return Storage(int(found.group(1)))

    def staged(self) -> int:
        """How many blobs the runs have staged into the source container so far (0 before it exists)."""
        try:
            return len(self.storage().names(self.env["DOCTRANSLATE_SOURCE_CONTAINER"]))
        except ResourceNotFoundError:
            return 0

    def submission_records(self, job: str) -> list[dict[str, object]]:
        """The job's submission records in the target container (what makes a fleet submit once)."""
        storage, container = self.storage(), self.env["DOCTRANSLATE_TARGET_CONTAINER"]
        prefix = f"{job}/{MANIFEST_FOLDER}/submissions/"
        try:
            names = [name for name in storage.names(container) if name.startswith(prefix)]
        except ResourceNotFoundError:
            return []
        return [json.loads(storage.download(container, name)) for name in names]

    def restart_service(self, *, kill: bool = True) -> None:
        """Stop the local service (SIGKILL: no goodbye) and start it again on the same port and state."""
        if kill:
            os.kill(self.service.pid, signal.SIGKILL)
        else:
            self.service.stop()
        self.service = start_service(**self.service_options)


@pytest.fixture
def pipeline(
    azurite: ManagedProcess, prefect_server: PrefectServer, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Pipeline]:
    faults = getattr(request, "param", {})
    options = {
        "port": free_port(),
        "key": KEY,
        "log": tmp_path / "service.log",
        "state_dir": tmp_path / "service",
        "extra_env": faults,
        "storage_port": azurite.port,
    }
    service = start_service(**options)
    work = tmp_path / "work"
    work.mkdir()
    env = {
        **os.environ,
        "PREFECT_API_URL": prefect_server.url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "DOCTRANSLATE_TRANSLATOR_ENDPOINT": f"http://127.0.0.1:{service.port}",
        "DOCTRANSLATE_TRANSLATOR_KEY": KEY,
        "DOCTRANSLATE_STORAGE_CONNECTION_STRING": connection_string(azurite.port),
        "DOCTRANSLATE_POLL_INTERVAL_SECONDS": "1",
        # every test its own containers, so runs cannot see each other's outputs
        "DOCTRANSLATE_SOURCE_CONTAINER": f"src-{uuid.uuid4().hex[:16]}",
        "DOCTRANSLATE_TARGET_CONTAINER": f"out-{uuid.uuid4().hex[:16]}",
    }
    pipeline = Pipeline(work, env, service, options)
    yield pipeline
    pipeline.service.stop()
