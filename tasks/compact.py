"""Fold a job's batch manifests into one once they pile up, so the next plan reads a bounded number of blobs."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from doctranslate.pipeline.compaction import compact_manifests
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount


@task(name="compact-state", cache_policy=NO_CACHE, persist_result=False)
def compact(job: str, settings: Settings) -> int:
    """>>> compact("docs", load_settings())  # doctest: +SKIP"""
    folded = compact_manifests(StorageAccount(settings), settings.target_container, job)
    if folded:
        get_run_logger().info("folded %d batch manifest(s) of %s into its compacted manifest", folded, job)
    return folded
