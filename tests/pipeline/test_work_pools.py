"""Work pools past one machine, checked as far as a real Prefect server can check them here (no Docker
registry, cluster or Azure subscription): each pool is created from our job template, and the project's
deployments are registered on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.pipeline.conftest import Pipeline
from tests.support.commands import run_command
from tests.support.prefect_server import PrefectServer

pytestmark = pytest.mark.e2e

REPO = Path(__file__).parents[2]
TEMPLATES = REPO / "deployments" / "work-pools"
PROJECT = REPO / "prefect.yaml"
DEPLOYMENTS = ("nightly", "language-sets", "on-blob-arrival")
POOLS = {"docker": "docker", "kubernetes": "kubernetes", "azure-container-instance": "azure-container-instance"}


@pytest.mark.parametrize("pool_type", sorted(POOLS))
def test_a_pool_made_from_our_template_takes_the_projects_deployments(
    pipeline: Pipeline, prefect_server: PrefectServer, pool_type: str
) -> None:
    env = pipeline.env | {"PREFECT_API_URL": prefect_server.url, "PWD": str(pipeline.work)}
    pool = f"doctranslate-{pool_type}"
    prefect = ("-m", "prefect", "--no-prompt")
    template = TEMPLATES / f"{POOLS[pool_type]}.json"
    create = ("work-pool", "create", pool, "--type", pool_type, "--base-job-template", str(template), "--overwrite")
    run_command(pipeline.work, env, *prefect, *create)
    for name in DEPLOYMENTS:  # as docs/deploy.md says: Prefect ignores --pool together with --all
        run_command(
            pipeline.work, env, *prefect, "deploy", "--name", name, "--pool", pool, "--prefect-file", str(PROJECT)
        )

    created = prefect_server.api.get(f"/work_pools/{pool}").json()
    assert created["type"] == pool_type
    variables = created["base_job_template"]["variables"]["properties"]
    assert variables["image"]["default"] == "doctranslate-worker:0.1.0"
    assert variables["env"]["default"]["DOCTRANSLATE_TRANSLATOR_BLOCK"] == "translator"
    assert "KEY" not in json.dumps(created["base_job_template"]).replace("_BLOCK", ""), "no secret in a pool"
    deployments = prefect_server.api.post("/deployments/filter", json={}).json()
    on_pool = sorted(d["name"] for d in deployments if d["work_pool_name"] == pool)
    assert on_pool == sorted(DEPLOYMENTS)
