"""Stage documents and glossaries into the source container: only what is missing or changed."""

from __future__ import annotations

import time
from datetime import timedelta

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from rich.filesize import decimal

from doctranslate.pipeline.plan import RunPlan
from doctranslate.pipeline.stage import Staged, stage_plan
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount
from doctranslate_prefect.tasks.progress import LiveFigures, progress


@task(name="stage", cache_policy=NO_CACHE, persist_result=False)
async def stage(plan: RunPlan, settings: Settings) -> int:
    """Upload what the service will read; returns how many files were uploaded.

    >>> await stage(plan, load_settings())  # doctest: +SKIP
    """
    started = time.monotonic()
    live = LiveFigures("stage")
    last: list[Staged] = []

    def on_progress(staged: Staged) -> None:
        last[:] = [staged]
        live.show(staged.files, staged.of_files, bytes=staged.bytes, of_bytes=staged.of_bytes)

    uploaded, kept = await stage_plan(
        plan,
        StorageAccount(settings),
        lifetime=timedelta(minutes=settings.sas_lifetime_minutes),
        concurrency=settings.transfer_concurrency,
        on_progress=on_progress,
    )
    seconds = time.monotonic() - started
    sent = last[0].bytes if last else 0
    get_run_logger().info(
        "staged %d file(s), %s in %.1f s (%s/s); %d already in storage with the same content",
        uploaded,
        decimal(sent),
        seconds,
        decimal(int(sent / seconds) if seconds > 0 else 0),
        kept,
        extra=progress("stage"),
    )
    return uploaded
