"""The Prefect UI, served by the real server, rendered by headless Chromium: the run form of a deployment
from prefect.yaml (built from the flow's parameters) and the report artifact of a finished run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.pipeline.conftest import Pipeline
from tests.support.chromium import render
from tests.support.commands import deploy_project
from tests.support.prefect_server import PrefectServer

pytestmark = pytest.mark.e2e

REPO = Path(__file__).parents[2]


def test_the_ui_shows_the_run_form_and_a_finished_runs_report(
    pipeline: Pipeline, prefect_server: PrefectServer, tmp_path: Path
) -> None:
    env = {k: v for k, v in {**os.environ, **pipeline.env, "PWD": str(pipeline.work)}.items() if k != "PREFECT_HOME"}
    deploy_project(pipeline.work, env, REPO / "prefect.yaml")
    (pipeline.work / "src").mkdir()
    (pipeline.work / "src" / "note.txt").write_text("A note for the report.")
    assert pipeline.run("src", "--to", "fr", "--out", "out").returncode == 0
    ui = prefect_server.url.removesuffix("/api")

    deployment = prefect_server.api.get("/deployments/name/translate-incoming/on-blob-arrival").json()
    form = render(f"{ui}/deployments/deployment/{deployment['id']}/run", tmp_path / "chrome", tmp_path / "form.png")
    for field in ("container", "languages", "prefix", "out_dir", "glossaries", "source_language", "on_existing"):
        assert f"{field} (Optional)" in form, f"no {field} in the run form"
    assert "Language codes to translate into" in form, "each field has its description"
    assert 'Property is type "None"' not in form, "an optional field is a plain box, not a switch set to None"

    nightly = prefect_server.api.get("/deployments/name/translate-documents/nightly").json()
    request_form = render(f"{ui}/deployments/deployment/{nightly['id']}/run", tmp_path / "chrome", tmp_path / "n.png")
    assert "Source language; empty to auto-detect." in request_form, "the request's fields are described"
    assert 'Property is type "None"' not in request_form

    body = {"artifacts": {"key": {"any_": ["translation-report-src"]}}, "sort": "CREATED_DESC", "limit": 1}
    (artifact,) = prefect_server.api.post("/artifacts/filter", json=body).json()
    page = render(f"{ui}/artifacts/artifact/{artifact['id']}", tmp_path / "chrome", tmp_path / "report.png")
    assert "Translation report" in page
    assert "note.txt" in page
