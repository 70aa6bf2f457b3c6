"""With nothing configured, `translate` runs on the local stack and its run is in the stack's Prefect UI; the
service's commands (`formats`, `batches`, `status`, `cancel`) find the running stack too, and say so."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from doctranslate.local import stack
from doctranslate.local.stack import PREFECT_DATABASE_TEMPLATE, seed_prefect_database
from tests.support.chromium import render

pytestmark = pytest.mark.e2e


def doctranslate(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    unset = ("DOCTRANSLATE_", "AZURE_", "PREFECT_API_URL")  # nothing configured by the user, Prefect's server included
    env = {k: v for k, v in os.environ.items() if not k.startswith(unset)}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "doctranslate_prefect.flows.cli", *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def running_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One stack for the module; its Prefect server starts from the database template scripts/setup made."""
    assert PREFECT_DATABASE_TEMPLATE.is_file(), "scripts/setup makes the template new stacks start from"
    work = tmp_path_factory.mktemp("stack")
    started = doctranslate(work, "stack", "up")
    assert started.returncode == 0, started.stderr[-2000:]
    yield work
    doctranslate(work, "stack", "down")


def test_commands_use_the_running_local_stack_and_say_so(running_stack: Path) -> None:
    formats = doctranslate(running_stack, "formats")
    batches = doctranslate(running_stack, "batches")

    assert formats.returncode == 0, formats.stderr[-2000:]
    assert "PortableDocumentFormat" in formats.stdout
    assert "using the local stack" in formats.stderr and "using the local stack" not in formats.stdout
    assert batches.returncode == 0 and batches.stdout == ""


def test_a_run_on_the_stack_is_in_its_prefect_ui_and_its_batch_in_the_service_commands(
    running_stack: Path, tmp_path: Path
) -> None:
    (running_stack / "docs").mkdir()
    (running_stack / "docs" / "note.txt").write_text("A note to translate.")

    run = doctranslate(running_stack, "translate", "docs", "--to", "fr", "--out", "out")

    assert run.returncode == 0, run.stderr[-2000:]
    link = re.search(r"Run in the Prefect UI: (http://127\.0\.0\.1:\d+)/runs/flow-run/([0-9a-f-]{36})", run.stderr)
    assert link, run.stderr[-2000:]
    ui, run_id = link.groups()
    page = render(f"{ui}/runs/flow-run/{run_id}", tmp_path / "chrome", tmp_path / "run.png")
    assert "translate-fr" in page and "Completed" in page, "the run, by its name and state, in the stack's UI"
    body = {"artifacts": {"key": {"any_": ["translation-report-docs"]}}, "limit": 1}
    (artifact,) = httpx.post(f"{ui}/api/artifacts/filter", json=body).json()
    report = render(f"{ui}/artifacts/artifact/{artifact['id']}", tmp_path / "chrome", tmp_path / "report.png")
    assert "Translation report" in report and "note.txt" in report

    batch_id = doctranslate(running_stack, "batches").stdout.split()[0]
    status = doctranslate(running_stack, "status", batch_id)
    cancel = doctranslate(running_stack, "cancel", batch_id)

    assert status.returncode == 0 and "Succeeded" in status.stdout, status.stderr[-2000:]
    assert "using the local stack" in cancel.stderr
    # The service answered: a finished batch cannot be cancelled (400), said in one line, no traceback.
    assert cancel.returncode == 1 and cancel.stderr.count("error:") == 1 and "Traceback" not in cancel.stderr


def test_a_worker_with_nothing_configured_uses_the_running_local_stack(
    running_stack: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deployment run on a process worker started beside the stack, with no settings and no blocks."""
    from doctranslate.local.stack import StackInfo, default_home
    from doctranslate.settings import load_settings
    from doctranslate_prefect.deployments.blocks import settings_from_blocks

    for name in [k for k in os.environ if k.startswith(("DOCTRANSLATE_", "AZURE_"))]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(running_stack)
    stack = StackInfo.load(default_home())
    assert stack is not None

    settings = asyncio.run(settings_from_blocks(load_settings()))

    assert settings.translator_endpoint == f"http://127.0.0.1:{stack.service.port}"
    assert settings.storage_connection_string is not None
    assert f":{stack.azurite.port}/" in settings.storage_connection_string.get_secret_value()


def test_a_new_prefect_home_starts_from_the_template_and_an_existing_database_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "template.db"
    template.write_bytes(b"migrated, empty")
    monkeypatch.setattr(stack, "PREFECT_DATABASE_TEMPLATE", template)
    fresh, used = tmp_path / "fresh", tmp_path / "used"
    fresh.mkdir()
    used.mkdir()
    (used / "prefect.db").write_bytes(b"a server's own runs")

    assert seed_prefect_database(fresh) and (fresh / "prefect.db").read_bytes() == b"migrated, empty"
    assert not seed_prefect_database(used) and (used / "prefect.db").read_bytes() == b"a server's own runs"
    template.unlink()
    assert not seed_prefect_database(tmp_path / "no-template"), "without a template the server makes its own"
