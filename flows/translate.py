"""The translation flows: one source into one language set, and several named language sets.

Thin by design: plan, stage, submit, follow and report are tasks over the core package, one task run
per batch (not per document). Parameters are pydantic models, so the Prefect UI shows a form; they
carry names and paths only, never a key or SAS.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.concurrency.asyncio import concurrency

from doctranslate.manifests import manifest_blob_name
from doctranslate.redaction import enable_http_logging, install_log_redaction
from doctranslate.report import BatchOutcome, DocumentOutcome, RunReport, SkippedFile, summarize
from doctranslate.run import BatchPlan, LanguageSetsRequest, TranslationRequest
from doctranslate.settings import load_settings
from tasks.follow import follow, restore
from tasks.limits import BATCHES_IN_FLIGHT
from tasks.plan import plan
from tasks.report import publish
from tasks.stage import stage
from tasks.submit import submission_options, submit


def _run_name() -> str:
    from prefect.runtime import flow_run

    request = flow_run.parameters.get("request") or {}
    languages = request.get("languages", []) if isinstance(request, dict) else request.languages
    return "translate-" + "-".join(languages)


@flow(name="translate-documents", flow_run_name=_run_name, log_prints=True)
async def translate_documents(request: TranslationRequest) -> RunReport:
    """Translate the documents of `request.sources` into `request.languages`; write outputs and a report
    under `request.out_dir`. Re-running the same request resumes: nothing is submitted or paid twice."""
    install_log_redaction()
    settings = load_settings()
    if settings.log_http:
        enable_http_logging()
    out_dir = Path(request.out_dir)
    run_plan = plan(request, settings)
    await stage(run_plan, settings)
    submit_once = submit.with_options(**submission_options(settings))

    async def submit_and_follow(batch: BatchPlan) -> tuple[BatchOutcome, list[DocumentOutcome]]:
        # A fleet-wide slot per batch in flight (a no-op when the server has no such limit).
        async with concurrency(BATCHES_IN_FLIGHT, occupy=1, strict=False):
            batch_id = batch.submitted_as or submit_once(batch, run_plan.glossaries, run_plan.layout, settings)
            manifest = manifest_blob_name(run_plan.layout.job, batch.batch.key)
            return await follow(batch_id, batch.decision.translate, out_dir, settings, manifest)

    results = await asyncio.gather(*(submit_and_follow(b) for b in run_plan.batches if b.needs_following))
    await restore(run_plan.already_done, out_dir, settings)
    report = RunReport(
        request=request.model_dump(mode="json"),
        documents=[outcome for _, outcomes in results for outcome in outcomes]
        + [
            DocumentOutcome(
                source=pair.document.relative_path,
                language=pair.language,
                status="Skipped",
                message="already translated from the same content",
            )
            for pair in run_plan.already_done
        ],
        batches=[batch for batch, _ in results],
        skipped_files=[SkippedFile(source=s.relative_path, reason=s.reason) for s in run_plan.scan.skipped],
    )
    report.documents.sort(key=lambda d: (d.source, d.language))
    summarize(
        report,
        estimated_characters=run_plan.estimated_characters,
        price_per_million=settings.price_per_million_characters,
    )
    await publish(report, out_dir)
    return report


@flow(name="translate-language-sets", log_prints=True)
async def translate_language_sets(request: LanguageSetsRequest) -> dict[str, RunReport]:
    """One subflow run per named language set, each with its own output folder and report."""
    reports: dict[str, RunReport] = {}
    for language_set in request.sets:
        one = request.base.model_copy(
            update={
                "languages": language_set.languages,
                "out_dir": str(Path(request.base.out_dir) / language_set.name),
            }
        )
        reports[language_set.name] = await translate_documents(TranslationRequest.model_validate(one.model_dump()))
        get_run_logger().info("language set %s done", language_set.name)
    return reports
