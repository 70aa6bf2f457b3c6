"""The service's commands (`formats`, `batches`, `status`) find the local stack that is running, as `translate`
does, and say so; `stack status` prints its settings."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def doctranslate(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOCTRANSLATE_", "AZURE_"))}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "doctranslate_prefect.flows.cli", *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def running_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One stack for the module: its Prefect server's first start takes most of half a minute."""
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
