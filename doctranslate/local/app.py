"""The local Document Translation service: an ASGI app serving both route families.

`/translator/text/batch/v1.0|v1.1/...` and `/translator/document/...?api-version=2024-05-01` share
one set of handlers; only the URL shapes, parameter spellings and a few body details differ, and the
real service's differences are kept (v1 202s have no body; 2024 paths carry `:443`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from doctranslate.http.bodies import body_within
from doctranslate.http.tls import shared_tls_context
from doctranslate.local.engines import TranslationEngine, engine_named
from doctranslate.local.faults import FaultPlan, RequestFaults
from doctranslate.local.gateway import refusal
from doctranslate.local.jobs import JobRunner
from doctranslate.local.limits import over_the_door_limits, unknown_language
from doctranslate.local.paging import ListParameterError, ListRequest, page
from doctranslate.local.presenter import (
    WireShape,
    batch_body,
    document_body,
    error_body,
    format_listing,
    gateway_error_body,
)
from doctranslate.local.sas_storage import DEFAULT_ALLOWED_HOSTS
from doctranslate.local.state import BatchRow, StateStore
from doctranslate.local.sync_route import add_sync_route
from doctranslate.redaction import install_log_redaction, redact_text
from doctranslate.wire.catalogue import DOCUMENT_FORMATS, GLOSSARY_FORMATS
from doctranslate.wire.requests import StartTranslationDetails
from doctranslate.wire.status import Status

logger = logging.getLogger("doctranslate.local")

DATED_VERSIONS: Final = frozenset({"2024-05-01", "2024-11-01-preview", "2024-11-15-preview", "2026-03-01"})
V1_VERSIONS: Final = frozenset({"v1.0", "v1.1"})
MAX_BODY_BYTES: Final = 4 * 1024 * 1024  # a start request is a few KB; refuse anything absurd
_THROTTLED: Final = (
    "Requests to the Batch Document Translation API have exceeded rate limit of your current pricing tier. "
    "Please retry after 1 second."
)
_UNAVAILABLE: Final = "Service is temporary unavailable"


class LocalServiceConfig(BaseModel):
    """How the local service runs: its key, where it keeps state, which engine, which faults."""

    model_config = ConfigDict(frozen=True)

    key: SecretStr | None = None  # None: keyless (`local-service --open`, loopback only; see `gateway`)
    state_dir: Path | None = None  # None: state in memory, lost on exit
    engine: str = "pseudo"
    concurrency: int = 4
    allowed_storage_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    faults: FaultPlan = FaultPlan()


@dataclass(frozen=True)
class Family:
    """One route family, as a request reached it."""

    version: str
    dated: bool

    @property
    def batches_path(self) -> str:
        return "/translator/document/batches" if self.dated else f"/translator/text/batch/{self.version}/batches"

    @property
    def shape(self) -> WireShape:
        """Dated versions compare as text: `2024-11-01-preview` > `2024-05-01`."""
        return WireShape(
            explicit_port=self.dated,
            image_counters=self.dated and self.version >= "2024-11",
            deployments=self.dated and self.version >= "2026-03",
        )

    def operation_location(self, base: str, batch_id: str) -> str:
        suffix = f"?api-version={self.version}" if self.dated else ""
        return f"{base}{self.batches_path}/{batch_id}{suffix}"


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers, media_type="application/json; charset=utf-8")


def _invalid(message: str, inner: str = "InvalidArgument") -> JSONResponse:
    return _json(400, error_body(400, "InvalidRequest", inner, message))


def _not_found(what: str) -> JSONResponse:
    return _json(404, error_body(404, "ResourceNotFound", "ResourceNotFound", f"{what} not found"))


class _Service:
    """The state behind the routes; one per app instance."""

    def __init__(self, config: LocalServiceConfig) -> None:
        self.config = config
        path: Path | str = config.state_dir / "state.sqlite3" if config.state_dir else ":memory:"
        self.store = StateStore(path)
        self.engine: TranslationEngine = engine_named(config.engine)
        self.faults = RequestFaults(config.faults)
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(60.0), follow_redirects=False, verify=shared_tls_context())
        self.runner = JobRunner(
            self.store, self.engine, self.http, config.faults, config.concurrency, config.allowed_storage_hosts
        )

    async def close(self) -> None:
        await self.runner.stop()
        await self.http.aclose()
        self.store.close()


def create_app(config: LocalServiceConfig | None = None) -> FastAPI:
    config = config or LocalServiceConfig()
    install_log_redaction()
    service = _Service(config)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await service.runner.resume()
        yield
        await service.close()

    app = FastAPI(title="doctranslate local Document Translation service", lifespan=lifespan, openapi_url=None)
    app.state.service = service

    @app.middleware("http")
    async def gateway(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        """What API Management does in front of the real service: latency, throttling, auth."""
        if config.faults.latency_seconds:
            await asyncio.sleep(config.faults.latency_seconds)
        injected = service.faults.next_request()
        if injected is not None:
            logger.info("fault injected: %d for %s %s", injected, request.method, request.url.path)
        if injected == 429:
            return _json(429, gateway_error_body(429, _THROTTLED), {"policy-id": "ResourceRateLimitBy1s"})
        if injected == 503:
            return _json(503, error_body(503, "ServiceUnavailable", "ServiceTemporaryUnavailable", _UNAVAILABLE))
        refused = refusal(request, config.key)
        if refused is not None:
            return refused
        response = await call_next(request)
        request_id = str(uuid.uuid4())
        response.headers["apim-request-id"] = request_id
        response.headers["X-RequestId"] = request_id
        return response

    _BatchRoutes(service).register(app)
    _add_format_routes(app)
    add_sync_route(app, service.engine, _family)
    return app


def _family(request: Request) -> Family | JSONResponse:
    path = request.url.path
    if path.startswith("/translator/text/batch/"):
        version = path.split("/")[4]
        if version not in V1_VERSIONS:
            return _not_found(f"API version {version}")
        return Family(version, dated=False)
    api_version = request.query_params.get("api-version")
    if not api_version:
        return _invalid("The api-version query parameter is required.", "MissingApiVersion")
    if api_version not in DATED_VERSIONS:
        return _invalid(f"Unsupported api-version {api_version!r}.", "UnsupportedApiVersion")
    return Family(api_version, dated=True)


def _base_url(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


class _BatchRoutes:
    """The batch and document routes of both API generations, one method per route."""

    def __init__(self, service: _Service) -> None:
        self._service = service
        self._store = service.store

    def register(self, app: FastAPI) -> None:
        for prefix in ("/translator/text/batch/{version}", "/translator/document"):
            app.add_api_route(f"{prefix}/batches", self.start, methods=["POST"])
            app.add_api_route(f"{prefix}/batches", self.list_batches, methods=["GET"])
            app.add_api_route(f"{prefix}/batches/{{batch_id}}", self.get_batch, methods=["GET"])
            app.add_api_route(f"{prefix}/batches/{{batch_id}}", self.cancel, methods=["DELETE"])
            app.add_api_route(f"{prefix}/batches/{{batch_id}}/documents", self.list_documents, methods=["GET"])
            app.add_api_route(
                f"{prefix}/batches/{{batch_id}}/documents/{{document_id}}", self.get_document, methods=["GET"]
            )

    async def start(self, request: Request) -> Response:
        family = _family(request)
        if isinstance(family, JSONResponse):
            return family
        raw = await body_within(request, MAX_BODY_BYTES)
        if raw is None:
            message = f"The request body is larger than {MAX_BODY_BYTES} bytes."
            return _json(413, error_body(413, "RequestEntityTooLarge", "RequestTooLarge", message))
        try:
            details = StartTranslationDetails.model_validate_json(raw)
        except ValidationError as exc:
            first = exc.errors(include_url=False, include_input=False)[0]
            where = ".".join(str(part) for part in first["loc"]) or "body"
            return _invalid(redact_text(f"{where}: {first['msg']}"))
        if not family.dated and any(t.options for b in details.inputs for t in b.targets) and family.version != "v1.1":
            return _invalid("targets[].options is supported only in v1.1.")
        over = over_the_door_limits(details)
        if over is not None:
            return _invalid(over, "RequestLimitExceeded")
        wrong_language = unknown_language(details)
        if wrong_language is not None:
            return _invalid(wrong_language[1], wrong_language[0])
        batch_id = str(uuid.uuid4())
        self._store.create_batch(batch_id, json.dumps(details.to_wire()), family.version)
        self._service.runner.schedule(batch_id)
        languages = sorted({t.language for b in details.inputs for t in b.targets})
        logger.info("accepted batch %s: %d input(s) into %s", batch_id, len(details.inputs), ",".join(languages))
        headers = {"Operation-Location": family.operation_location(_base_url(request), batch_id)}
        if family.dated:
            return _json(202, {"id": batch_id, "status": Status.NOT_STARTED.value}, headers)
        return Response(status_code=202, headers=headers)

    async def list_batches(self, request: Request) -> Response:
        family = _family(request)
        if isinstance(family, JSONResponse):
            return family
        try:
            wanted = ListRequest.parse(request.query_params)
        except ListParameterError as exc:
            return _invalid(str(exc))
        keys = wanted.select(self._store.batch_keys(), lambda key: key)
        body = page(
            keys,
            wanted,
            base_url=_base_url(request) + family.batches_path,
            query=request.query_params,
            dollar_names=not family.dated,
        )
        batches = self._store.batches_by_id([batch_id for batch_id, _, _ in body["value"]])
        body["value"] = [batch_body(b, self._store.tally(b.id), family.shape) for b in batches]
        return _json(200, body)

    def _batch(self, request: Request, batch_id: str) -> tuple[Family, BatchRow] | JSONResponse:
        """The batch a route names (and the family it was asked in), or the answer that says why there is none
        (bad version, unknown id)."""
        family = _family(request)
        if isinstance(family, JSONResponse):
            return family
        batch = self._store.get_batch(batch_id)
        return _not_found("id") if batch is None else (family, batch)

    async def get_batch(self, request: Request, batch_id: str) -> Response:
        found = self._batch(request, batch_id)
        if isinstance(found, JSONResponse):
            return found
        family, batch = found
        fresh = batch_body(batch, self._store.tally(batch_id), family.shape)
        body, age = self._service.faults.cached_status(batch_id, fresh)
        headers = {"Cache-Control": "public, max-age=1"} | ({"Age": str(age)} if age is not None else {})
        return _json(200, body, headers)

    async def cancel(self, request: Request, batch_id: str) -> Response:
        found = self._batch(request, batch_id)
        if isinstance(found, JSONResponse):
            return found
        family, batch = found
        if batch.status.is_terminal or batch.status is Status.CANCELLING:
            return _invalid(f"The batch is already {batch.status.value} and cannot be cancelled.", "InvalidCancel")
        self._store.request_cancel(batch_id)
        cancelled = self._store.get_batch(batch_id)
        assert cancelled is not None
        return _json(200, batch_body(cancelled, self._store.tally(batch_id), family.shape))

    async def list_documents(self, request: Request, batch_id: str) -> Response:
        family = _family(request)
        if isinstance(family, JSONResponse):
            return family
        if self._store.get_batch(batch_id) is None:
            return _not_found("id")
        try:
            wanted = ListRequest.parse(request.query_params)
        except ListParameterError as exc:
            return _invalid(str(exc))
        keys = wanted.select(self._store.document_keys(batch_id, wanted.statuses), lambda key: key)
        body = page(
            keys,
            wanted,
            base_url=f"{_base_url(request)}{family.batches_path}/{batch_id}/documents",
            query=request.query_params,
            dollar_names=not family.dated,
        )
        documents = self._store.documents_by_id(batch_id, [document_id for document_id, _, _ in body["value"]])
        body["value"] = [document_body(d, family.shape) for d in documents]
        return _json(200, body)

    async def get_document(self, request: Request, batch_id: str, document_id: str) -> Response:
        family = _family(request)
        if isinstance(family, JSONResponse):
            return family
        document = self._store.get_document(batch_id, document_id)
        if document is None:
            return _not_found("document id")
        return _json(200, document_body(document, family.shape))


def _add_format_routes(app: FastAPI) -> None:
    def v1_listing(value: list[Any]) -> Callable[[Request], Awaitable[Response]]:
        async def listing(request: Request) -> Response:
            family = _family(request)
            return family if isinstance(family, JSONResponse) else _json(200, {"value": value})

        return listing

    v1_documents = v1_listing(format_listing(DOCUMENT_FORMATS, None))
    v1_glossaries = v1_listing(format_listing(GLOSSARY_FORMATS, None))
    v1_storage_sources = v1_listing(["AzureBlob"])

    async def dated_formats(request: Request) -> Response:
        family = _family(request)
        if isinstance(family, JSONResponse):
            return family
        kind = (request.query_params.get("type") or "document").lower()
        if kind not in ("document", "glossary"):
            return _invalid(f"type must be 'document' or 'glossary', got {kind!r}.")
        formats = DOCUMENT_FORMATS if kind == "document" else GLOSSARY_FORMATS
        return _json(200, {"value": format_listing(formats, kind.capitalize())})

    app.add_api_route("/translator/text/batch/{version}/documents/formats", v1_documents, methods=["GET"])
    app.add_api_route("/translator/text/batch/{version}/glossaries/formats", v1_glossaries, methods=["GET"])
    app.add_api_route("/translator/text/batch/{version}/storagesources", v1_storage_sources, methods=["GET"])
    app.add_api_route("/translator/document/formats", dated_formats, methods=["GET"])
