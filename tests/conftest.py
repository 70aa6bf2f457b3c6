"""Shared fixtures. Test layout mirrors the package: tests/doctranslate/<module> tests doctranslate/<module>.

Sets of tests:
- everything:            scripts/test
- the core only:         scripts/test tests/doctranslate
- without the slow ones: scripts/test -m "not e2e"
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from pydantic import SecretStr

from doctranslate.client import AsyncDocumentTranslationClient, ClientConfig, DocumentTranslationClient, RetryPolicy
from doctranslate.client.auth import KeyAuth
from doctranslate.local.stack import ManagedProcess, free_port, start_azurite
from doctranslate.settings import ApiVersion
from tests.support.prefect_server import PrefectServer, running_prefect_server
from tests.support.recordings import ENDPOINT

TEST_KEY = "test-key-0123456789abcdef"

Handler = Callable[[httpx.Request], httpx.Response]


def fast_config(
    api_version: ApiVersion = ApiVersion.V2024_05_01,
    *,
    max_attempts: int = 5,
    endpoint: str = ENDPOINT,
    key: str = TEST_KEY,
) -> ClientConfig:
    """A client config that retries and polls without real waiting, so tests stay fast."""
    return ClientConfig(
        endpoint=endpoint,
        auth=KeyAuth(SecretStr(key)),
        api_version=api_version,
        retry=RetryPolicy(max_attempts=max_attempts, backoff_seconds=0.001, backoff_max_seconds=0.01),
        timeout_seconds=5,
        poll_interval_seconds=0,
    )


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ManagedProcess]:
    """One in-memory Azurite per test session (a long-lived one freezes in its GC; azurite-notes §7)."""
    logs = tmp_path_factory.mktemp("azurite")
    process = start_azurite(port=free_port(), log=logs / "azurite.log", data_dir=None)
    yield process
    process.stop()


@pytest.fixture
def sync_client() -> Iterator[Callable[..., DocumentTranslationClient]]:
    clients: list[DocumentTranslationClient] = []

    def make(
        handler: Handler, api_version: ApiVersion = ApiVersion.V2024_05_01, **kw: object
    ) -> DocumentTranslationClient:
        client = DocumentTranslationClient(
            fast_config(api_version, **kw),  # type: ignore[arg-type]
            transport=httpx.MockTransport(handler),
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def async_client() -> Callable[..., AsyncDocumentTranslationClient]:
    def make(
        handler: Handler, api_version: ApiVersion = ApiVersion.V2024_05_01, **kw: object
    ) -> AsyncDocumentTranslationClient:
        return AsyncDocumentTranslationClient(
            fast_config(api_version, **kw),  # type: ignore[arg-type]
            transport=httpx.MockTransport(handler),
        )

    return make


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    """A real `prefect server start` (not the test harness), shared by the session's runs."""
    with running_prefect_server(tmp_path_factory.mktemp("prefect")) as server:
        yield server
