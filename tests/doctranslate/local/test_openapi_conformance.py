"""Schemathesis against the local service, driven by the official 2024-05-01 and v1.1 OpenAPI files:
no server errors and no response that violates the spec, whatever the (schema-valid or not) input."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from doctranslate.client import DocumentTranslationClient
from doctranslate.local.stack import ManagedProcess, free_port
from doctranslate.wire import BatchRequest, SourceInput, StartTranslationDetails, TargetInput
from tests.conftest import fast_config
from tests.doctranslate.local.conftest import start_service
from tests.support.recordings import FIXTURES
from tests.support.storage import Storage

pytestmark = pytest.mark.e2e

KEY = "schemathesis-key"
SPECS = FIXTURES / "openapi"
dated = schemathesis.openapi.from_path(SPECS / "2024-05-01" / "openapi.json")
v1_1 = schemathesis.openapi.from_path(SPECS / "v1.1" / "TranslatorBatch.json")
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@dataclass(frozen=True)
class Fuzzed:
    url: str
    batch_id: str
    document_id: str


@pytest.fixture(scope="module")
def fuzzed_service(azurite: ManagedProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    """A service holding one finished batch, so fuzzed reads also reach the success paths."""
    home: Path = tmp_path_factory.mktemp("fuzzed")
    service = start_service(azurite.port, port=free_port(), key=KEY, log=home / "log", state_dir=home / "s")
    storage = Storage(azurite.port)
    source, target = storage.new_container("src"), storage.new_container("out")
    storage.upload(source, {"a.txt": b"Fuzz me.", "b.txt": b"Me too."})
    config = fast_config(endpoint=f"http://127.0.0.1:{service.port}", key=KEY)
    details = StartTranslationDetails(
        inputs=[
            BatchRequest(
                source=SourceInput(source_url=storage.container_url(source, "rl")),
                targets=[TargetInput(target_url=storage.container_url(target, "wl"), language="fr")],
            )
        ]
    )
    with DocumentTranslationClient(config) as client:
        poller = client.begin_translation(details)
        document = next(iter(poller.result()))
    yield Fuzzed(f"http://127.0.0.1:{service.port}", poller.id, document.id)
    service.stop()


def _check(case: schemathesis.Case, service: Fuzzed, base_url: str) -> None:
    # The spec's security scheme makes schemathesis invent a key; use the real one. (A wrong key gets the
    # gateway's flat 401 `{"code":"401"}`, which the live service sends although the spec's enum lacks it.)
    case.headers = {**(case.headers or {}), "Ocp-Apim-Subscription-Key": KEY}
    if case.query is not None and "api-version" in case.query:
        case.query["api-version"] = "2024-05-01"  # the spec types it as any string; only real versions get past it
    parameters = case.path_parameters or {}
    if "id" in parameters and zlib.crc32(repr(sorted(case.query or {})).encode()) % 2 == 0:
        parameters["id"] = service.batch_id  # half the cases address the real batch (and document)
        if "documentId" in parameters:
            parameters["documentId"] = service.document_id
    case.call_and_validate(base_url=base_url, checks=[not_a_server_error, response_schema_conformance])


@dated.parametrize()
@FUZZ
def test_2024_05_01(case: schemathesis.Case, fuzzed_service: Fuzzed) -> None:
    _check(case, fuzzed_service, f"{fuzzed_service.url}/translator")


@v1_1.parametrize()
@FUZZ
def test_v1_1(case: schemathesis.Case, fuzzed_service: Fuzzed) -> None:
    _check(case, fuzzed_service, f"{fuzzed_service.url}/translator/text/batch/v1.1")
