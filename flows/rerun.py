"""Re-submit only what failed in an earlier run: its report names each failed document x language."""

from __future__ import annotations

import glob
from collections import defaultdict
from pathlib import Path

from prefect import flow, get_run_logger

from doctranslate.errors import BadInputError
from doctranslate.report import RunReport, read_report, summarize, write_report
from doctranslate.run import TranslationRequest
from doctranslate.settings import load_settings
from flows.translate import translate_documents


@flow(name="rerun-failed", log_prints=True)
async def rerun_failed(report_path: str) -> RunReport:
    """Translate again the failed pairs of `report_path` (e.g. after fixing the files), one subflow per
    language, and merge the outcomes into that report."""
    original = read_report(Path(report_path))
    if original.request is None:
        raise BadInputError(f"{report_path} does not record the run's request", hint="re-run the whole translation")
    base = TranslationRequest.model_validate(original.request)
    failed: dict[str, list[str]] = defaultdict(list)
    for document in original.failures:
        failed[document.language].append(document.source)
    if not failed:
        get_run_logger().info("nothing failed in %s", report_path)
        return original
    outcomes = []
    for language, sources in sorted(failed.items()):
        request = base.model_copy(update={"languages": [language], "include": [glob.escape(s) for s in sources]})
        report = await translate_documents(TranslationRequest.model_validate(request.model_dump()))
        outcomes += report.documents
    retried = {(d.source, d.language) for d in outcomes}
    merged = RunReport(
        request=original.request,
        documents=sorted(
            [d for d in original.documents if (d.source, d.language) not in retried] + outcomes,
            key=lambda d: (d.source, d.language),
        ),
        batches=original.batches,
        skipped_files=original.skipped_files,
    )
    summarize(
        merged,
        estimated_characters=original.summary.estimated_characters,
        price_per_million=load_settings().price_per_million_characters,
    )
    write_report(merged, Path(base.out_dir))
    return merged
