"""Serve every deployment of prefect.yaml from one process, with no work pool and no worker.

prefect.yaml stays the one place where deployments are described: each entry here becomes the same
deployment (name, description, tags, parameters, schedules, blob-arrival triggers, concurrency limit),
served by this process, which runs each flow run in a subprocess of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import yaml
from prefect import serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig
from prefect.deployments.runner import RunnerDeployment
from prefect.events import DeploymentEventTrigger
from prefect.flows import load_flow_from_entrypoint
from prefect.schedules import Cron, Interval, RRule, Schedule
from prefect.types.entrypoint import EntrypointType

PROJECT_FILE = Path(__file__).resolve().parents[1] / "prefect.yaml"


def _schedule(spec: dict[str, Any]) -> Schedule:
    options = {key: spec[key] for key in ("timezone", "active", "parameters") if key in spec}
    if "cron" in spec:
        return Cron(spec["cron"], day_or=spec.get("day_or", True), **options)
    if "interval" in spec:
        return Interval(spec["interval"], anchor_date=spec.get("anchor_date"), **options)
    return RRule(spec["rrule"], **options)


def _concurrency(spec: int | dict[str, Any] | None) -> int | ConcurrencyLimitConfig | None:
    return ConcurrencyLimitConfig(**spec) if isinstance(spec, dict) else spec


def project_deployments(project_file: Path = PROJECT_FILE) -> list[RunnerDeployment]:
    project = yaml.safe_load(project_file.read_text(encoding="utf-8"))
    return [_deployment(spec) for spec in project["deployments"]]


def _deployment(spec: dict[str, Any]) -> RunnerDeployment:
    deployment = load_flow_from_entrypoint(spec["entrypoint"]).to_deployment(
        name=spec["name"],
        description=spec.get("description"),
        tags=spec.get("tags"),
        parameters=spec.get("parameters"),
        schedules=[_schedule(item) for item in spec.get("schedules", [])],
        triggers=[DeploymentEventTrigger(**trigger) for trigger in spec.get("triggers", [])],
        concurrency_limit=_concurrency(spec.get("concurrency_limit")),
        entrypoint_type=EntrypointType.MODULE_PATH,  # the flows are installed modules: runs import them
    )
    return cast(RunnerDeployment, deployment)  # called from sync code, Prefect returns the deployment itself


def serve_project(*, limit: int, project_file: Path = PROJECT_FILE) -> None:
    """Blocks: registers the deployments, then runs what is scheduled, triggered or started from the UI."""
    serve(*project_deployments(project_file), limit=limit)
