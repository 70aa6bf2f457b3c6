"""QA of a run's translations, before anyone opens them: findings go to the report and an artifact."""

from __future__ import annotations

import asyncio

from prefect import get_run_logger, task
from prefect.artifacts import acreate_table_artifact
from prefect.cache_policies import NO_CACHE

from doctranslate.pipeline.outcomes import BatchResult
from doctranslate.pipeline.plan import RunPlan
from doctranslate.qa.check import QaResult
from doctranslate.qa.run import check_run
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount


@task(name="qa", cache_policy=NO_CACHE, persist_result=False)
async def check_translations(plan: RunPlan, results: list[BatchResult], settings: Settings) -> QaResult:
    """>>> await check_translations(run_plan, results, settings)  # doctest: +SKIP"""
    result = await asyncio.to_thread(check_run, plan, results, StorageAccount(settings))
    s = result.summary
    counts = ", ".join(f"{rule} {count}" for rule, count in s.by_rule.items()) or "none"
    get_run_logger().info("QA: %d output(s) checked, %d finding(s) (%s)", s.documents, s.findings, counts)
    if result.findings:
        rows = [f.model_dump(mode="json") for f in result.findings[:1000]]
        await acreate_table_artifact(rows, key="translation-qa", description="QA findings, by output and rule")
    return result
