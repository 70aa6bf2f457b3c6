"""The local service under hostile requests: a clear 4xx every time, bounded memory, and it stays up."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from doctranslate.local.app import MAX_BODY_BYTES
from doctranslate.local.sync_route import MAX_SYNC_DOCUMENT_BYTES
from tests.doctranslate.local.conftest import LocalStack

pytestmark = pytest.mark.e2e

BATCHES = "/translator/document/batches?api-version=2024-05-01"
SYNC = "/translator/document:translate?api-version=2024-05-01&targetLanguage=fr"


def resident_megabytes(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def endless(total: int, chunk: int = 1024 * 1024) -> Iterator[bytes]:
    """A body sent chunked, with no Content-Length to refuse it by."""
    block = b"x" * chunk
    for _ in range(total // chunk):
        yield block


@pytest.fixture
def client(stack: LocalStack) -> Iterator[httpx.Client]:
    headers = {"Ocp-Apim-Subscription-Key": stack.key}
    with httpx.Client(base_url=stack.endpoint, headers=headers, timeout=60) as http:
        yield http
    # Whatever was sent, the service still answers.
    assert httpx.get(f"{stack.endpoint}/translator/document/formats?api-version=2024-05-01", headers=headers).is_success


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "Invalid JSON"),
        (b"\xff\xfe\x00garbage", "Invalid JSON"),
        (b"[]", "body: Input should be an object"),
        (b'{"inputs": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "recursion limit exceeded"),
        (b'{"inputs": [{"source": {"sourceUrl": 5}, "targets": []}]}', "sourceUrl"),
    ],
    ids=["malformed", "not-utf8", "wrong-shape", "nested-100k-deep", "wrong-type"],
)
def test_bad_bodies_get_a_400_naming_the_problem(client: httpx.Client, body: bytes, expected: str) -> None:
    response = client.post(BATCHES, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "InvalidRequest"
    assert expected in response.json()["error"]["message"]


def test_an_oversized_declared_body_is_refused_before_it_is_read(stack: LocalStack) -> None:
    """Only the headers are sent: the answer must come without waiting for a body that never arrives."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.service.port, timeout=10)
    connection.putrequest("POST", BATCHES)
    for name, value in (
        ("Ocp-Apim-Subscription-Key", stack.key),
        ("Content-Type", "application/json"),
        ("Content-Length", str(MAX_BODY_BYTES + 1)),
    ):
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["error"]["innerError"]["code"] == "RequestTooLarge"
    connection.close()


def test_an_endless_chunked_body_is_cut_off_without_filling_memory(client: httpx.Client, stack: LocalStack) -> None:
    before = resident_megabytes(stack.service.pid)
    try:
        response = client.post(BATCHES, content=endless(256 * 1024 * 1024))
    except httpx.TransportError:  # the service may close the connection while we are still sending
        response = None
    grown = resident_megabytes(stack.service.pid) - before
    if response is not None:
        assert response.status_code == 413
    assert grown < 3 * MAX_BODY_BYTES / 1024 / 1024, f"the service grew by {grown:.0f} MB"


def test_an_oversized_synchronous_document_is_refused_without_filling_memory(
    client: httpx.Client, stack: LocalStack
) -> None:
    before = resident_megabytes(stack.service.pid)
    big = b"word " * ((MAX_SYNC_DOCUMENT_BYTES + 1024 * 1024) // 5)
    response = client.post(SYNC, files={"document": ("big.txt", big, "text/plain")})
    grown = resident_megabytes(stack.service.pid) - before
    assert response.status_code == 413
    assert str(MAX_SYNC_DOCUMENT_BYTES) in response.json()["error"]["message"]
    assert grown < MAX_SYNC_DOCUMENT_BYTES / 1024 / 1024, f"the service grew by {grown:.0f} MB"
