"""Mirror an incoming blob container into the local inbox: what arrived, changed or went away."""

from __future__ import annotations

from datetime import timedelta

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from doctranslate.events.inbox import PullResult, pull_incoming
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount


@task(name="pull-incoming", cache_policy=NO_CACHE, persist_result=False, retries=2, retry_delay_seconds=10)
async def pull(container: str, prefix: str, settings: Settings) -> PullResult:
    """>>> await pull("incoming", "contracts/", load_settings())  # doctest: +SKIP"""
    result = await pull_incoming(
        StorageAccount(settings),
        container,
        prefix,
        settings.state_dir / "inbox",
        lifetime=timedelta(minutes=settings.sas_lifetime_minutes),
        concurrency=settings.transfer_concurrency,
    )
    logger = get_run_logger()
    logger.info(
        "incoming %s/%s: %d new or changed, %d unchanged, %d removed",
        container,
        prefix,
        result.downloaded,
        result.unchanged,
        result.removed,
    )
    for name in result.refused:
        logger.warning("incoming blob %r refused: its name would land outside the inbox", name)
    return result
