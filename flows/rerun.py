"""Re-submit only what failed in an earlier run: its report names each failed document x language."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from doctranslate.errors import BadInputError
from doctranslate.pipeline.report import (
    RunReport,
    merge_rerun,
    read_report,
    rerun_requests,
    upload_report,
    write_report,
)
from doctranslate.settings import load_settings
from doctranslate.storage.account import StorageAccount
from doctranslate_prefect.deployments.blocks import settings_from_blocks
from doctranslate_prefect.flows.translate import translate_documents


@flow(name="rerun-failed", log_prints=True)
async def rerun_failed(report_path: str) -> RunReport:
    """Translate again the failed pairs of `report_path` (e.g. after fixing the files), one subflow per
    language, and merge the outcomes into that report."""
    original = read_report(Path(report_path))
    if original.request is None:
        raise BadInputError(f"{report_path} does not record the run's request", hint="re-run the whole translation")
    requests = rerun_requests(original)
    if not requests:
        get_run_logger().info("nothing failed in %s", report_path)
        return original
    retried = [outcome for request in requests for outcome in (await translate_documents(request)).documents]
    first = requests[0]
    settings = await settings_from_blocks(
        load_settings(), translator_block=first.translator_block, storage_block=first.storage_block
    )
    merged = merge_rerun(original, retried, price_per_million=settings.price_per_million_characters)
    write_report(merged, Path(first.out_dir))
    upload_report(merged, StorageAccount(settings), settings.target_container, first.job_name)
    return merged
