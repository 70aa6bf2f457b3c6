"""Prefect global concurrency limits shared by every run on a server: scheduled, triggered and manual
runs together stay within what the Translator resource allows.

Create them once per server (names are the contract; without them runs are not throttled):

    prefect gcl create doctranslate-batches-in-flight --limit 20
    prefect gcl create doctranslate-status-polls --limit 10 --slot-decay-per-second 10
"""

from __future__ import annotations

import time
from typing import Final

from prefect import get_client, get_run_logger
from prefect.concurrency.asyncio import rate_limit
from prefect.exceptions import ObjectNotFound

BATCHES_IN_FLIGHT: Final = "doctranslate-batches-in-flight"
"""One slot per batch, held from its submission to its end."""

STATUS_POLLS: Final = "doctranslate-status-polls"
"""A token bucket: one token per status read of any batch."""


class _StatusPollLimit:
    """Takes a token before each status read when the limit exists on the server.

    Whether it exists is asked every few minutes (a limit created meanwhile is picked up), not before every
    read; without it, reads are not throttled, which is logged once instead of warned on every read.
    """

    RECHECK_SECONDS: Final = 300.0

    def __init__(self) -> None:
        self._recheck_at = 0.0
        self._exists: bool | None = None

    async def __call__(self) -> None:
        if time.monotonic() >= self._recheck_at:
            exists = await self._limit_exists()
            if not exists and self._exists is None:
                get_run_logger().info(
                    "status reads are not throttled fleet-wide: no %r limit on this Prefect server", STATUS_POLLS
                )
            self._exists = exists
            self._recheck_at = time.monotonic() + self.RECHECK_SECONDS
        if self._exists:
            await rate_limit(STATUS_POLLS, strict=False)

    @staticmethod
    async def _limit_exists() -> bool:
        async with get_client() as client:
            try:
                await client.read_global_concurrency_limit_by_name(STATUS_POLLS)
            except ObjectNotFound:
                return False
        return True


before_status_poll = _StatusPollLimit()
