"""Publish a run's report: files in the output folder and Prefect artifacts (table + markdown)."""

from __future__ import annotations

import asyncio
import re
from typing import Final

from prefect import get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.report import RunReport, render_markdown, save_report
from doctranslate.pipeline.request import TranslationRequest
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount
from doctranslate_prefect.tasks.progress import progress

DOCUMENTS_FAILED_EVENT = "doctranslate.run.documents-failed"
_COLUMNS: Final = {
    "source", "language", "status", "output", "characters_charged", "translated_at", "error", "message", "hint"
}  # fmt: skip


def artifact_key(job: str) -> str:
    """Artifact keys are lowercase letters, digits and dashes: one key per job, so the UI keeps each job's
    history apart (every run of a job adds a version under its key)."""
    return re.sub(r"[^a-z0-9-]+", "-", job.lower()).strip("-") or "run"


@task(name="report-sets", cache_policy=NO_CACHE, persist_result=False)
async def publish_sets(reports: dict[str, RunReport]) -> None:
    """One table for a language-sets run: each set's counts and where its report is."""
    rows = [
        {
            "set": name,
            "succeeded": r.summary.succeeded,
            "failed": r.summary.failed,
            "already translated": r.summary.already_translated,
            "characters": r.summary.characters_charged,
            "cost": r.summary.cost,
            "currency": r.summary.currency,
        }
        for name, r in reports.items()
    ]
    await acreate_table_artifact(rows, key="translation-sets", description="Each language set of the run")


@task(name="report", cache_policy=NO_CACHE, persist_result=False)
async def publish(report: RunReport, destination: Destination, settings: Settings) -> str:
    """>>> await publish(report, run_plan.layout.destination, settings)  # doctest: +SKIP"""
    account = StorageAccount(settings) if destination.in_storage else None
    markdown = await asyncio.to_thread(save_report, report, account, destination)
    job = artifact_key(TranslationRequest.model_validate(report.request).job_name if report.request else "run")
    rows = [d.model_dump(mode="json", include=_COLUMNS) for d in report.documents]
    await acreate_table_artifact(rows, key=f"translation-documents-{job}", description="Every document x language")
    await acreate_markdown_artifact(
        render_markdown(report), key=f"translation-report-{job}", description=f"Report of job {job}"
    )
    s = report.summary
    get_run_logger().info(
        "%d succeeded, %d failed, %d already translated, %d file(s) not submitted, %d characters (%s); %s",
        s.succeeded,
        s.failed,
        s.already_translated,
        s.skipped_files,
        s.characters_charged,
        s.cost_text,
        markdown,
        extra=progress("report"),
    )
    if report.failures:
        report_json = destination.report_location("json")
        # The run itself completes (every document is accounted for); this event is what notifications watch.
        emit_event(
            DOCUMENTS_FAILED_EVENT,
            resource={"prefect.resource.id": f"doctranslate.report.{report_json}", "out_dir": destination.describe()},
            payload={"failed": s.failed, "succeeded": s.succeeded, "report": report_json},
        )
    return markdown
