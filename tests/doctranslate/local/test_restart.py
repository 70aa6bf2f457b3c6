"""Killing the service mid-job and starting it again finishes the job: nothing lost, nothing written twice."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from pydantic import SecretStr

from doctranslate.client import ClientConfig, DocumentTranslationClient, RetryPolicy
from doctranslate.client.auth import KeyAuth
from doctranslate.local.jobs import WRITER_METADATA
from doctranslate.local.stack import ManagedProcess, free_port
from doctranslate.wire import BatchRequest, SourceInput, StartTranslationDetails, Status, TargetInput
from tests.doctranslate.local.conftest import start_service
from tests.support.storage import Storage

pytestmark = pytest.mark.e2e

DOCUMENTS = 12


def client_for(port: int, key: str) -> DocumentTranslationClient:
    return DocumentTranslationClient(
        ClientConfig(
            endpoint=f"http://127.0.0.1:{port}",
            auth=KeyAuth(SecretStr(key)),
            retry=RetryPolicy(max_attempts=40, backoff_seconds=0.05, backoff_max_seconds=0.25),
            poll_interval_seconds=0.1,
        )
    )


def test_sigkill_mid_job_then_restart_finishes_every_document_once(azurite: ManagedProcess, tmp_path: Path) -> None:
    storage = Storage(azurite.port)
    source, target = storage.new_container("src"), storage.new_container("ja")
    storage.upload(source, {f"part-{i:02}.txt": f"Section {i} of the manual.".encode() for i in range(DOCUMENTS)})
    port, key, state = free_port(), "restart-key", tmp_path / "state"
    slow = {"DOCTRANSLATE_FAULT_DOCUMENT_SECONDS": "0.4"}
    first = start_service(
        azurite.port, port=port, key=key, log=tmp_path / "first.log", state_dir=state, extra_env=slow, concurrency=2
    )
    details = StartTranslationDetails(
        inputs=[
            BatchRequest(
                source=SourceInput(source_url=storage.container_url(source, "rl")),
                targets=[TargetInput(target_url=storage.container_url(target, "wl"), language="ja")],
            )
        ]
    )

    with client_for(port, key) as client:
        poller = client.begin_translation(details)
        while poller.poll().summary.success < 3:
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)  # no chance to clean up
        written_before_restart = len(storage.names(target))

        second = start_service(azurite.port, port=port, key=key, log=tmp_path / "second.log", state_dir=state)
        try:
            final = poller.wait(timeout_seconds=60)
            documents = list(client.list_document_statuses(poller.id))
        finally:
            second.stop()

    assert 3 <= written_before_restart < DOCUMENTS
    assert final.status is Status.SUCCEEDED
    assert (final.summary.total, final.summary.success) == (DOCUMENTS, DOCUMENTS)
    assert storage.names(target) == sorted(f"part-{i:02}.txt" for i in range(DOCUMENTS))
    owners = {name: storage.metadata(target, name)[WRITER_METADATA] for name in storage.names(target)}
    assert sorted(owners.values()) == sorted(d.id for d in documents)  # each written by exactly its document
    assert final.summary.total_character_charged == sum(len(f"Section {i} of the manual.") for i in range(DOCUMENTS))
