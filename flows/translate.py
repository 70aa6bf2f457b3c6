"""The translation flows: one source into one language set, and several named language sets.

Thin by design: plan, stage, submit, follow and report are tasks over the core package, one task run
per batch (not per document). Parameters are pydantic models, so the Prefect UI shows a form; they
carry names and paths only, never a key or SAS.
"""

from __future__ import annotations

import asyncio

from prefect import flow, get_run_logger
from prefect.concurrency.asyncio import concurrency

from doctranslate.pipeline.outcomes import BatchResult
from doctranslate.pipeline.plan import BatchPlan
from doctranslate.pipeline.report import RunReport, assemble_report
from doctranslate.pipeline.request import LanguageSetsRequest, QaPolicy, TranslationRequest
from doctranslate.redaction import enable_http_logging, install_log_redaction
from doctranslate.settings import load_settings
from doctranslate_prefect.deployments.blocks import settings_from_blocks
from doctranslate_prefect.tasks.compact import compact
from doctranslate_prefect.tasks.follow import follow, restore
from doctranslate_prefect.tasks.limits import BATCHES_IN_FLIGHT
from doctranslate_prefect.tasks.plan import plan
from doctranslate_prefect.tasks.qa import check_translations
from doctranslate_prefect.tasks.report import publish
from doctranslate_prefect.tasks.stage import stage
from doctranslate_prefect.tasks.submit import submission_options, submit


def _run_name() -> str:
    from prefect.runtime import flow_run

    request = flow_run.parameters.get("request") or {}
    languages = request.get("languages", []) if isinstance(request, dict) else request.languages
    return "translate-" + "-".join(languages)


@flow(name="translate-documents", flow_run_name=_run_name, log_prints=True)
async def translate_documents(request: TranslationRequest) -> RunReport:
    """Translate the documents of `request.sources` into `request.languages`; outputs and a report go to
    `request.out_dir` (a local folder, or a place in storage). Re-running the same request resumes: nothing is
    submitted or paid twice."""
    install_log_redaction()
    settings = await settings_from_blocks(
        load_settings(), translator_block=request.translator_block, storage_block=request.storage_block
    )
    if settings.log_http:
        enable_http_logging()
    run_plan = plan(request, settings)
    destination = run_plan.layout.destination
    await stage(run_plan, settings)
    submit_once = submit.with_options(**submission_options(settings))

    async def submit_and_follow(batch: BatchPlan) -> BatchResult:
        # A fleet-wide slot per batch in flight (a no-op when the server has no such limit).
        async with concurrency(BATCHES_IN_FLIGHT, occupy=1, strict=False):
            batch_id = batch.submitted_as or await submit_once(batch, run_plan.glossaries, run_plan.layout, settings)
            return await follow(batch_id, batch, destination, settings)

    results = await asyncio.gather(*(submit_and_follow(b) for b in run_plan.to_follow))
    await restore(run_plan.already_done, destination, settings)
    qa = await check_translations(run_plan, results, settings) if request.qa is not QaPolicy.OFF else None
    report = assemble_report(run_plan, results, price_per_million=settings.price_per_million_characters, qa=qa)
    await publish(report, destination, settings)
    compact(destination, settings)
    return report


@flow(name="translate-language-sets", log_prints=True)
async def translate_language_sets(request: LanguageSetsRequest) -> dict[str, RunReport]:
    """One subflow run per named language set, each with its own output folder and report."""
    reports: dict[str, RunReport] = {}
    for language_set in request.sets:
        reports[language_set.name] = await translate_documents(request.for_set(language_set))
        get_run_logger().info("language set %s done", language_set.name)
    return reports
