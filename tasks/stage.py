"""Stage documents and glossaries into the source container: only what is missing or changed."""

from __future__ import annotations

import time
from datetime import timedelta

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from doctranslate.pipeline.plan import RunPlan
from doctranslate.pipeline.stage import stage_plan
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount
from doctranslate_prefect.tasks.progress import progress


@task(name="stage", cache_policy=NO_CACHE, persist_result=False)
async def stage(plan: RunPlan, settings: Settings) -> int:
    """Upload what the service will read; returns how many files were uploaded.

    >>> await stage(plan, load_settings())  # doctest: +SKIP
    """
    started = time.monotonic()
    uploaded, kept = await stage_plan(
        plan,
        StorageAccount(settings),
        lifetime=timedelta(minutes=settings.sas_lifetime_minutes),
        concurrency=settings.transfer_concurrency,
    )
    get_run_logger().info(
        "staged %d file(s) in %.1f s; %d already in storage with the same content",
        uploaded,
        time.monotonic() - started,
        kept,
        extra=progress("stage"),
    )
    return uploaded
