"""Load the real service's recorded HTTP sessions and replay them through an httpx transport.

Two recording formats exist: the Azure SDK test-proxy JSON (`Entries`) and the older vcrpy YAML
(`interactions`). Both become `Exchange` values. `Replayer` serves them in order and fails the test
the moment the client sends something the real SDK did not (another method, path or query).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import yaml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
RECORDINGS = FIXTURES / "recordings"
TRANSLATOR_HOST_SUFFIX = ".cognitiveservices.azure.com"
ENDPOINT = "https://fakeendpoint.cognitiveservices.azure.com"


@dataclass(frozen=True)
class Exchange:
    method: str
    url: str
    request_headers: dict[str, Any]
    request_body: Any
    status: int
    response_headers: dict[str, Any]
    response_body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> list[tuple[str, str]]:
        return sorted(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))

    @property
    def is_translator_call(self) -> bool:
        return (urlsplit(self.url).hostname or "").endswith(TRANSLATOR_HOST_SUFFIX)

    def json(self) -> Any:
        return json.loads(self.response_body) if self.response_body else None

    def to_response(self, request: httpx.Request) -> httpx.Response:
        headers = [
            (name, item)
            for name, value in self.response_headers.items()
            if name.lower() not in _TRANSFER_HEADERS
            for item in (value if isinstance(value, list) else [value])
        ]
        return httpx.Response(self.status, headers=headers, content=self.response_body, request=request)


_TRANSFER_HEADERS = {"content-length", "transfer-encoding", "content-encoding"}


def _body_bytes(body: Any, headers: dict[str, str]) -> bytes:
    if body is None or body == "":
        return b""
    if isinstance(body, (dict, list)):
        return json.dumps(body).encode()
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if "json" in content_type:
        return str(body).encode()
    return base64.b64decode(body)  # test-proxy stores non-JSON bodies base64-encoded


def _from_test_proxy(data: dict[str, Any]) -> list[Exchange]:
    return [
        Exchange(
            method=entry["RequestMethod"],
            url=entry["RequestUri"],
            request_headers=entry.get("RequestHeaders") or {},
            request_body=entry.get("RequestBody"),
            status=int(entry["StatusCode"]),
            response_headers=entry.get("ResponseHeaders") or {},
            response_body=_body_bytes(entry.get("ResponseBody"), entry.get("ResponseHeaders") or {}),
        )
        for entry in data["Entries"]
    ]


def _from_vcr(data: dict[str, Any]) -> list[Exchange]:
    exchanges = []
    for item in data["interactions"]:
        request, response = item["request"], item["response"]
        headers = {k: ", ".join(v) for k, v in response["headers"].items()}
        exchanges.append(
            Exchange(
                method=request["method"],
                url=request["uri"],
                request_headers={k: ", ".join(v) for k, v in request["headers"].items()},
                request_body=request["body"],
                status=int(response["status"]["code"]),
                response_headers=headers,
                response_body=(response["body"]["string"] or "").encode(),
            )
        )
    return exchanges


def load(name: str) -> list[Exchange]:
    path = RECORDINGS / name
    if path.suffix == ".yaml":
        return _from_vcr(yaml.safe_load(path.read_text(encoding="utf-8")))
    return _from_test_proxy(json.loads(path.read_text(encoding="utf-8")))


def all_recording_names() -> list[str]:
    return sorted(p.name for p in RECORDINGS.iterdir() if p.suffix in (".json", ".yaml"))


def translator_exchanges(name: str) -> list[Exchange]:
    """Only the calls to the translator (blob-storage setup calls are the SDK test's own business)."""
    return [exchange for exchange in load(name) if exchange.is_translator_call]


@dataclass
class Replayer:
    """Serves recorded exchanges in order; `extra` answers requests past the end of the recording."""

    exchanges: list[Exchange]
    extra: Callable[[httpx.Request], httpx.Response] | None = None
    seen: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        index = len(self.seen)
        self.seen.append(request)
        if index >= len(self.exchanges):
            if self.extra is None:
                raise AssertionError(f"unexpected request past the recording: {request.method} {request.url}")
            return self.extra(request)
        expected = self.exchanges[index]
        actual_query = sorted(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        assert (request.method, request.url.path, actual_query) == (expected.method, expected.path, expected.query), (
            f"request {index}: sent {request.method} {request.url}, recording has {expected.method} {expected.url}"
        )
        return expected.to_response(request)

    @property
    def exhausted(self) -> bool:
        return len(self.seen) >= len(self.exchanges)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


def without_empty(value: Any) -> Any:
    """The SDK always sends `"filter": {}`; we leave empty objects out. Compare bodies modulo that."""
    if isinstance(value, dict):
        cleaned = {k: without_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in ({}, None)}
    if isinstance(value, list):
        return [without_empty(v) for v in value]
    return value


def request_json(request: httpx.Request) -> Any:
    return json.loads(request.content)
