"""A real `prefect server start` (not the test harness) for the tests and benchmarks that need one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from doctranslate.local.stack import free_port


@dataclass(frozen=True)
class PrefectServer:
    url: str
    home: Path
    pid: int = 0  # of `prefect server start`, the leader of its process group

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
    try:
        yield PrefectServer(url, home, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
