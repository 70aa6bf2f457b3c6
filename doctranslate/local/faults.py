"""Fault injection for the local service: what the real service and its gateway do on a bad day.

All off by default. Configured by `doctranslate local-service` flags or `DOCTRANSLATE_FAULT_*`
environment variables; random choices come from a seeded generator so a failing test can be rerun.
"""

from __future__ import annotations

import asyncio
import fnmatch
import hashlib
import random
import time
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class FaultPlan(BaseSettings):
    """What to break, and how often."""

    model_config = SettingsConfigDict(env_prefix="DOCTRANSLATE_FAULT_", frozen=True)

    throttle_ratio: float = Field(0.0, ge=0, le=1, description="Share of requests answered with the gateway's 429.")
    unavailable_every: int = Field(0, ge=0, description="Every Nth request starts a burst of 503s (0: never).")
    unavailable_burst: int = Field(3, ge=1, description="Length of each 503 burst.")
    latency_seconds: float = Field(0.0, ge=0, le=60, description="Added to every request.")
    stale_seconds: float = Field(0.0, ge=0, le=120, description="Batch status served from a cache up to this old.")
    fail_documents: str | None = Field(None, description="Glob of source names whose translation fails.")
    fail_document_ratio: float = Field(0.0, ge=0, le=1, description="Share of documents that fail (by name hash).")
    step_seconds: float = Field(0.0, ge=0, le=600, description="Pause after enumeration, before translating.")
    document_seconds: float = Field(0.0, ge=0, le=600, description="Extra time spent on each document.")
    seed: int = 0

    @property
    def active(self) -> bool:
        return any(
            (
                self.throttle_ratio,
                self.unavailable_every,
                self.latency_seconds,
                self.stale_seconds,
                self.fail_documents,
                self.fail_document_ratio,
                self.step_seconds,
                self.document_seconds,
            )
        )

    def document_fails(self, name: str) -> bool:
        if self.fail_documents and fnmatch.fnmatch(name, self.fail_documents):
            return True
        if self.fail_document_ratio:
            digest = hashlib.sha256(f"{self.seed}:{name}".encode()).digest()
            return int.from_bytes(digest[:4], "big") / 2**32 < self.fail_document_ratio
        return False

    async def pause_between_steps(self) -> None:
        if self.step_seconds:
            await asyncio.sleep(self.step_seconds)

    async def pause_for_document(self) -> None:
        if self.document_seconds:
            await asyncio.sleep(self.document_seconds)


@dataclass
class RequestFaults:
    """Per-process state of request-level faults (counters, the random generator, the status cache)."""

    plan: FaultPlan
    _random: random.Random = field(init=False)
    _count: int = 0
    _burst_left: int = 0
    _cache: dict[str, tuple[float, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._random = random.Random(self.plan.seed)

    def next_request(self) -> int | None:
        """The status to answer this request with instead of serving it, or None to serve it."""
        self._count += 1
        if self._burst_left:
            self._burst_left -= 1
            return 503
        if self.plan.unavailable_every and self._count % self.plan.unavailable_every == 0:
            self._burst_left = self.plan.unavailable_burst - 1
            return 503
        if self.plan.throttle_ratio and self._random.random() < self.plan.throttle_ratio:
            return 429
        return None

    def cached_status(self, batch_id: str, fresh: Any) -> tuple[Any, int | None]:
        """(body to send, Age header) — an old body while it is younger than `stale_seconds`."""
        if not self.plan.stale_seconds:
            return fresh, None
        now = time.monotonic()
        cached = self._cache.get(batch_id)
        if cached is not None and now - cached[0] < self.plan.stale_seconds:
            return cached[1], int(now - cached[0])
        self._cache[batch_id] = (now, fresh)
        return fresh, 0
