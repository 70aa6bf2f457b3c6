"""The single place that decides whether and when to try a request again.

The real service throttles with a gateway 429 that carries no `Retry-After` (api-facts §3.7), so we
back off exponentially with jitter on our own, and still honour `Retry-After` / `retry-after-ms` /
`x-ms-retry-after-ms` when a server does send one. Unlike azure-core, the POST that starts a batch is
retried on 429 too: a throttled request was rejected by the gateway and never reached the service.

`Attempts` is sans-I/O: the sync and async clients feed it outcomes and sleep for what it returns.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final

import httpx

from doctranslate.errors import RemoteError, RetryExhaustedError
from doctranslate.redaction import redact_text
from doctranslate.settings import Settings

logger = logging.getLogger("doctranslate.client")

RETRYABLE_STATUS: Final = frozenset({408, 429, 500, 502, 503, 504})
# A status that means the request may have been processed even though we got no success answer.
_AMBIGUOUS_STATUS: Final = frozenset({500, 502, 504})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    backoff_seconds: float = 1.0
    backoff_max_seconds: float = 60.0
    jitter: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            max_attempts=settings.retry_max_attempts,
            backoff_seconds=settings.retry_backoff_seconds,
            backoff_max_seconds=settings.retry_backoff_max_seconds,
        )

    def backoff(self, attempt: int) -> float:
        """Exponential with 'equal jitter': between half and all of base * 2^(attempt-1), capped."""
        ceiling = min(self.backoff_max_seconds, self.backoff_seconds * 2.0 ** (attempt - 1))
        return ceiling / 2 + self.jitter() * ceiling / 2

    def start(self, description: str) -> Attempts:
        return Attempts(self, description)


def retry_after_seconds(headers: httpx.Headers, *, now: datetime | None = None) -> float | None:
    """The server's requested wait, from whichever of the three header spellings it used."""
    for name in ("retry-after-ms", "x-ms-retry-after-ms"):
        if name in headers:
            try:
                return max(0.0, float(headers[name]) / 1000)
            except ValueError:
                continue
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class Attempts:
    """Retry bookkeeping for one logical request."""

    policy: RetryPolicy
    description: str
    number: int = 0
    started: float = field(default_factory=time.monotonic)

    def begin(self) -> int:
        self.number += 1
        return self.number

    def after_response(self, response: httpx.Response, error: Callable[[httpx.Response], RemoteError]) -> float:
        """The delay before retrying `response`, or raise: its own error if final, or exhaustion."""
        if response.status_code not in RETRYABLE_STATUS:
            raise error(response)
        if response.status_code in _AMBIGUOUS_STATUS and response.request.method == "POST":
            logger.warning(
                "%s answered %s; the service may have accepted it before failing, retrying anyway",
                self.description,
                response.status_code,
            )
        hinted = retry_after_seconds(response.headers)
        return self._next_delay(f"HTTP {response.status_code}", hinted, lambda: error(response))

    def after_transport_error(self, exc: httpx.TransportError) -> float:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return self._next_delay(reason, None, lambda: None)

    def _next_delay(self, reason: str, hinted: float | None, final: Callable[[], RemoteError | None]) -> float:
        if self.number >= self.policy.max_attempts:
            last = final()
            elapsed = time.monotonic() - self.started
            detail = f"last answer {reason}" + (f" ({last.message})" if last else "")
            raise RetryExhaustedError(
                f"gave up on {self.description} after {self.number} attempts in {elapsed:.1f} s; {detail}",
                status_code=last.status_code if last else None,
                code=last.code if last else None,
                inner_code=last.inner_code if last else None,
                request_id=last.request_id if last else None,
                hint=(
                    "the service kept throttling or failing; wait and re-run (work already submitted is "
                    "resumed, not repeated), or raise DOCTRANSLATE_RETRY_MAX_ATTEMPTS"
                    if last
                    else "check the endpoint URL and that this machine can reach it"
                ),
            ) from None
        delay = min(hinted, self.policy.backoff_max_seconds) if hinted is not None else self.policy.backoff(self.number)
        logger.warning(
            "%s: %s (attempt %d of %d); retrying in %.2f s",
            self.description,
            redact_text(reason),
            self.number,
            self.policy.max_attempts,
            delay,
        )
        return delay
