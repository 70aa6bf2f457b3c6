"""The azure-text engine against a stand-in of the Translator text API v3 (Azure itself is not reachable here).

The stand-in checks what the real API requires (headers, query, body limits) and answers in its shape.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest
from pydantic import SecretStr

from doctranslate.errors import ConfigurationError
from doctranslate.formats.glossaries import GlossaryTerms
from doctranslate.local.azure_text_engine import AzureTextEngine, TextTranslatorSettings, marked
from doctranslate.local.engines import engine_named

DICTIONARY = re.compile(r'<mstrans:dictionary translation="([^"]*)">[^<]*</mstrans:dictionary>')


class TextApi:
    """Upper-cases text, honours dynamic-dictionary markup, and throttles the first `throttle` calls."""

    def __init__(self, throttle: int = 0) -> None:
        self.requests: list[httpx.Request] = []
        self.throttle = throttle

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert request.url.path == "/translate" and request.url.params["api-version"] == "3.0"
        assert request.headers["Ocp-Apim-Subscription-Key"] == "mt-key"
        body = json.loads(request.content)
        assert len(body) <= 1000 and sum(len(item["Text"]) for item in body) <= 50_000
        if len(self.requests) <= self.throttle:
            return httpx.Response(429, json={"error": {"code": 429001, "message": "throttled"}})
        to = request.url.params["to"]
        return httpx.Response(
            200,
            json=[{"translations": [{"text": DICTIONARY.sub(r"\1", item["Text"]).upper(), "to": to}]} for item in body],
        )


def engine(api: TextApi) -> AzureTextEngine:
    settings = TextTranslatorSettings(endpoint="https://mt.example.com", key=SecretStr("mt-key"), region="westeurope")
    return AzureTextEngine(settings, transport=httpx.MockTransport(api))


def test_translates_with_glossary_terms_kept_exactly() -> None:
    api = TextApi()
    glossary = GlossaryTerms({"work pool": "Arbeitspool"})

    out = engine(api).translate(
        ["Start the work pool.", "Done."], source_language="en", target_language="de", glossary=glossary
    )

    assert out == ["START THE ARBEITSPOOL.", "DONE."]
    sent = json.loads(api.requests[0].content)
    assert sent[0]["Text"] == 'Start the <mstrans:dictionary translation="Arbeitspool">work pool</mstrans:dictionary>.'
    assert api.requests[0].headers["Ocp-Apim-Subscription-Region"] == "westeurope"
    assert dict(api.requests[0].url.params) == {"api-version": "3.0", "to": "de", "textType": "plain", "from": "en"}


def test_large_documents_are_split_within_the_api_limits_and_kept_in_order() -> None:
    api = TextApi()
    segments = [f"Line {i}" for i in range(2500)] + ["x" * 30_000, "y" * 30_000]

    out = engine(api).translate(segments, source_language=None, target_language="fr", glossary=None)

    assert out == [s.upper() for s in segments]
    assert len(api.requests) == 4  # 1000, 1000, 500 + the first long one, then the second (50k chars max)


def test_throttling_is_retried() -> None:
    api = TextApi(throttle=2)
    assert engine(api).translate(["Hi"], source_language=None, target_language="it", glossary=None) == ["HI"]
    assert len(api.requests) == 3


def test_markup_escapes_quotes_in_terms() -> None:
    assert marked('a "b"', GlossaryTerms({'"b"': "<c>"})) == (
        'a <mstrans:dictionary translation="&lt;c&gt;">&quot;b&quot;</mstrans:dictionary>'
    )


def test_missing_key_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCTRANSLATE_MT_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="DOCTRANSLATE_MT_KEY"):
        engine_named("azure-text")
    with pytest.raises(ConfigurationError, match="choose one of: pseudo, azure-text"):
        engine_named("argos")
