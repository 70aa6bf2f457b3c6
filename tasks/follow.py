"""Poll one batch and download each translation as soon as it is ready, with live progress."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.artifacts import acreate_progress_artifact, aupdate_progress_artifact
from prefect.cache_policies import NO_CACHE

from doctranslate.client import AsyncDocumentTranslationClient
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.follow import BatchFollower
from doctranslate.pipeline.gather import BatchGatherer, GatherSettings, restore_outputs
from doctranslate.pipeline.outcomes import BatchResult, OutcomeStatus
from doctranslate.pipeline.plan import BatchPlan
from doctranslate.qa.live import LiveChecker
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount
from doctranslate.wire import TranslationStatus
from doctranslate_prefect.tasks.limits import before_status_poll
from doctranslate_prefect.tasks.progress import progress


@task(name="follow", cache_policy=NO_CACHE, persist_result=False, task_run_name="follow-{batch_id}")
async def follow(
    batch_id: str,
    batch: BatchPlan,
    destination: Destination,
    settings: Settings,
    checker: LiveChecker | None = None,
) -> BatchResult:
    """>>> await follow(batch_id, batch_plan, run_plan.layout.destination, settings)  # doctest: +SKIP

    With a `checker`, each round of translations is checked (QA) as soon as it is gathered."""
    logger = get_run_logger()
    # On the run's page, not in the artifact list: one keyed artifact per batch would fill it.
    artifact = await acreate_progress_artifact(0.0, description=f"Batch {batch_id}: documents finished, of all")
    seen: list[tuple[str, int]] = []

    async def report_progress(status: TranslationStatus) -> None:
        s = status.summary
        if seen and seen[-1] == (status.status.value, s.finished):
            return
        seen.append((status.status.value, s.finished))
        await aupdate_progress_artifact(artifact, 100.0 * s.finished / s.total if s.total else 0.0)
        logger.info(
            "batch %s %s: %d/%d done (%d succeeded, %d failed), %d characters charged",
            batch_id,
            status.status.value,
            s.finished,
            s.total,
            s.success,
            s.failed,
            s.total_character_charged,
            extra=progress(
                "batch",
                batch=batch_id,
                status=status.status.value,
                done=s.finished,
                total=s.total,
                succeeded=s.success,
                failed=s.failed,
                final=status.status.is_terminal,
            ),
        )

    account = StorageAccount(settings)
    gatherer = BatchGatherer(
        account,
        GatherSettings.from_settings(settings, destination),
        batch_key=batch.batch.key,
        on_fetched=checker.check_soon if checker is not None else None,
    )
    async with AsyncDocumentTranslationClient.from_settings(settings) as client:
        follower = BatchFollower(
            client,
            batch.decision.translate,
            gatherer,
            max_interval=settings.poll_interval_seconds,
            on_update=report_progress,
            before_poll=before_status_poll,
        )
        outcome, outcomes = await follower.run(batch_id)
    gathered = sum(1 for o in outcomes if o.status is OutcomeStatus.SUCCEEDED)
    logger.info(
        "batch %s: %d translation(s) in %s", batch_id, gathered, destination.describe(), extra=progress("gather")
    )
    return outcome, outcomes


@task(name="restore", cache_policy=NO_CACHE, persist_result=False)
async def restore(pairs: list[Pair], destination: Destination, settings: Settings) -> int:
    """Download translations that are current in storage but missing locally; nothing is re-translated."""
    gather_settings = GatherSettings.from_settings(settings, destination)
    restored = await restore_outputs(StorageAccount(settings), pairs, gather_settings)
    if restored:
        get_run_logger().info("restored %d translation(s) missing from %s", restored, destination.download_dir)
    return restored
