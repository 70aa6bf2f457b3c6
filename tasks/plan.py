"""Plan a run: scan and pre-flight the documents, choose glossaries, apply the existing-target policy,
split into batches, estimate the cost."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from doctranslate.pipeline.existing import existing_outputs
from doctranslate.pipeline.journal import SubmissionJournal
from doctranslate.pipeline.plan import RunPlan, plan_run
from doctranslate.pipeline.request import TranslationRequest
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount


@task(name="plan", cache_policy=NO_CACHE, persist_result=False)
def plan(request: TranslationRequest, settings: Settings) -> RunPlan:
    """>>> plan(TranslationRequest(sources=["docs"], languages=["fr"]), load_settings())  # doctest: +SKIP"""
    logger = get_run_logger()
    account = StorageAccount(settings)
    account.ensure_container(settings.target_container)
    result = plan_run(
        request,
        existing_outputs(account, settings.target_container, request.job_name),
        SubmissionJournal(account, settings.target_container, request.job_name).submitted,
        source_container=settings.source_container,
        target_container=settings.target_container,
        price_per_million=settings.price_per_million_characters,
        listing=account,
    )
    logger.info(result.describe())
    return result
