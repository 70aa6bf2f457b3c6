"""The Prefect UI, served by the real server, rendered by headless Chromium: the run form of a deployment
from prefect.yaml (built from the flow's parameters) and the report artifact of a finished run."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.pipeline.conftest import Pipeline
from tests.support.commands import deploy_project
from tests.support.prefect_server import PrefectServer

pytestmark = pytest.mark.e2e

REPO = Path(__file__).parents[2]


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


def test_the_ui_shows_the_run_form_and_a_finished_runs_report(
    pipeline: Pipeline, prefect_server: PrefectServer, tmp_path: Path
) -> None:
    env = {k: v for k, v in {**os.environ, **pipeline.env, "PWD": str(pipeline.work)}.items() if k != "PREFECT_HOME"}
    deploy_project(pipeline.work, env, REPO / "prefect.yaml")
    (pipeline.work / "src").mkdir()
    (pipeline.work / "src" / "note.txt").write_text("A note for the report.")
    assert pipeline.run("src", "--to", "fr", "--out", "out").returncode == 0
    ui = prefect_server.url.removesuffix("/api")

    deployment = httpx.get(f"{prefect_server.url}/deployments/name/translate-incoming/on-blob-arrival").json()
    form = render(f"{ui}/deployments/deployment/{deployment['id']}/run", tmp_path / "chrome", tmp_path / "form.png")
    for field in ("container", "languages", "prefix", "out_dir", "glossaries", "source_language", "on_existing"):
        assert f"{field} (Optional)" in form, f"no {field} in the run form"
    assert "Language codes to translate into" in form, "each field has its description"

    body = {"artifacts": {"key": {"any_": ["translation-report-src"]}}, "sort": "CREATED_DESC", "limit": 1}
    (artifact,) = httpx.post(f"{prefect_server.url}/artifacts/filter", json=body).json()
    page = render(f"{ui}/artifacts/artifact/{artifact['id']}", tmp_path / "chrome", tmp_path / "report.png")
    assert "Translation report" in page
    assert "note.txt" in page
