"""Sans-I/O descriptions of every operation: what to send, and how to read the answer.

Both clients (sync and async) only move bytes; building requests, checking API-version rules, and
parsing answers happen here once. A `Call` is a value, so tests can inspect exactly what would be sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

import httpx

from doctranslate.client.routes import ListQuery, RouteFamily, routes_for
from doctranslate.errors import BadInputError, ServiceError
from doctranslate.http.call import Call
from doctranslate.settings import ApiVersion
from doctranslate.wire.formats import FileFormat, SupportedFileFormats
from doctranslate.wire.requests import StartTranslationDetails
from doctranslate.wire.status import (
    DocumentStatus,
    DocumentStatusPage,
    StartedBatch,
    TranslationStatus,
    TranslationStatusPage,
)

T = TypeVar("T")

_BATCH_ID_RE = re.compile(
    r"/batches/(?P<id>[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})"
)


@dataclass(frozen=True)
class TranslatedDocument:
    """The answer of the synchronous endpoint: the translated bytes and what they cost."""

    content: bytes
    characters_charged: int | None
    content_type: str | None


def batch_id_from_operation_location(location: str) -> str:
    """The batch id is the path segment after `/batches/` (api-facts §3.1)."""
    match = _BATCH_ID_RE.search(location)
    if match is None:
        raise ServiceError(f"the service returned an Operation-Location without a batch id: {location!r}")
    return match.group("id").lower()


def _parse_started(response: httpx.Response) -> StartedBatch:
    location = response.headers.get("operation-location")
    if location:
        batch_id = batch_id_from_operation_location(location)
    else:
        # Not seen live, but a 2024-05-01 body carries the id too; accept it rather than lose the batch.
        body = response.json() if response.content else {}
        if not isinstance(body, dict) or "id" not in body:
            raise ServiceError("the service accepted the batch (202) but returned neither Operation-Location nor id")
        batch_id, location = str(body["id"]), ""
    return StartedBatch(id=batch_id, operation_location=location)


def _parse_formats(response: httpx.Response) -> list[FileFormat]:
    return SupportedFileFormats.model_validate_json(response.content).value


def _parse_translated(response: httpx.Response) -> TranslatedDocument:
    metered = response.headers.get("x-metered-usage")
    return TranslatedDocument(
        content=response.content,
        characters_charged=int(metered) if metered and metered.isdigit() else None,
        content_type=response.headers.get("content-type"),
    )


class Calls:
    """Builds the `Call` for each operation against one endpoint and API version."""

    def __init__(self, endpoint: str, api_version: ApiVersion) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.routes: RouteFamily = routes_for(api_version)

    def _url(self, path: str) -> str:
        return self.endpoint + path

    def _params(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        return {**(extra or {}), **self.routes.version_query}

    def start_translation(self, details: StartTranslationDetails) -> Call[StartedBatch]:
        self._check_version_rules(details)
        return Call("POST", self._url(self.routes.batches_path), _parse_started, self._params(), details.to_wire())

    def get_translation(self, batch_id: str) -> Call[TranslationStatus]:
        return Call(
            "GET",
            self._url(self.routes.batch_path(batch_id)),
            lambda r: TranslationStatus.model_validate_json(r.content),
            self._params(),
        )

    def cancel_translation(self, batch_id: str) -> Call[TranslationStatus]:
        return Call(
            "DELETE",
            self._url(self.routes.batch_path(batch_id)),
            lambda r: TranslationStatus.model_validate_json(r.content),
            self._params(),
        )

    def list_translations(self, query: ListQuery) -> Call[TranslationStatusPage]:
        return Call(
            "GET",
            self._url(self.routes.batches_path),
            lambda r: TranslationStatusPage.model_validate_json(r.content),
            self._params(query.to_params(self.routes)),
        )

    def list_documents(self, batch_id: str, query: ListQuery) -> Call[DocumentStatusPage]:
        return Call(
            "GET",
            self._url(self.routes.documents_path(batch_id)),
            lambda r: DocumentStatusPage.model_validate_json(r.content),
            self._params(query.to_params(self.routes)),
        )

    def get_document(self, batch_id: str, document_id: str) -> Call[DocumentStatus]:
        return Call(
            "GET",
            self._url(self.routes.document_path(batch_id, document_id)),
            lambda r: DocumentStatus.model_validate_json(r.content),
            self._params(),
        )

    def next_page(self, link: str, previous: Call[T]) -> Call[T]:
        """Follow a page's `@nextLink` as given (it already carries every query parameter).

        The link must point at our endpoint: following it elsewhere would send our key to that host.
        """
        ours, theirs = urlsplit(self.endpoint), urlsplit(link)
        if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
            raise ServiceError(
                f"refusing to follow a page link to {theirs.scheme}://{theirs.netloc}, which is not the "
                f"configured endpoint {ours.scheme}://{ours.netloc}",
                hint="the listing stopped early; check the endpoint setting or any proxy rewriting links",
            )
        return Call("GET", link, previous.parse)

    def document_formats(self) -> Call[list[FileFormat]]:
        return Call(
            "GET",
            self._url(self.routes.document_formats_path),
            _parse_formats,
            self._params(self.routes.document_formats_query),
        )

    def glossary_formats(self) -> Call[list[FileFormat]]:
        return Call(
            "GET",
            self._url(self.routes.glossary_formats_path),
            _parse_formats,
            self._params(self.routes.glossary_formats_query),
        )

    def translate_document(
        self,
        document: tuple[str, bytes, str],
        target_language: str,
        *,
        source_language: str | None = None,
        category: str | None = None,
        deployment_name: str | None = None,
        allow_fallback: bool | None = None,
        glossaries: Sequence[tuple[str, bytes, str]] = (),
    ) -> Call[TranslatedDocument]:
        """The synchronous single-document endpoint (2024-05-01 and later only)."""
        if self.routes.sync_translate_path is None:
            raise BadInputError(
                f"synchronous document translation does not exist in API {self.routes.api_version.value}",
                hint=f"set DOCTRANSLATE_API_VERSION={ApiVersion.V2026_03_01.value}",
            )
        if deployment_name and self.routes.api_version is not ApiVersion.V2026_03_01:
            raise _only_in("deploymentName", ApiVersion.V2026_03_01, self.routes.api_version)
        extra = {"targetLanguage": target_language}
        if source_language:
            extra["sourceLanguage"] = source_language
        if category:
            extra["category"] = category
        if deployment_name:
            extra["deploymentName"] = deployment_name
        if allow_fallback is not None:
            extra["allowFallback"] = str(allow_fallback).lower()
        files = [("document", document), *(("glossary", glossary) for glossary in glossaries)]
        return Call(
            "POST",
            self._url(self.routes.sync_translate_path),
            _parse_translated,
            self._params(extra),
            files=files,
            headers={"Accept": "application/octet-stream"},
        )

    def _check_version_rules(self, details: StartTranslationDetails) -> None:
        """Refuse, before sending, a field the chosen API version does not have (the service would ignore it)."""
        version = self.routes.api_version
        if version is not ApiVersion.V2026_03_01:
            if details.options is not None and details.options.translate_text_within_image is not None:
                raise _only_in("options.translateTextWithinImage", ApiVersion.V2026_03_01, version)
            for index, batch in enumerate(details.inputs):
                for target in batch.targets:
                    if target.deployment_name is not None:
                        field = f"inputs[{index}].targets[{target.language}].deploymentName"
                        raise _only_in(field, ApiVersion.V2026_03_01, version)
        if version is ApiVersion.V1_1:
            return
        for index, batch in enumerate(details.inputs):
            for target in batch.targets:
                if target.options is not None and target.options.pdf_output_additional_format is not None:
                    field = f"inputs[{index}].targets[{target.language}].options.pdfOutputAdditionalFormat"
                    raise _only_in(field, ApiVersion.V1_1, version)


def _only_in(field: str, wanted: ApiVersion, chosen: ApiVersion) -> BadInputError:
    return BadInputError(
        f"{field} exists only in API {wanted.value}, not {chosen.value}",
        hint=f"set DOCTRANSLATE_API_VERSION={wanted.value} or drop the option",
    )
