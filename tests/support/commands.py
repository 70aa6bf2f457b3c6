"""Running this project's commands (and Prefect's) in a test's work folder."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_command(cwd: Path, env: dict[str, str], *argv: str, timeout: float = 180) -> str:
    """`python *argv` in `cwd`; it must succeed; its standard output."""
    finished = subprocess.run(  # noqa: S603
        [sys.executable, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    return finished.stdout


def deploy_project(cwd: Path, env: dict[str, str], project_file: Path) -> None:
    """The `doctranslate` work pool and every deployment of `project_file`, deployed from `cwd`."""
    prefect = ("-m", "prefect", "--no-prompt")
    run_command(cwd, env, *prefect, "work-pool", "create", "doctranslate", "--type", "process", "--overwrite")
    run_command(cwd, env, *prefect, "deploy", "--all", "--prefect-file", str(project_file))
