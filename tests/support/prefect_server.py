"""A real `prefect server start` (not the test harness) for the tests and benchmarks that need one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from doctranslate.local.stack import free_port


class RetriesWhenBusy(httpx.HTTPTransport):
    """Prefect's server answers 503 while SQLite is busy (SQLITE_BUSY) and its own client retries; so do the tests.

    Under the suite's load on 2 cores a write (`create_flow_run`) can meet a busy database; an answer the real
    client would have retried must not fail a test.
    """

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for wait in (0.5, 1.0, 2.0, 4.0):
            response = super().handle_request(request)
            if response.status_code != httpx.codes.SERVICE_UNAVAILABLE:
                return response
            response.close()
            time.sleep(wait)
        return super().handle_request(request)


@dataclass(frozen=True)
class PrefectServer:
    url: str
    home: Path
    pid: int  # of `prefect server start`, the leader of its process group
    api: httpx.Client = field(repr=False, compare=False)  # based at `url`, retrying what Prefect's client retries

    @property
    def database(self) -> Path:
        return self.home / "prefect.db"


@contextmanager
def running_prefect_server(home: Path) -> Iterator[PrefectServer]:
    """Its own PREFECT_HOME (and SQLite database) under `home`; stopped, with its children, on exit."""
    port = free_port()
    env = {
        **os.environ,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_API_URL": f"http://127.0.0.1:{port}/api",  # the UI's pages call this server, not :4200
    }
    home.mkdir(parents=True, exist_ok=True)
    with (home / "server.log").open("wb") as log:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        process.kill()
        raise RuntimeError((home / "server.log").read_text()[-3000:])
    api = httpx.Client(base_url=url, transport=RetriesWhenBusy(), timeout=30)
    try:
        yield PrefectServer(url, home, process.pid, api)
    finally:
        api.close()
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
