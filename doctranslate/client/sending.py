"""Send a `Call` with retries: the only loop that talks to the network, in a sync and an async form."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

import httpx

from doctranslate.client.calls import Call
from doctranslate.client.failures import error_from_response
from doctranslate.client.retry import RetryPolicy
from doctranslate.errors import ServiceError

T = TypeVar("T")


ErrorFactory = Callable[[httpx.Response], ServiceError]


def send(http: httpx.Client, call: Call[T], retry: RetryPolicy, error: ErrorFactory = error_from_response) -> T:
    attempts = retry.start(call.description)
    while True:
        attempts.begin()
        try:
            response = http.send(call.build(http))
        except httpx.TransportError as exc:
            time.sleep(attempts.after_transport_error(exc))
            continue
        if response.is_success:
            return call.parse(response)
        time.sleep(attempts.after_response(response, error))


async def send_async(
    http: httpx.AsyncClient, call: Call[T], retry: RetryPolicy, error: ErrorFactory = error_from_response
) -> T:
    attempts = retry.start(call.description)
    while True:
        attempts.begin()
        try:
            response = await http.send(call.build(http))
        except httpx.TransportError as exc:
            await asyncio.sleep(attempts.after_transport_error(exc))
            continue
        if response.is_success:
            return call.parse(response)
        await asyncio.sleep(attempts.after_response(response, error))
