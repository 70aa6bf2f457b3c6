"""Plan a run: scan and pre-flight the documents, choose glossaries, apply the existing-target policy,
split into batches, estimate the cost."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from doctranslate.pipeline.plan import RunPlan, plan_in_storage
from doctranslate.pipeline.request import TranslationRequest
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount
from doctranslate_prefect.tasks.progress import progress


@task(name="plan", cache_policy=NO_CACHE, persist_result=False)
def plan(request: TranslationRequest, settings: Settings) -> RunPlan:
    """>>> plan(TranslationRequest(sources=["docs"], languages=["fr"]), load_settings())  # doctest: +SKIP"""
    logger = get_run_logger()
    result = plan_in_storage(request, StorageAccount(settings), settings)
    logger.info(result.describe(), extra=progress("plan"))
    return result
