"""The asyncio twin of `DocumentTranslationClient`, for the pipeline's concurrent polling and gathering.

Requests, parsing, retry decisions and the forward-only batch view are shared with the sync client;
only the waiting and sending differ.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any, Self, TypeVar

import httpx

from doctranslate.client.calls import TranslatedDocument
from doctranslate.client.config import ClientConfig
from doctranslate.client.failures import error_from_response
from doctranslate.client.outcome import WaitRule, raise_if_unusable
from doctranslate.client.progress import PollerState
from doctranslate.client.routes import ListQuery
from doctranslate.http.call import Call
from doctranslate.http.sending import send_async
from doctranslate.settings import Settings, load_settings
from doctranslate.wire.formats import FileFormat
from doctranslate.wire.requests import StartTranslationDetails
from doctranslate.wire.status import DocumentStatus, Page, TranslationStatus

logger = logging.getLogger("doctranslate.client")
T = TypeVar("T")
ItemT = TypeVar("ItemT", TranslationStatus, DocumentStatus)


class AsyncDocumentTranslationClient:
    """`async with AsyncDocumentTranslationClient.from_settings() as client: ...`"""

    def __init__(self, config: ClientConfig, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.config = config
        self._calls = config.calls()
        self._http = httpx.AsyncClient(transport=transport, **config.http_options())  # type: ignore[arg-type]

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> AsyncDocumentTranslationClient:
        return cls(ClientConfig.from_settings(settings or load_settings()), transport=transport)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def __repr__(self) -> str:
        return (
            f"AsyncDocumentTranslationClient(endpoint={self.config.endpoint!r}, api_version={self.config.api_version})"
        )

    async def begin_translation(self, details: StartTranslationDetails) -> AsyncTranslationPoller:
        started = await self._run(self._calls.start_translation(details))
        logger.info("submitted batch %s", started.id)
        return AsyncTranslationPoller(self, started.id)

    def resume_translation(self, batch_id: str) -> AsyncTranslationPoller:
        return AsyncTranslationPoller(self, batch_id)

    async def get_translation_status(self, batch_id: str) -> TranslationStatus:
        return await self._run(self._calls.get_translation(batch_id))

    async def cancel_translation(self, batch_id: str) -> TranslationStatus:
        return await self._run(self._calls.cancel_translation(batch_id))

    def list_translation_statuses(self, query: ListQuery | None = None) -> AsyncIterator[TranslationStatus]:
        return self._iterate(self._calls.list_translations(query or ListQuery()))

    def list_document_statuses(self, batch_id: str, query: ListQuery | None = None) -> AsyncIterator[DocumentStatus]:
        return self._iterate(self._calls.list_documents(batch_id, query or ListQuery()))

    async def get_document_status(self, batch_id: str, document_id: str) -> DocumentStatus:
        return await self._run(self._calls.get_document(batch_id, document_id))

    async def get_supported_document_formats(self) -> list[FileFormat]:
        return await self._run(self._calls.document_formats())

    async def get_supported_glossary_formats(self) -> list[FileFormat]:
        return await self._run(self._calls.glossary_formats())

    async def translate_document(
        self,
        document: tuple[str, bytes, str],
        target_language: str,
        *,
        glossaries: Sequence[tuple[str, bytes, str]] = (),
        **options: Any,
    ) -> TranslatedDocument:
        return await self._run(
            self._calls.translate_document(document, target_language, glossaries=glossaries, **options)
        )

    async def _iterate(self, call: Call[Page[ItemT]]) -> AsyncIterator[ItemT]:
        while True:
            page = await self._run(call)
            for item in page.value:
                yield item
            if not page.next_link:
                return
            call = self._calls.next_page(page.next_link, call)

    async def _run(self, call: Call[T]) -> T:
        return await send_async(self._http, call, self.config.retry, error_from_response)


class AsyncTranslationPoller(PollerState):
    """Async counterpart of `TranslationPoller`."""

    def __init__(self, client: AsyncDocumentTranslationClient, batch_id: str) -> None:
        super().__init__(batch_id)
        self._client = client

    async def poll(self) -> TranslationStatus:
        return self.view.observe(await self._client.get_translation_status(self.id))

    async def wait(
        self,
        *,
        timeout_seconds: float | None = None,
        on_update: Callable[[TranslationStatus], None] | None = None,
    ) -> TranslationStatus:
        rule = WaitRule(self.id, timeout_seconds)
        while True:
            status = await self.poll()
            if on_update is not None:
                on_update(status)
            if rule.finished(status):
                return status
            await asyncio.sleep(self._client.config.poll_interval_seconds)

    async def result(self, *, timeout_seconds: float | None = None) -> AsyncIterator[DocumentStatus]:
        if self.view.latest is not None and self.view.is_finished:
            raise_if_unusable(self.view.latest)
        else:
            await self.wait(timeout_seconds=timeout_seconds)
        async for document in self._client.list_document_statuses(self.id):
            yield document

    async def cancel(self) -> TranslationStatus:
        return self.view.observe(await self._client.cancel_translation(self.id))
