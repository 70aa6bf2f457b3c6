"""QA of a run's translations, before anyone opens them: findings go to the report and an artifact."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.artifacts import acreate_table_artifact
from prefect.cache_policies import NO_CACHE

from doctranslate.pipeline.outcomes import BatchResult
from doctranslate.pipeline.plan import RunPlan
from doctranslate.qa.check import QaResult
from doctranslate.qa.live import LiveChecker
from doctranslate.qa.run import handed_over, output_reader
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount
from doctranslate_prefect.tasks.progress import progress


def live_checker(plan: RunPlan, settings: Settings) -> LiveChecker:
    """The run's checker, handed to each follow: it checks translations as they are gathered."""
    storage = StorageAccount(settings)
    output_of = output_reader(plan.layout.destination, storage)
    return LiveChecker(plan.glossaries, plan.request.languages, output_of, storage)


@task(name="qa", cache_policy=NO_CACHE, persist_result=False)
async def check_translations(plan: RunPlan, results: list[BatchResult], checker: LiveChecker) -> QaResult:
    """>>> await check_translations(run_plan, results, checker)  # doctest: +SKIP

    What the follows checked on the way, and what is left (translations already there) checked now."""
    pairs = handed_over(plan, results)
    result = await checker.result(pairs, wanted={(p.document.relative_path, p.language) for p in pairs})
    s = result.summary
    counts = ", ".join(f"{rule} {count}" for rule, count in s.by_rule.items()) or "none"
    get_run_logger().info(
        "%d output(s) checked, %d finding(s) (%s)", s.documents, s.findings, counts, extra=progress("qa")
    )
    if result.findings:
        rows = [f.model_dump(mode="json") for f in result.findings[:1000]]
        await acreate_table_artifact(rows, key="translation-qa", description="QA findings, by output and rule")
    return result
