"""Publish a run's report: files in the output folder and Prefect artifacts (table + markdown)."""

from __future__ import annotations

import asyncio

from prefect import get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.report import RunReport, render_markdown, save_report
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount

DOCUMENTS_FAILED_EVENT = "doctranslate.run.documents-failed"


@task(name="report", cache_policy=NO_CACHE, persist_result=False)
async def publish(report: RunReport, destination: Destination, settings: Settings) -> str:
    """>>> await publish(report, run_plan.layout.destination, settings)  # doctest: +SKIP"""
    markdown = await asyncio.to_thread(save_report, report, StorageAccount(settings), destination)
    rows = [
        d.model_dump(include={"source", "language", "status", "output", "characters_charged", "error", "hint"})
        for d in report.documents
    ]
    await acreate_table_artifact(rows, key="translation-documents", description="Every document x language")
    await acreate_markdown_artifact(render_markdown(report), key="translation-report", description="Run summary")
    s = report.summary
    get_run_logger().info(
        "report: %d succeeded, %d failed, %d already translated, %d file(s) not submitted, %d characters (%.4f); %s",
        s.succeeded,
        s.failed,
        s.already_translated,
        s.skipped_files,
        s.characters_charged,
        s.cost,
        markdown,
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
