"""The Event Grid relay: an HTTPS webhook for Event Grid that turns blob arrivals into Prefect events.

Open-source Prefect has no webhooks, so Event Grid cannot reach it directly. The relay sits between
them. It answers Event Grid's subscription handshake (the Event Grid schema's validation event, and
CloudEvents' OPTIONS abuse protection). It accepts `Microsoft.Storage.BlobCreated` in either schema and
posts `azure.storage.blob.created` events to the Prefect server.

Event Grid does not sign deliveries, so the subscription's endpoint URL carries a secret
(`?code=...`); a request without it gets 401. A delivery with no blob arrival in it gets 400 naming
the types, so a subscription to the wrong events is found at once. A redelivered event id is posted
once (ids are remembered here, and the Prefect server drops ids it has seen). When Prefect cannot
be reached the relay answers 503 and Event Grid retries.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections import OrderedDict
from typing import Any, Final

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import SecretStr

from doctranslate.errors import BadInputError, DocTranslateError
from doctranslate.events.blob_created import BLOB_CREATED, parse_delivery
from doctranslate.events.prefect_sink import PrefectEventSink
from doctranslate.http.bodies import body_within

MAX_DELIVERY_BYTES: Final = 1024 * 1024  # Event Grid delivers at most 1 MB per request
ROUTE: Final = "/eventgrid"
logger = logging.getLogger("doctranslate.events.relay")


class _RecentIds:
    """The last `size` event ids posted, oldest forgotten first."""

    def __init__(self, size: int) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._ids

    def add(self, event_id: str) -> None:
        self._ids[event_id] = None
        while len(self._ids) > self._size:
            self._ids.popitem(last=False)


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_relay_app(sink: PrefectEventSink, secret: SecretStr, *, remember: int = 10_000) -> FastAPI:
    app = FastAPI(title="doctranslate Event Grid relay", openapi_url=None)
    recent = _RecentIds(remember)

    def authorized(request: Request) -> bool:
        given = request.query_params.get("code", "")
        return hmac.compare_digest(given.encode(), secret.get_secret_value().encode())

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.options(ROUTE)
    async def cloud_events_handshake(request: Request) -> Response:
        if not authorized(request):
            return _problem(401, "missing or wrong ?code= secret in the subscription's endpoint URL")
        origin = request.headers.get("WebHook-Request-Origin")
        if not origin:
            return _problem(400, "a CloudEvents handshake needs the WebHook-Request-Origin header")
        return Response(status_code=200, headers={"WebHook-Allowed-Origin": origin, "WebHook-Allowed-Rate": "*"})

    @app.post(ROUTE)
    async def deliver(request: Request) -> Response:
        if not authorized(request):
            return _problem(401, "missing or wrong ?code= secret in the subscription's endpoint URL")
        raw = await body_within(request, MAX_DELIVERY_BYTES)
        if raw is None:
            return _problem(413, f"delivery larger than {MAX_DELIVERY_BYTES} bytes")
        try:
            delivery = parse_delivery(json.loads(raw))
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
            return _problem(400, "the body is not JSON")
        except BadInputError as exc:
            return _problem(400, str(exc))
        if delivery.validation_code is not None:
            logger.info("answered Event Grid's subscription validation")
            return JSONResponse({"validationResponse": delivery.validation_code})
        for reason in delivery.refused:
            logger.warning("skipped a blob arrival: %s", reason)
        if not delivery.arrivals and not delivery.refused:
            kinds = ", ".join(sorted(set(delivery.other_types))) or "none"
            return _problem(400, f"unsupported event type(s) {kinds}: subscribe this endpoint to {BLOB_CREATED}")
        fresh = [arrival for arrival in delivery.arrivals if arrival.id not in recent]
        try:
            await asyncio.to_thread(sink.emit, [arrival.to_prefect_event() for arrival in fresh])
        except DocTranslateError as exc:
            logger.warning("could not post %d event(s) to Prefect; Event Grid will retry: %s", len(fresh), exc)
            return _problem(503, "the Prefect server cannot be reached; retry later")
        for arrival in fresh:
            recent.add(arrival.id)
        duplicates = len(delivery.arrivals) - len(fresh)
        logger.info("relayed %d blob arrival(s), %d duplicate(s) dropped", len(fresh), duplicates)
        body: dict[str, Any] = {
            "relayed": len(fresh),
            "duplicates": duplicates,
            "ignored_types": sorted(set(delivery.other_types)),
            "refused": delivery.refused,  # answered 200 all the same: Event Grid retrying them would change nothing
        }
        return JSONResponse(body)

    return app
