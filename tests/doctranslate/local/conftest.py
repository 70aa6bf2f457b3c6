"""A real local stack for these tests: Azurite (in memory, fresh per session) and the local service."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from azure.ai.translation.document import DocumentTranslationClient
from azure.core.credentials import AzureKeyCredential

from doctranslate.local.stack import ManagedProcess, free_port, start_local_service
from tests.support.storage import Storage


def start_service(storage_port: int, **options: Any) -> ManagedProcess:
    """The local service as tests run it: it may contact the test Azurite's blob port only, never the network."""
    return start_local_service(allowed_storage_hosts=(f"127.0.0.1:{storage_port}",), **options)


@dataclass
class LocalStack:
    azurite: ManagedProcess
    service: ManagedProcess
    key: str
    storage: Storage

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.service.port}"


@pytest.fixture(scope="session")
def stack(azurite: ManagedProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    home = tmp_path_factory.mktemp("service")
    key = secrets.token_hex(8)
    service = start_service(azurite.port, port=free_port(), key=key, log=home / "service.log", state_dir=home / "state")
    yield LocalStack(azurite, service, key, Storage(azurite.port))
    service.stop()


@pytest.fixture
def sdk2(stack: LocalStack) -> Iterator[DocumentTranslationClient]:
    """The official SDK 2.0.0 as a user makes it: its default api-version (2026-03-01)."""
    client = DocumentTranslationClient(stack.endpoint, AzureKeyCredential(stack.key), polling_interval=0.2)
    yield client
    client.close()


def service_log(stack: LocalStack) -> str:
    return Path(stack.service.log).read_text(errors="replace")
