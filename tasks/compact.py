"""Fold a job's batch manifests into one once they pile up, so the next plan reads a bounded number of blobs."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from doctranslate.pipeline.compaction import compact_manifests
from doctranslate.pipeline.destination import Destination
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount


@task(name="compact-state", cache_policy=NO_CACHE, persist_result=False)
def compact(destination: Destination, settings: Settings) -> int:
    """>>> compact(run_plan.layout.destination, load_settings())  # doctest: +SKIP"""
    folded = compact_manifests(StorageAccount(settings), destination.container, destination.root)
    if folded:
        get_run_logger().info("folded %d batch manifest(s) into the compacted manifest", folded)
    return folded
