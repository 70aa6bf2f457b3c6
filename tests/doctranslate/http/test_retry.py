"""Retries: 429 storms (POST and GET), 503 bursts, dropped connections, and giving up cleanly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from doctranslate.client import AsyncDocumentTranslationClient, DocumentTranslationClient, RetryPolicy
from doctranslate.errors import AuthenticationError, InvalidRequestError, NotFoundError, RetryExhaustedError
from doctranslate.http.retry import retry_after_seconds
from doctranslate.wire import SourceInput, StartTranslationDetails, TargetInput
from doctranslate.wire.requests import BatchRequest
from tests.conftest import fast_config
from tests.support.flaky_server import dropping_server

BATCH = "3f9e4a5c-7a51-4a4e-9b55-0c7c1d2e3f40"
GATEWAY_429 = {
    "error": {"code": "429", "message": "Requests ... have exceeded rate limit. Please retry after 1 second."}
}
UNAVAILABLE = {"error": {"code": "ServiceUnavailable", "message": "Service is temporary unavailable"}}
STATUS = {
    "id": BATCH,
    "createdDateTimeUtc": "2026-11-22T10:00:00.1234567Z",
    "lastActionDateTimeUtc": "2026-11-22T10:00:01Z",
    "status": "Running",
    "summary": {
        "total": 2,
        "failed": 0,
        "success": 1,
        "inProgress": 1,
        "notYetStarted": 0,
        "cancelled": 0,
        "totalCharacterCharged": 10,
    },
}
DETAILS = StartTranslationDetails(
    inputs=[
        BatchRequest(
            source=SourceInput(source_url="https://a.blob.core.windows.net/src?sp=rl&sig=x"),
            targets=[TargetInput(target_url="https://a.blob.core.windows.net/fr?sp=wl&sig=y", language="fr")],
        )
    ]
)


def storm(failures: int, failure: httpx.Response, success: Callable[[httpx.Request], httpx.Response]):
    """A handler that answers `failure` `failures` times, then `success`; counts requests."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) <= failures:
            return httpx.Response(failure.status_code, headers=failure.headers, content=failure.content)
        return success(request)

    return handler, seen


def accepted(request: httpx.Request) -> httpx.Response:
    location = f"{request.url.scheme}://{request.url.host}/translator/document/batches/{BATCH}?api-version=2024-05-01"
    return httpx.Response(202, headers={"Operation-Location": location}, json={"id": BATCH, "status": "NotStarted"})


def running(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=STATUS)


def test_a_429_storm_on_submit_is_retried_until_accepted(sync_client) -> None:
    handler, seen = storm(4, httpx.Response(429, json=GATEWAY_429), accepted)

    poller = sync_client(handler, max_attempts=5).begin_translation(DETAILS)

    assert poller.id == BATCH
    assert [r.method for r in seen] == ["POST"] * 5
    assert all(r.content == seen[0].content for r in seen)  # the same body each time


def test_a_429_storm_on_status_reads_is_retried(sync_client) -> None:
    handler, seen = storm(3, httpx.Response(429, json=GATEWAY_429), running)

    status = sync_client(handler).get_translation_status(BATCH)

    assert status.summary.success == 1
    assert len(seen) == 4


def test_503_bursts_are_retried(sync_client) -> None:
    handler, seen = storm(2, httpx.Response(503, json=UNAVAILABLE), running)

    assert sync_client(handler).get_translation_status(BATCH).id == BATCH
    assert len(seen) == 3


def test_giving_up_after_the_budget_says_what_happened_and_what_to_do(sync_client) -> None:
    handler, seen = storm(100, httpx.Response(429, json=GATEWAY_429), running)

    with pytest.raises(RetryExhaustedError) as caught:
        sync_client(handler, max_attempts=3).get_translation_status(BATCH)

    assert len(seen) == 3  # never more than the budget
    message = str(caught.value)
    assert f"GET /translator/document/batches/{BATCH}" in message
    assert "after 3 attempts" in message and "HTTP 429" in message
    assert "DOCTRANSLATE_RETRY_MAX_ATTEMPTS" in message
    assert caught.value.status_code == 429 and caught.value.code == "429"


def test_errors_that_retrying_cannot_fix_are_raised_at_once(sync_client) -> None:
    bad = {
        "error": {
            "code": "InvalidRequest",
            "message": "Bad request",
            "innerError": {"code": "SASTokenInvalid", "message": "SAS token for storage is invalid"},
        }
    }
    cases = [
        (400, bad, InvalidRequestError, "SASTokenInvalid"),
        (
            401,
            {"error": {"code": "401", "message": "Access denied due to invalid subscription key"}},
            AuthenticationError,
            "401",
        ),
        (404, {"error": {"code": "ResourceNotFound", "message": "id not found"}}, NotFoundError, "ResourceNotFound"),
    ]
    for status, body, error_type, code in cases:
        handler, seen = storm(100, httpx.Response(status, json=body), running)
        with pytest.raises(error_type) as caught:
            sync_client(handler).get_translation_status(BATCH)
        assert len(seen) == 1
        assert caught.value.most_specific_code == code
        assert caught.value.hint  # every one of these has a next step


def test_a_really_dropped_connection_is_retried() -> None:
    with (
        dropping_server(drops=2, body=STATUS) as (url, seen),
        DocumentTranslationClient(fast_config(endpoint=url)) as client,
    ):
        status = client.get_translation_status(BATCH)

    assert status.id == BATCH
    assert len(seen) == 3
    assert all(line.startswith(f"GET /translator/document/batches/{BATCH}") for line in seen)


def test_an_unreachable_endpoint_gives_up_with_a_clear_error() -> None:
    with (
        dropping_server(drops=100, body=STATUS) as (url, seen),
        DocumentTranslationClient(fast_config(endpoint=url, max_attempts=2)) as client,
        pytest.raises(RetryExhaustedError, match="after 2 attempts") as caught,
    ):
        client.get_translation_status(BATCH)

    assert len(seen) == 2
    assert "check the endpoint" in str(caught.value)


async def test_async_client_retries_a_429_storm_on_submit(async_client) -> None:
    handler, seen = storm(3, httpx.Response(429, json=GATEWAY_429), accepted)

    async with async_client(handler) as client:
        poller = await client.begin_translation(DETAILS)

    assert poller.id == BATCH
    assert len(seen) == 4


async def test_async_client_retries_a_really_dropped_connection() -> None:
    with dropping_server(drops=1, body=STATUS) as (url, seen):
        async with AsyncDocumentTranslationClient(fast_config(endpoint=url)) as client:
            status = await client.get_translation_status(BATCH)

    assert status.summary.total == 2
    assert len(seen) == 2


def test_server_requested_waits_are_honoured_in_every_spelling() -> None:
    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(httpx.Headers({"retry-after-ms": "1500"})) == 1.5
    assert retry_after_seconds(httpx.Headers({"x-ms-retry-after-ms": "250"})) == 0.25
    assert retry_after_seconds(httpx.Headers({"Retry-After": "30"})) == 30
    date = format_datetime(now + timedelta(seconds=12), usegmt=True)
    assert retry_after_seconds(httpx.Headers({"Retry-After": date}), now=now) == 12
    assert retry_after_seconds(httpx.Headers({"Retry-After": "soon"})) is None
    assert retry_after_seconds(httpx.Headers({})) is None


def test_retry_after_overrides_backoff_but_not_the_cap() -> None:
    policy = RetryPolicy(max_attempts=3, backoff_seconds=1, backoff_max_seconds=5, jitter=lambda: 0.0)
    attempts = policy.start("GET /x")
    request = httpx.Request("GET", "https://e.cognitiveservices.azure.com/x")
    attempts.begin()

    asked = attempts.after_response(httpx.Response(429, headers={"retry-after": "3"}, request=request), lambda r: None)  # type: ignore[arg-type,return-value]
    attempts.begin()
    capped = attempts.after_response(
        httpx.Response(503, headers={"retry-after": "90"}, request=request), lambda r: None
    )  # type: ignore[arg-type,return-value]

    assert (asked, capped) == (3, 5)


def test_backoff_grows_exponentially_with_jitter_and_stays_capped() -> None:
    low = RetryPolicy(backoff_seconds=1, backoff_max_seconds=10, jitter=lambda: 0.0)
    high = RetryPolicy(backoff_seconds=1, backoff_max_seconds=10, jitter=lambda: 1.0)

    assert [low.backoff(n) for n in (1, 2, 3, 4, 5, 6)] == [0.5, 1, 2, 4, 5, 5]
    assert [high.backoff(n) for n in (1, 2, 3, 4, 5, 6)] == [1, 2, 4, 8, 10, 10]
