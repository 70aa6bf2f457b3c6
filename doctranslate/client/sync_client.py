"""The blocking client, shaped like the official SDK (`begin_translation` returns a poller,
`list_*` iterate through every page by themselves)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Self, TypeVar

import httpx

from doctranslate.client.calls import TranslatedDocument
from doctranslate.client.config import ClientConfig
from doctranslate.client.failures import error_from_response
from doctranslate.client.outcome import WaitRule, raise_if_unusable
from doctranslate.client.progress import PollerState
from doctranslate.client.routes import ListQuery
from doctranslate.http.call import Call
from doctranslate.http.sending import send
from doctranslate.settings import Settings, load_settings
from doctranslate.wire.formats import FileFormat
from doctranslate.wire.requests import StartTranslationDetails
from doctranslate.wire.status import DocumentStatus, Page, TranslationStatus

logger = logging.getLogger("doctranslate.client")
T = TypeVar("T")
ItemT = TypeVar("ItemT", TranslationStatus, DocumentStatus)


class DocumentTranslationClient:
    """Talks to Azure AI Document Translation (or the local service) over HTTP.

    `transport` is the test seam: pass an `httpx.MockTransport` to replay recorded exchanges.

    >>> with DocumentTranslationClient.from_settings() as client:  # doctest: +SKIP
    ...     poller = client.begin_translation(details)
    ...     for document in poller.result():
    ...         print(document.source_path, document.status)
    """

    def __init__(self, config: ClientConfig, *, transport: httpx.BaseTransport | None = None) -> None:
        self.config = config
        self._calls = config.calls()
        self._http = httpx.Client(transport=transport, **config.http_options())  # type: ignore[arg-type]

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, *, transport: httpx.BaseTransport | None = None
    ) -> DocumentTranslationClient:
        return cls(ClientConfig.from_settings(settings or load_settings()), transport=transport)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def __repr__(self) -> str:
        return f"DocumentTranslationClient(endpoint={self.config.endpoint!r}, api_version={self.config.api_version})"

    # -- operations ---------------------------------------------------------------------------

    def begin_translation(self, details: StartTranslationDetails) -> TranslationPoller:
        started = self._run(self._calls.start_translation(details))
        logger.info("submitted batch %s", started.id)
        return TranslationPoller(self, started.id)

    def resume_translation(self, batch_id: str) -> TranslationPoller:
        """A poller for a batch submitted earlier (e.g. by a run that crashed)."""
        return TranslationPoller(self, batch_id)

    def get_translation_status(self, batch_id: str) -> TranslationStatus:
        return self._run(self._calls.get_translation(batch_id))

    def cancel_translation(self, batch_id: str) -> TranslationStatus:
        return self._run(self._calls.cancel_translation(batch_id))

    def list_translation_statuses(self, query: ListQuery | None = None) -> Iterator[TranslationStatus]:
        return self._iterate(self._calls.list_translations(query or ListQuery()))

    def list_document_statuses(self, batch_id: str, query: ListQuery | None = None) -> Iterator[DocumentStatus]:
        return self._iterate(self._calls.list_documents(batch_id, query or ListQuery()))

    def get_document_status(self, batch_id: str, document_id: str) -> DocumentStatus:
        return self._run(self._calls.get_document(batch_id, document_id))

    def get_supported_document_formats(self) -> list[FileFormat]:
        return self._run(self._calls.document_formats())

    def get_supported_glossary_formats(self) -> list[FileFormat]:
        return self._run(self._calls.glossary_formats())

    def translate_document(
        self,
        document: tuple[str, bytes, str],
        target_language: str,
        *,
        glossaries: Sequence[tuple[str, bytes, str]] = (),
        **options: Any,
    ) -> TranslatedDocument:
        """Translate one small document synchronously: `document` is (file name, bytes, content type)."""
        return self._run(self._calls.translate_document(document, target_language, glossaries=glossaries, **options))

    # -- plumbing -----------------------------------------------------------------------------

    def _iterate(self, call: Call[Page[ItemT]]) -> Iterator[ItemT]:
        while True:
            page = self._run(call)
            yield from page.value
            if not page.next_link:
                return
            call = self._calls.next_page(page.next_link, call)

    def _run(self, call: Call[T]) -> T:
        return send(self._http, call, self.config.retry, error_from_response)


class TranslationPoller(PollerState):
    """Follows one batch to the end; its view of the status never goes backwards."""

    def __init__(self, client: DocumentTranslationClient, batch_id: str) -> None:
        super().__init__(batch_id)
        self._client = client

    def poll(self) -> TranslationStatus:
        """One status request, merged into the view."""
        return self.view.observe(self._client.get_translation_status(self.id))

    def wait(
        self,
        *,
        timeout_seconds: float | None = None,
        on_update: Callable[[TranslationStatus], None] | None = None,
    ) -> TranslationStatus:
        """Poll every `poll_interval_seconds` until the batch is terminal; raise on `ValidationFailed`."""
        rule = WaitRule(self.id, timeout_seconds)
        while True:
            status = self.poll()
            if on_update is not None:
                on_update(status)
            if rule.finished(status):
                return status
            time.sleep(self._client.config.poll_interval_seconds)

    def result(self, *, timeout_seconds: float | None = None) -> Iterator[DocumentStatus]:
        """Wait for the batch (unless already seen finished), then iterate over every document status."""
        if self.view.latest is not None and self.view.is_finished:
            raise_if_unusable(self.view.latest)
        else:
            self.wait(timeout_seconds=timeout_seconds)
        return self._client.list_document_statuses(self.id)

    def cancel(self) -> TranslationStatus:
        return self.view.observe(self._client.cancel_translation(self.id))
