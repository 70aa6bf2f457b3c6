"""Settings from env vars and `.env`, with one clear line per problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctranslate.errors import ConfigurationError
from doctranslate.settings import ApiVersion, load_settings

ENDPOINT = "https://contoso-docs.cognitiveservices.azure.com"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Settings read the process environment and `./.env`; isolate both."""
    import os

    for name in list(os.environ):
        if name.startswith(("DOCTRANSLATE_", "AZURE_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults_need_nothing() -> None:
    settings = load_settings()
    assert settings.api_version is ApiVersion.V2026_03_01
    assert settings.translator_endpoint is None
    assert settings.poll_interval_seconds == 5.0


def test_prefixed_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTRANSLATE_TRANSLATOR_ENDPOINT", ENDPOINT + "/")
    monkeypatch.setenv("DOCTRANSLATE_TRANSLATOR_KEY", "k-123")
    monkeypatch.setenv("DOCTRANSLATE_API_VERSION", "v1.1")
    monkeypatch.setenv("DOCTRANSLATE_RETRY_MAX_ATTEMPTS", "3")

    settings = load_settings()

    assert settings.translator_endpoint == ENDPOINT  # trailing slash removed
    assert settings.translator_key is not None and settings.translator_key.get_secret_value() == "k-123"
    assert settings.api_version is ApiVersion.V1_1
    assert settings.retry_max_attempts == 3


def test_standard_azure_names_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_DOCUMENT_TRANSLATION_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("AZURE_DOCUMENT_TRANSLATION_KEY", "k-azure")
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true")

    settings = load_settings()

    assert settings.translator_endpoint == ENDPOINT
    assert settings.storage_connection_string is not None


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"DOCTRANSLATE_TRANSLATOR_ENDPOINT={ENDPOINT}\nDOCTRANSLATE_POLL_INTERVAL_SECONDS=2\n"
    )

    settings = load_settings()

    assert settings.translator_endpoint == ENDPOINT
    assert settings.poll_interval_seconds == 2


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DOCTRANSLATE_POLL_INTERVAL_SECONDS", "0.1", "DOCTRANSLATE_POLL_INTERVAL_SECONDS: Input should be greater"),
        ("DOCTRANSLATE_API_VERSION", "2020-01-01", "DOCTRANSLATE_API_VERSION: Input should be '2026-03-01'"),
        ("DOCTRANSLATE_RETRY_MAX_ATTEMPTS", "many", "DOCTRANSLATE_RETRY_MAX_ATTEMPTS: Input should be a valid integer"),
        ("DOCTRANSLATE_TRANSLATOR_ENDPOINT", "http://contoso.example.com", "uses plain http on a non-loopback host"),
        ("DOCTRANSLATE_TRANSLATOR_ENDPOINT", "https://api.cognitive.microsofttranslator.com", "custom domain"),
        ("DOCTRANSLATE_TRANSLATOR_ENDPOINT", ENDPOINT + "/translator/text/batch/v1.1", "without the /translator"),
        ("DOCTRANSLATE_TRANSLATOR_ENDPOINT", "contoso", "must be an http(s) URL"),
        ("DOCTRANSLATE_STORAGE_ACCOUNT_URL", "http://acct.blob.core.windows.net", "plain http"),
        ("DOCTRANSLATE_SAS_LIFETIME_MINUTES", "1", "DOCTRANSLATE_SAS_LIFETIME_MINUTES: Input should be greater"),
    ],
)
def test_invalid_settings_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigurationError) as caught:
        load_settings()

    message = str(caught.value)
    assert expected in message
    assert variable in message
    assert "\n" not in message


def test_backoff_cap_below_base_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTRANSLATE_RETRY_BACKOFF_SECONDS", "10")
    monkeypatch.setenv("DOCTRANSLATE_RETRY_BACKOFF_MAX_SECONDS", "5")
    with pytest.raises(ConfigurationError, match="DOCTRANSLATE_RETRY_BACKOFF_MAX_SECONDS"):
        load_settings()


def test_loopback_http_is_allowed_for_the_local_stack() -> None:
    for url in ("http://127.0.0.1:5000", "http://localhost:5000", "http://[::1]:5000"):
        assert load_settings(translator_endpoint=url).translator_endpoint == url


def test_missing_endpoint_is_reported_when_needed() -> None:
    with pytest.raises(ConfigurationError, match="set DOCTRANSLATE_TRANSLATOR_ENDPOINT"):
        load_settings().require_translator_endpoint()
