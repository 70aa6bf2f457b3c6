"""Prefect global concurrency limits shared by every run on a server: scheduled, triggered and manual
runs together stay within what the Translator resource allows.

Create them once per server (names are the contract; without them runs are not throttled):

    prefect gcl create doctranslate-batches-in-flight --limit 20
    prefect gcl create doctranslate-status-polls --limit 10 --slot-decay-per-second 10
"""

from __future__ import annotations

from typing import Final

from prefect.concurrency.asyncio import rate_limit

BATCHES_IN_FLIGHT: Final = "doctranslate-batches-in-flight"
"""One slot per batch, held from its submission to its end."""

STATUS_POLLS: Final = "doctranslate-status-polls"
"""A token bucket: one token per status read of any batch."""


async def before_status_poll() -> None:
    await rate_limit(STATUS_POLLS, strict=False)
