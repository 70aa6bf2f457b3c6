"""Poll one batch and download each translation as soon as it is ready, with live progress."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from prefect import get_run_logger, task
from prefect.artifacts import acreate_progress_artifact, aupdate_progress_artifact
from prefect.cache_policies import NO_CACHE

from doctranslate.client import AsyncDocumentTranslationClient
from doctranslate.existing import Pair
from doctranslate.follow import BatchFollower, FollowSettings, output_path
from doctranslate.report import BatchOutcome, DocumentOutcome
from doctranslate.settings import Settings
from doctranslate.storage import StorageAccount
from doctranslate.transfer import Download, download_blobs
from doctranslate.wire import TranslationStatus
from tasks.limits import before_status_poll


@task(name="follow", cache_policy=NO_CACHE, persist_result=False, task_run_name="follow-{batch_id}")
async def follow(
    batch_id: str, pairs: list[Pair], out_dir: Path, settings: Settings, manifest_name: str
) -> tuple[BatchOutcome, list[DocumentOutcome]]:
    """>>> await follow(batch_id, pairs, Path("out"), settings, manifest_blob_name(job, key))  # doctest: +SKIP"""
    logger = get_run_logger()
    progress = await acreate_progress_artifact(0.0, key=f"progress-{batch_id}", description=f"Batch {batch_id}")
    seen: list[tuple[str, int]] = []

    async def report_progress(status: TranslationStatus) -> None:
        s = status.summary
        state = (status.status.value, s.finished)
        if seen and seen[-1] == state:
            return
        seen.append(state)
        done = 100.0 * s.finished / s.total if s.total else 0.0
        await aupdate_progress_artifact(progress, done)
        logger.info(
            "batch %s %s: %d/%d done (%d succeeded, %d failed), %d characters charged",
            batch_id,
            status.status.value,
            s.finished,
            s.total,
            s.success,
            s.failed,
            s.total_character_charged,
        )

    follow_settings = FollowSettings(
        out_dir=out_dir,
        target_container=settings.target_container,
        sas_lifetime=timedelta(minutes=settings.sas_lifetime_minutes),
        max_interval=settings.poll_interval_seconds,
        concurrency=settings.transfer_concurrency,
    )
    async with AsyncDocumentTranslationClient.from_settings(settings) as client:
        follower = BatchFollower(
            client, StorageAccount(settings), pairs, follow_settings, manifest_name, report_progress, before_status_poll
        )
        final, outcomes = await follower.run(batch_id)
    status = final.status.value if final else "Unknown"
    charged = sum(o.characters_charged for o in outcomes)
    return BatchOutcome(id=batch_id, status=status, documents=len(outcomes), characters_charged=charged), outcomes


@task(name="restore", cache_policy=NO_CACHE, persist_result=False)
async def restore(pairs: list[Pair], out_dir: Path, settings: Settings) -> int:
    """Download translations that are current in storage but missing locally; nothing is re-translated."""
    missing = [Download(p.target, output_path(out_dir, p)) for p in pairs if not output_path(out_dir, p).exists()]
    if missing:
        account = StorageAccount(settings)
        read = account.container_sas_url(
            settings.target_container, "r", timedelta(minutes=settings.sas_lifetime_minutes)
        )
        await download_blobs(missing, read, concurrency=settings.transfer_concurrency)
        get_run_logger().info("restored %d translation(s) missing from %s", len(missing), out_dir)
    return len(missing)
