"""Notifications, end to end: a Prefect webhook block pointing at a listener here, the automations installed
with `doctranslate notifications install`, then a run with a failed document and a run that fails."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from doctranslate_prefect.deployments.notifications import FAILED_DOCUMENTS, FAILED_RUN
from tests.pipeline.conftest import CLI_MODULE, Pipeline
from tests.support.prefect_server import PrefectServer

pytestmark = pytest.mark.e2e


class Listener:
    """A webhook receiver on loopback, keeping what it was sent."""

    def __init__(self) -> None:
        received: list[str] = []
        self.received = received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                received.append(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, text: str, timeout: float = 90) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [body for body in self.received if text in body]
            if found:
                return found[0]
            time.sleep(0.5)
        raise AssertionError(f"no webhook call with {text!r}; calls: {self.received}")


def python(env: dict[str, str], *args: str) -> str:
    finished = subprocess.run(  # noqa: S603
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-2000:]
    return finished.stdout


@pytest.fixture
def listener(pipeline: Pipeline, prefect_server: PrefectServer) -> Iterator[Listener]:
    receiver = Listener()
    env = {k: v for k, v in {**os.environ, **pipeline.env}.items() if k != "PREFECT_HOME"}
    save = f"from prefect.blocks.webhook import Webhook; Webhook(url={receiver.url!r}).save('alerts', overwrite=True)"
    python(env, "-c", save)
    installed = python(env, "-m", CLI_MODULE, "notifications", "install", "--webhook-block", "alerts")
    assert "2 automation(s) installed" in installed
    yield receiver
    receiver.server.shutdown()
    for automation in prefect_server.api.post("/automations/filter", json={}).json():
        if automation["name"] in (FAILED_RUN, FAILED_DOCUMENTS):
            prefect_server.api.delete(f"/automations/{automation['id']}")


@pytest.mark.parametrize("pipeline", [{"DOCTRANSLATE_FAULT_FAIL_DOCUMENTS": "*broken*"}], indirect=True)
def test_failed_documents_and_failed_runs_are_notified(pipeline: Pipeline, listener: Listener) -> None:
    (pipeline.work / "src").mkdir()
    (pipeline.work / "src" / "fine.txt").write_text("This one translates.")
    (pipeline.work / "src" / "broken.txt").write_text("This one fails on the service.")

    partly = pipeline.run("src", "--to", "fr", "--out", "out")
    assert partly.returncode == 1, partly.stdout[-2000:]
    message = json.loads(listener.wait_for("document(s) failed"))["text"]
    assert message.startswith("doctranslate: 1 document(s) failed, 1 succeeded; see ")
    assert "rerun with: doctranslate rerun-failed " in message

    failed = pipeline.run("src", "--to", "de", "--out", "out2", "--budget", "0")
    assert failed.returncode == 2
    assert "is Failed" in listener.wait_for("is Failed")
