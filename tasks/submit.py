"""Submit one planned batch, exactly once across retries, crashes and concurrent runs.

The cache key is the batch's business identity (its content, languages and settings), never the task
source or the run id (prefect-notes §4): a new run of the same work, even after a code change, finds the
recorded batch id instead of paying again. SERIALIZABLE isolation makes a second, concurrent run wait for
the first one's answer. SAS tokens are generated inside the task and never leave it.

The task is async and does its blocking work (SAS, the POST with its back-offs) on a thread, so while one
batch submits, the other batches of the run keep polling.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import CacheKeyFnPolicy
from prefect.context import TaskRunContext
from prefect.locking.filesystem import FileSystemLockManager
from prefect.transactions import IsolationLevel

from doctranslate.client import DocumentTranslationClient
from doctranslate.errors import RetryExhaustedError, StorageError
from doctranslate.pipeline.glossaries import GlossaryFile
from doctranslate.pipeline.journal import SubmissionJournal
from doctranslate.pipeline.plan import BatchLayout, BatchPlan
from doctranslate.pipeline.submit import build_request, sas_lifetime, source_urls, submit_once
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount


def submission_key(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    return f"submit-{parameters['batch'].batch.key}"


def retry_when_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Prefect retries only what waiting can fix; a wrong key or a refused request fails at once."""
    try:
        state.result()
    except (RetryExhaustedError, StorageError, OSError):
        return True
    except BaseException:
        return False
    return False


@task(
    name="submit",
    retries=2,
    retry_delay_seconds=[5, 30],
    retry_condition_fn=retry_when_transient,
    persist_result=True,
)
async def submit(batch: BatchPlan, glossaries: list[GlossaryFile], layout: BatchLayout, settings: Settings) -> str:
    """Returns the service's batch id.

    >>> await submit.with_options(**submission_options(settings))(batch, glossaries, layout, settings)  # doctest: +SKIP
    """
    batch_id = await asyncio.to_thread(_submit, batch, glossaries, layout, settings)
    get_run_logger().info(
        "batch %s: %d document x language pair(s) submitted as %s",
        batch.batch.key[:12],
        len(batch.decision.translate),
        batch_id,
    )
    return batch_id


def _submit(batch: BatchPlan, glossaries: list[GlossaryFile], layout: BatchLayout, settings: Settings) -> str:
    account = StorageAccount(settings)
    lifetime = sas_lifetime(batch, timedelta(minutes=settings.sas_lifetime_minutes))
    details = build_request(batch, glossaries, layout, account, lifetime)
    destination = layout.destination
    journal = SubmissionJournal(account, destination.container, destination.root)

    def clear_replaced_outputs() -> None:
        for pair in batch.decision.delete_first:
            account.delete_blob(destination.container, pair.target)

    with DocumentTranslationClient.from_settings(settings) as client:
        expected = source_urls(batch, layout, account.url)
        return submit_once(
            client, journal, batch.batch, details, expected_sources=expected, before_post=clear_replaced_outputs
        )


def submission_options(settings: Settings) -> dict[str, Any]:
    """Where the cache records, results and locks live: under the state folder, shared by every run here."""
    state = settings.state_dir.resolve()
    policy = CacheKeyFnPolicy(cache_key_fn=submission_key).configure(
        key_storage=state / "prefect" / "keys",
        isolation_level=IsolationLevel.SERIALIZABLE,
        lock_manager=FileSystemLockManager(lock_files_directory=state / "prefect" / "locks"),
    )
    return {
        "cache_policy": policy,
        "result_storage": state / "prefect" / "results",
        "cache_expiration": timedelta(days=30),
    }
