"""Send a `Call` with retries: the only loop that talks to the network, in a sync and an async form."""

from __future__ import annotations

import asyncio
import time
from typing import TypeVar

import httpx

from doctranslate.client.calls import Call
from doctranslate.client.failures import error_from_response
from doctranslate.client.retry import RetryPolicy

T = TypeVar("T")


def send(http: httpx.Client, call: Call[T], retry: RetryPolicy) -> T:
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
        time.sleep(attempts.after_response(response, error_from_response))


async def send_async(http: httpx.AsyncClient, call: Call[T], retry: RetryPolicy) -> T:
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
        await asyncio.sleep(attempts.after_response(response, error_from_response))
