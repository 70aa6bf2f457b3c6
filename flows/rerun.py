"""Re-submit only what failed in an earlier run: its report names each failed document x language."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.client.schemas.objects import State

from doctranslate.errors import BadInputError
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.report import RunReport, load_report, merge_rerun, rerun_requests, save_report
from doctranslate.settings import load_settings
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.locations import is_storage_spec
from doctranslate_prefect.deployments.blocks import settings_from_blocks
from doctranslate_prefect.flows.translate import finished, report_of, translate_documents


@flow(name="rerun-failed", log_prints=True)
async def rerun_failed(report_path: str) -> RunReport | State[RunReport]:
    """Translate again the failed pairs of `report_path` (a local report.json, or one in storage:
    az://<container>/<prefix>/report.json), e.g. after fixing the files, one subflow per language, and merge
    the outcomes into that report."""
    settings = load_settings()
    original = load_report(report_path, StorageAccount(settings) if is_storage_spec(report_path) else None)
    if original.request is None:
        raise BadInputError(f"{report_path} does not record the run's request", hint="re-run the whole translation")
    requests = rerun_requests(original)
    if not requests:
        get_run_logger().info("nothing failed in %s", report_path)
        return original
    retried = [
        outcome
        for request in requests
        for outcome in (await report_of(await translate_documents(request, return_state=True))).documents
    ]
    first = requests[0]
    settings = await settings_from_blocks(
        settings, translator_block=first.translator_block, storage_block=first.storage_block
    )
    merged = merge_rerun(original, retried, pricing=settings.pricing)
    account = StorageAccount(settings)
    destination = Destination.of(
        first.out_dir, job=first.job_name, target_container=settings.target_container, account_url=account.url
    )
    save_report(merged, account, destination)
    return finished(merged)
