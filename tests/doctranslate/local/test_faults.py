"""Our client against a local service having a bad day: throttling, 503 bursts, latency, stale reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from doctranslate.client import ClientConfig, DocumentTranslationClient, ListQuery, RetryPolicy
from doctranslate.client.auth import KeyAuth
from doctranslate.local.stack import ManagedProcess, free_port
from doctranslate.settings import ApiVersion
from doctranslate.wire import BatchRequest, SourceInput, StartTranslationDetails, Status, TargetInput
from tests.doctranslate.local.conftest import LocalStack, start_service
from tests.support.storage import Storage

pytestmark = pytest.mark.e2e


def details(storage: Storage, files: dict[str, bytes], languages: list[str]) -> StartTranslationDetails:
    source = storage.new_container("src")
    storage.upload(source, files)
    return StartTranslationDetails(
        inputs=[
            BatchRequest(
                source=SourceInput(source_url=storage.container_url(source, "rl")),
                targets=[
                    TargetInput(target_url=storage.container_url(storage.new_container(lang), "wl"), language=lang)
                    for lang in languages
                ],
            )
        ]
    )


def client(port: int, key: str, api_version: ApiVersion = ApiVersion.V2024_05_01) -> DocumentTranslationClient:
    return DocumentTranslationClient(
        ClientConfig(
            endpoint=f"http://127.0.0.1:{port}",
            auth=KeyAuth(SecretStr(key)),
            api_version=api_version,
            retry=RetryPolicy(max_attempts=30, backoff_seconds=0.01, backoff_max_seconds=0.05),
            poll_interval_seconds=0.05,
        )
    )


def test_a_run_completes_through_throttling_bursts_latency_and_stale_reads(
    azurite: ManagedProcess, tmp_path: Path
) -> None:
    faults = {
        "DOCTRANSLATE_FAULT_THROTTLE_RATIO": "0.3",
        "DOCTRANSLATE_FAULT_UNAVAILABLE_EVERY": "7",
        "DOCTRANSLATE_FAULT_UNAVAILABLE_BURST": "2",
        "DOCTRANSLATE_FAULT_LATENCY_SECONDS": "0.02",
        "DOCTRANSLATE_FAULT_STALE_SECONDS": "0.5",
        "DOCTRANSLATE_FAULT_SEED": "7",
    }
    service = start_service(
        azurite.port, port=free_port(), key="k", log=tmp_path / "log", state_dir=None, extra_env=faults
    )
    storage = Storage(azurite.port)
    files = {f"doc-{i}.txt": f"Paragraph {i}.".encode() for i in range(20)}
    try:
        with client(service.port, "k") as translator:
            poller = translator.begin_translation(details(storage, files, ["fr", "de"]))
            final = poller.wait(timeout_seconds=60)
            documents = list(translator.list_document_statuses(poller.id, ListQuery(page_size=7)))
            batches = [b.id for b in translator.list_translation_statuses()]
    finally:
        service.stop()

    assert final.status is Status.SUCCEEDED
    assert (final.summary.total, final.summary.success) == (40, 40)
    assert len(documents) == 40 and len({d.id for d in documents}) == 40  # every page, no duplicates
    assert batches == [poller.id]  # exactly one batch despite throttled submits


def test_injected_document_failures_are_reported_per_document(azurite: ManagedProcess, tmp_path: Path) -> None:
    env = {"DOCTRANSLATE_FAULT_FAIL_DOCUMENTS": "bad-*"}
    service = start_service(
        azurite.port, port=free_port(), key="k", log=tmp_path / "log", state_dir=None, extra_env=env
    )
    storage = Storage(azurite.port)
    try:
        with client(service.port, "k") as translator:
            poller = translator.begin_translation(details(storage, {"good.txt": b"Fine.", "bad-1.txt": b"No."}, ["es"]))
            final = poller.wait(timeout_seconds=30)
            failed = [d for d in poller.result() if d.status is Status.FAILED]
    finally:
        service.stop()

    assert final.status is Status.SUCCEEDED and final.summary.failed == 1  # Succeeded does not mean all done
    assert [d.source_path.rsplit("/", 1)[-1] for d in failed] == ["bad-1.txt"]
    assert failed[0].error is not None and failed[0].error.code == "InternalServerError"


@pytest.mark.parametrize("api_version", [ApiVersion.V1_1, ApiVersion.V1_0])
def test_v1_route_families_end_to_end(stack: LocalStack, api_version: ApiVersion) -> None:
    with client(stack.service.port, stack.key, api_version) as translator:
        poller = translator.begin_translation(details(stack.storage, {"a.txt": b"One.", "b.md": b"# Two"}, ["fr"]))
        final = poller.wait(timeout_seconds=30)
        listed = list(translator.list_translation_statuses(ListQuery(ids=[poller.id], page_size=1)))
        documents = list(translator.list_document_statuses(poller.id, ListQuery(page_size=1, order="asc")))
        formats = translator.get_supported_document_formats()

    assert final.status is Status.SUCCEEDED and final.summary.success == 2
    assert [b.id for b in listed] == [poller.id]
    assert len(documents) == 2 and all(d.path and ":443" not in d.path for d in documents)
    assert len(formats) == 21 and all(f.type is None for f in formats)
