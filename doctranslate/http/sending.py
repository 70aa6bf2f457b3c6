"""Send a `Call` with retries: the only loop that talks to the network, in a sync and an async form.

The caller names how a refusal reads (`error`): the translator's JSON error bodies and storage's
`x-ms-error-code` are different services, and a storage 403 must not read as a wrong translator key.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

import httpx

from doctranslate.errors import RemoteError
from doctranslate.http.call import Call
from doctranslate.http.retry import RetryPolicy

T = TypeVar("T")


ErrorFactory = Callable[[httpx.Response], RemoteError]
"""Turns an unsuccessful answer into the error a caller can act on."""


def send(http: httpx.Client, call: Call[T], retry: RetryPolicy, error: ErrorFactory) -> T:
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


async def send_async(http: httpx.AsyncClient, call: Call[T], retry: RetryPolicy, error: ErrorFactory) -> T:
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
