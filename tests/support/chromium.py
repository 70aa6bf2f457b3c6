"""Headless Chromium (Debian's, installed by `scripts/setup --test`): a page of the Prefect UI as it renders."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def render(url: str, profile: Path, screenshot: Path) -> str:
    """The page's DOM once its scripts have run, and a screenshot of it."""
    chromium = shutil.which("chromium")
    assert chromium, "Chromium is installed by `scripts/setup --test`"
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",  # this machine has no network: no phoning home
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
        "--virtual-time-budget=20000",  # let the single-page app fetch from the API and render
    ]
    shot = subprocess.run(  # noqa: S603
        [chromium, *flags, f"--screenshot={screenshot}", url], capture_output=True, timeout=120, check=False
    )
    assert shot.returncode == 0 and screenshot.stat().st_size > 10_000, shot.stderr[-2000:]
    dom = subprocess.run(  # noqa: S603
        [chromium, *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=False
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    return dom.stdout
