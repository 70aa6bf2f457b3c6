"""No key or SAS signature in any repr, log line or exception text — while they do reach the wire."""

from __future__ import annotations

import logging

import httpx
import pytest
from pydantic import SecretStr

from doctranslate.client import DocumentTranslationClient
from doctranslate.client.auth import KeyAuth
from doctranslate.errors import BatchFailedError, DocTranslateError, InvalidRequestError
from doctranslate.redaction import SasUrl, install_log_redaction, redact_text
from doctranslate.settings import load_settings
from doctranslate.wire import SourceInput, StartTranslationDetails, TargetInput
from doctranslate.wire.requests import BatchRequest
from tests.conftest import fast_config

KEY = "KEYSENTINEL0123456789"
SIG = "SIGSENTINEL%2Fabc%3D"
ACCOUNT_KEY = "ACCOUNTKEYSENTINEL=="
SOURCE = f"https://acct.blob.core.windows.net/src?sv=2025-11-05&sp=rl&sr=c&se=2026-11-23T00:00:00Z&sig={SIG}"
TARGET = f"https://acct.blob.core.windows.net/fr?sv=2025-11-05&sp=wl&sr=c&sig={SIG}"
BATCH = "5b1c0f4e-2a8d-4c1b-9d5e-6f7a8b9c0d1e"
SECRETS = (KEY, SIG, ACCOUNT_KEY, "SIGSENTINEL")


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def details() -> StartTranslationDetails:
    return StartTranslationDetails(
        inputs=[
            BatchRequest(source=SourceInput(source_url=SOURCE), targets=[TargetInput(target_url=TARGET, language="fr")])
        ]
    )


def test_redact_text_masks_every_spelling() -> None:
    texts = [
        SOURCE,
        f"see https://a.blob.core.windows.net/c/x.txt?sp=r&amp;sig={SIG} in the page",
        f'{{"targetUrl": "{TARGET}"}}',
        f"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={ACCOUNT_KEY};EndpointSuffix=core.windows.net",
        f"BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2025&sig={SIG}",
        f"Ocp-Apim-Subscription-Key: {KEY}",
        f"{{'Ocp-Apim-Subscription-Key': '{KEY}'}}",
        f"Authorization: Bearer {KEY}",
    ]
    for text in texts:
        redacted = redact_text(text)
        assert_clean(redacted)
        assert "REDACTED" in redacted
    assert "sp=rl" in redact_text(SOURCE) and "acct.blob.core.windows.net/src" in redact_text(SOURCE)


def test_reprs_and_default_dumps_are_redacted() -> None:
    settings = load_settings(
        translator_endpoint="https://x.cognitiveservices.azure.com",
        translator_key=KEY,
        storage_connection_string=f"AccountName=a;AccountKey={ACCOUNT_KEY}",
    )
    request = details()
    client = DocumentTranslationClient(fast_config(key=KEY))
    shown = [
        repr(settings),
        str(settings),
        settings.model_dump_json(),
        repr(request),
        str(request),
        request.model_dump_json(),
        str(request.model_dump()),
        repr(SasUrl(SOURCE)),
        str(SasUrl(SOURCE)),
        f"{SasUrl(SOURCE)}",
        repr(KeyAuth(SecretStr(KEY))),
        repr(client),
        repr(client.config),
    ]
    client.close()
    for text in shown:
        assert_clean(text)


def test_a_full_session_logs_and_raises_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    wire: list[httpx.Request] = []
    answers = iter(
        [
            httpx.Response(429, json={"error": {"code": "429", "message": "slow down"}}),
            httpx.Response(202, headers={"Operation-Location": f"https://x/translator/document/batches/{BATCH}"}),
            httpx.Response(
                200,
                json={
                    "id": BATCH,
                    "createdDateTimeUtc": "2026-11-22T10:00:00Z",
                    "lastActionDateTimeUtc": "2026-11-22T10:00:01Z",
                    "status": "ValidationFailed",
                    "summary": {},
                    "error": {
                        "code": "InvalidRequest",
                        "message": f"Cannot access {SOURCE}",
                        "target": "Operation",
                        "innerError": {"code": "InvalidDocumentAccessLevel", "message": f"Cannot read {SOURCE}"},
                    },
                },
            ),
            # A 400 whose body echoes the request, SAS included: the error text must not.
            httpx.Response(400, json={"error": {"code": "InvalidRequest", "message": f"bad targetUrl {TARGET}"}}),
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        wire.append(request)
        return next(answers)

    errors: list[DocTranslateError] = []
    with caplog.at_level(logging.DEBUG):
        with DocumentTranslationClient(fast_config(key=KEY), transport=httpx.MockTransport(handler)) as client:
            poller = client.begin_translation(details())
            with pytest.raises(BatchFailedError) as failed:
                poller.wait()
            errors.append(failed.value)
            with pytest.raises(InvalidRequestError) as invalid:
                client.begin_translation(details())
            errors.append(invalid.value)
        logging.getLogger("azure.core.pipeline.policies").info("Request URL: %s", SOURCE)
        logging.getLogger("doctranslate.test").error("failed", exc_info=invalid.value)

    # Positive control: the secrets really were sent, so the checks below could fail.
    assert wire[0].headers["Ocp-Apim-Subscription-Key"] == KEY
    assert SIG in wire[0].content.decode()
    assert "retrying" in caplog.text and "Request URL" in caplog.text
    assert_clean(caplog.text)
    for error in errors:
        assert_clean(str(error))
        assert_clean(repr(error))
        assert_clean(error.message)
