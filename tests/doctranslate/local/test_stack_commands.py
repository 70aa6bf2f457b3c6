"""The service's commands (`formats`, `batches`, `status`) find the local stack that is running, as `translate`
does, and say so; `stack status` prints its settings."""

from __future__ import annotations

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


@pytest.fixture
def running_stack(tmp_path: Path) -> Iterator[Path]:
    started = doctranslate(tmp_path, "stack", "up")
    assert started.returncode == 0, started.stderr[-2000:]
    yield tmp_path
    doctranslate(tmp_path, "stack", "down")


def test_commands_use_the_running_local_stack_and_say_so(running_stack: Path) -> None:
    formats = doctranslate(running_stack, "formats")
    batches = doctranslate(running_stack, "batches")

    assert formats.returncode == 0, formats.stderr[-2000:]
    assert "PortableDocumentFormat" in formats.stdout
    assert "using the local stack" in formats.stderr and "using the local stack" not in formats.stdout
    assert batches.returncode == 0 and batches.stdout == ""
