"""A real machine-translation engine for the local service: the Azure Translator text API (v3).

Glossary terms travel as dynamic-dictionary markup (`<mstrans:dictionary translation="...">term
</mstrans:dictionary>`), so the MT system keeps them exactly. Segments go in batches within the text
API's limits (1,000 elements and 50,000 characters per request); throttling and outages are retried
by the same code as every other call (`doctranslate.http.sending`).
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from typing import Final

import httpx
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from doctranslate.client.failures import error_from_response
from doctranslate.errors import ConfigurationError
from doctranslate.formats.glossaries import GlossaryTerms
from doctranslate.http.call import Call
from doctranslate.http.retry import RetryPolicy
from doctranslate.http.sending import send
from doctranslate.http.tls import shared_tls_context
from doctranslate.settings import check_endpoint

MAX_ELEMENTS: Final = 1000
MAX_CHARACTERS: Final = 50_000


class TextTranslatorSettings(BaseSettings):
    """`DOCTRANSLATE_MT_ENDPOINT`, `DOCTRANSLATE_MT_KEY`, `DOCTRANSLATE_MT_REGION`."""

    model_config = SettingsConfigDict(env_prefix="DOCTRANSLATE_MT_", env_file=".env", extra="ignore")

    endpoint: str = "https://api.cognitive.microsofttranslator.com"
    key: SecretStr | None = None
    region: str | None = Field(None, description="Needed for regional and multi-service resources.")


def marked(text: str, glossary: GlossaryTerms | None) -> str:
    """The segment with its glossary terms wrapped as dynamic-dictionary entries."""
    if glossary is None:
        return text
    return "".join(
        piece
        if term is None
        else f'<mstrans:dictionary translation="{html.escape(term)}">{html.escape(piece)}</mstrans:dictionary>'
        for piece, term in glossary.split(text)
    )


def batches(segments: Sequence[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for segment in segments:
        if batch and (len(batch) == MAX_ELEMENTS or size + len(segment) > MAX_CHARACTERS):
            yield batch
            batch, size = [], 0
        batch.append(segment)
        size += len(segment)
    if batch:
        yield batch


def _texts(response: httpx.Response) -> list[str]:
    return [str(item["translations"][0]["text"]) for item in response.json()]


class AzureTextEngine:
    name = "azure-text"

    def __init__(
        self, settings: TextTranslatorSettings | None = None, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        settings = settings or TextTranslatorSettings()
        if settings.key is None:
            raise ConfigurationError(
                "the azure-text engine needs a Translator key: set DOCTRANSLATE_MT_KEY (and DOCTRANSLATE_MT_REGION "
                "for a regional resource), or use --engine pseudo"
            )
        self._endpoint = check_endpoint(
            settings.endpoint, what="the Translator text endpoint", variable="DOCTRANSLATE_MT_ENDPOINT"
        )
        headers = {"Ocp-Apim-Subscription-Key": settings.key.get_secret_value()}
        if settings.region:
            headers["Ocp-Apim-Subscription-Region"] = settings.region
        self._http = httpx.Client(headers=headers, timeout=60, transport=transport, verify=shared_tls_context())
        self._retry = RetryPolicy()

    def translate(
        self,
        segments: Sequence[str],
        *,
        source_language: str | None,
        target_language: str,
        glossary: GlossaryTerms | None,
    ) -> list[str]:
        params = {"api-version": "3.0", "to": target_language, "textType": "plain"}
        if source_language:
            params["from"] = source_language
        translated: list[str] = []
        for batch in batches([marked(segment, glossary) for segment in segments]):
            call = Call("POST", f"{self._endpoint}/translate", _texts, params, json=[{"Text": t} for t in batch])
            texts: list[str] = send(self._http, call, self._retry, error_from_response)
            translated.extend(texts)
        return translated
