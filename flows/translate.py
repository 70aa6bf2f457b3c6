"""The translation flows: one source into one language set, and several named language sets.

Thin by design: plan, stage, submit, follow and report are tasks over the core package, one task run
per batch (not per document). Parameters are pydantic models, so the Prefect UI shows a form; they
carry names and paths only, never a key or SAS.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

from prefect import flow, get_run_logger
from prefect.client.schemas.objects import State
from prefect.concurrency.asyncio import concurrency
from prefect.states import Failed
from pydantic import ValidationError

from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.outcomes import BatchResult
from doctranslate.pipeline.plan import BatchPlan
from doctranslate.pipeline.report import RunReport, assemble_report
from doctranslate.pipeline.request import LanguageSetsRequest, QaPolicy, TranslationRequest, describe_request_error
from doctranslate.redaction import enable_http_logging, install_log_redaction
from doctranslate.settings import load_settings
from doctranslate_prefect.deployments.blocks import settings_from_blocks
from doctranslate_prefect.tasks.compact import compact
from doctranslate_prefect.tasks.follow import follow, restore
from doctranslate_prefect.tasks.inputs import whole
from doctranslate_prefect.tasks.limits import BATCHES_IN_FLIGHT
from doctranslate_prefect.tasks.plan import plan
from doctranslate_prefect.tasks.qa import check_translations, live_checker
from doctranslate_prefect.tasks.report import publish, publish_sets
from doctranslate_prefect.tasks.single import translate_synchronously
from doctranslate_prefect.tasks.stage import stage
from doctranslate_prefect.tasks.submit import submission_options, submit


def _run_name() -> str:
    from prefect.runtime import flow_run

    request = flow_run.parameters.get("request") or {}
    languages = request.get("languages", []) if isinstance(request, dict) else request.languages
    return "translate-" + "-".join(languages)


DOCUMENTS_FAILED_STATE: Final = "DocumentsFailed"


def finished(report: RunReport) -> RunReport | State[RunReport]:
    """The run's end as the Prefect UI shows it: Completed, or Failed when documents failed (`FailedQA` too,
    under the QA policy `fail`), the report still the run's result either way."""
    if not report.failures:
        return report
    s = report.summary
    message = f"{s.failed} of {s.documents} document(s) x language(s) failed; the translation report lists them"
    # A Failed state of its own name: red in the UI, and its event (`prefect.flow-run.DocumentsFailed`) is not the
    # crash automation's `prefect.flow-run.Failed`; the report's `documents-failed` event notifies instead.
    return Failed(message=message, data=report, name=DOCUMENTS_FAILED_STATE)


def refused(exc: ValidationError) -> State[Any]:
    """A request the run cannot take (a language code not in the service's list, say): the reason is the
    run's first log line, and the Failed state's message. Prefect's own parameter check would fail the run
    with the reason in the state's details only, and log nothing; so the flows check their requests themselves
    (`validate_parameters=False`), while the form's schema still refuses what it can as it is typed."""
    message = describe_request_error(exc)
    get_run_logger().error("the request cannot be run: %s", message)
    return Failed(message=message)


async def report_of(state: State[Any]) -> Any:
    """A flow run's result, whether it completed or ended Failed with its report; a run that raised raises
    the same exception here (a bad input keeps its one-line message)."""
    result = await state.aresult(raise_on_failure=False)
    if isinstance(result, BaseException):
        raise result
    return result


@flow(name="translate-documents", flow_run_name=_run_name, log_prints=True, validate_parameters=False)
async def translate_documents(request: TranslationRequest) -> RunReport | State[RunReport]:
    """Translate the documents of `request.sources` into `request.languages`; outputs and a report go to
    `request.out_dir` (a local folder, or a place in storage). Re-running the same request resumes: nothing is
    submitted or paid twice."""
    try:
        request = TranslationRequest.model_validate(request)  # from a deployment: the form's JSON
    except ValidationError as exc:
        return refused(exc)
    install_log_redaction()
    settings = await settings_from_blocks(
        load_settings(), translator_block=request.translator_block, storage_block=request.storage_block
    )
    if settings.log_http:
        enable_http_logging()
    if request.sync:
        report = translate_synchronously(request, settings)
        await publish(whole(report), Destination.local_only(request.out_dir), settings)
        return finished(report)
    run_plan = plan(request, settings)
    destination = run_plan.layout.destination
    await stage(whole(run_plan), settings)
    submit_once = submit.with_options(**submission_options(settings))
    checker = live_checker(run_plan, settings) if request.qa is not QaPolicy.OFF else None

    async def submit_and_follow(batch: BatchPlan) -> BatchResult:
        # A fleet-wide slot per batch in flight (a no-op when the server has no such limit).
        async with concurrency(BATCHES_IN_FLIGHT, occupy=1, strict=False):
            batch_id = batch.submitted_as or await submit_once(
                whole(batch), run_plan.glossaries, run_plan.layout, settings
            )
            return await follow(batch_id, whole(batch), destination, settings, checker)

    results = await asyncio.gather(*(submit_and_follow(b) for b in run_plan.to_follow))
    if run_plan.already_done:  # no task run for nothing to restore
        await restore(whole(run_plan.already_done), destination, settings)
    qa = await check_translations(whole(run_plan), whole(results), checker) if checker is not None else None
    report = assemble_report(run_plan, results, qa=qa)
    await publish(whole(report), destination, settings)
    compact(destination, settings)
    return finished(report)


def _sets_run_name() -> str:
    """`sets-<job>-<set>-<set>`: what the run translates, told apart from other jobs' in the UI's list."""
    from prefect.runtime import flow_run

    try:
        request = LanguageSetsRequest.model_validate(flow_run.parameters["request"])
    except ValidationError:
        return "sets-refused"  # the run says why in its first log line
    return "-".join(["sets", request.base.job_name, *(s.name for s in request.sets)])


@flow(name="translate-language-sets", flow_run_name=_sets_run_name, log_prints=True, validate_parameters=False)
async def translate_language_sets(request: LanguageSetsRequest) -> dict[str, RunReport] | State[dict[str, RunReport]]:
    """One subflow run per named language set (named after it), each with its own output folder and report;
    the parent run shows them all in one table, and fails if any set had failures."""
    try:
        request = LanguageSetsRequest.model_validate(request)
    except ValidationError as exc:
        return refused(exc)
    reports: dict[str, RunReport] = {}
    for language_set in request.sets:
        child = translate_documents.with_options(flow_run_name=f"set-{language_set.name}")
        reports[language_set.name] = await report_of(await child(request.for_set(language_set), return_state=True))
        get_run_logger().info("language set %s done", language_set.name)
    await publish_sets(whole(reports))
    failed = [name for name, report in reports.items() if report.failures]
    if failed:
        message = f"documents failed in the set(s) {', '.join(failed)}"
        return Failed(message=message, data=reports, name=DOCUMENTS_FAILED_STATE)
    return reports
