"""Configuration from environment variables and `.env`, prefix `DOCTRANSLATE_`.

The standard Azure names are accepted too (`AZURE_DOCUMENT_TRANSLATION_ENDPOINT`/`_KEY` as in the
SDK samples, `AZURE_STORAGE_CONNECTION_STRING` as in the az CLI), so an existing environment works
unchanged. Every problem is reported as one line naming the variable and what to put in it.
"""

from __future__ import annotations

import ipaddress
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

from dotenv import dotenv_values
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from doctranslate.errors import ConfigurationError
from doctranslate.pricing import CURRENCY_PATTERN, Pricing

ENV_PREFIX = "DOCTRANSLATE_"


class ApiVersion(StrEnum):
    """Route families we speak. 2026-03-01 is GA and the default (as in the official SDK 2.0.0); 2024-05-01 has
    the same routes without deployment names and image text; v1.x for older resources and tools."""

    V2026_03_01 = "2026-03-01"
    V2024_05_01 = "2024-05-01"
    V1_1 = "v1.1"
    V1_0 = "v1.0"


def _env(name: str, *azure_names: str) -> AliasChoices:
    return AliasChoices(ENV_PREFIX + name.upper(), *azure_names)


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_endpoint(url: str, *, what: str, variable: str) -> str:
    """Refuse endpoints that would leak keys (plain http off this machine) or cannot work."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{variable}: {what} must be an http(s) URL, got {url!r}")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ValueError(
            f"{variable}: {what} {url!r} uses plain http on a non-loopback host; keys and SAS tokens "
            "would cross the network unencrypted. Use https (http is allowed only for 127.0.0.1/localhost)."
        )
    return url.rstrip("/")


class Settings(BaseSettings):
    """Everything the core needs to reach the translator and storage, and how patient to be."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        frozen=True,
    )

    # --- translator ---------------------------------------------------------------------------
    translator_endpoint: str | None = Field(
        default=None,
        validation_alias=_env("translator_endpoint", "AZURE_DOCUMENT_TRANSLATION_ENDPOINT"),
        description="Custom-domain endpoint, https://<resource>.cognitiveservices.azure.com",
    )
    translator_key: SecretStr | None = Field(
        default=None,
        validation_alias=_env("translator_key", "AZURE_DOCUMENT_TRANSLATION_KEY"),
        description="Resource key; when absent, Entra ID via DefaultAzureCredential is used.",
    )
    api_version: ApiVersion = Field(default=ApiVersion.V2026_03_01, validation_alias=_env("api_version"))

    # --- storage ------------------------------------------------------------------------------
    storage_connection_string: SecretStr | None = Field(
        default=None,
        validation_alias=_env("storage_connection_string", "AZURE_STORAGE_CONNECTION_STRING"),
    )
    storage_account_url: str | None = Field(
        default=None,
        validation_alias=_env("storage_account_url", "AZURE_STORAGE_ACCOUNT_URL"),
        description="https://<account>.blob.core.windows.net, used with DefaultAzureCredential.",
    )

    translator_block: str | None = Field(
        default=None,
        validation_alias=_env("translator_block"),
        description="Name of a Prefect 'Document Translator Credentials' block to take endpoint and key from.",
    )
    storage_block: str | None = Field(
        default=None,
        validation_alias=_env("storage_block"),
        description="Name of a Prefect 'Azure Blob Storage Credentials' block (prefect-azure) to take storage from.",
    )

    source_container: str = Field(
        default="doctranslate-source", validation_alias=_env("source_container"), pattern=r"^[a-z0-9](-?[a-z0-9])+$"
    )
    target_container: str = Field(
        default="doctranslate-target", validation_alias=_env("target_container"), pattern=r"^[a-z0-9](-?[a-z0-9])+$"
    )

    # --- behaviour ----------------------------------------------------------------------------
    poll_interval_seconds: Annotated[float, Field(ge=1.0, le=600.0)] = Field(
        default=5.0, validation_alias=_env("poll_interval_seconds")
    )
    sas_lifetime_minutes: Annotated[int, Field(ge=5, le=7 * 24 * 60)] = Field(
        default=240, validation_alias=_env("sas_lifetime_minutes")
    )
    request_timeout_seconds: Annotated[float, Field(gt=0, le=600)] = Field(
        default=30.0, validation_alias=_env("request_timeout_seconds")
    )
    retry_max_attempts: Annotated[int, Field(ge=1, le=50)] = Field(
        default=8, validation_alias=_env("retry_max_attempts")
    )
    retry_backoff_seconds: Annotated[float, Field(ge=0, le=60)] = Field(
        default=1.0, validation_alias=_env("retry_backoff_seconds")
    )
    retry_backoff_max_seconds: Annotated[float, Field(ge=0, le=600)] = Field(
        default=60.0, validation_alias=_env("retry_backoff_max_seconds")
    )

    transfer_concurrency: Annotated[int, Field(ge=1, le=128)] = Field(
        default=16, validation_alias=_env("transfer_concurrency")
    )
    price_per_million_characters: Annotated[float, Field(ge=0)] = Field(
        default=15.0,
        validation_alias=_env("price_per_million_characters"),
        description="For estimates and reports, in DOCTRANSLATE_CURRENCY (Document Translation S1 list price, USD).",
    )
    price_per_image: Annotated[float, Field(ge=0)] = Field(
        default=0.0,
        validation_alias=_env("price_per_image"),
        description="Your price per image scanned when text in images is translated (priced per image, not per "
        "character); 0 leaves images out of estimates and budgets.",
    )
    currency: str = Field(
        default="USD",
        pattern=CURRENCY_PATTERN,
        validation_alias=_env("currency"),
        description="ISO 4217 code of the prices above (USD, EUR, …): shown beside every cost and budget.",
    )
    log_http: bool = Field(
        default=False,
        validation_alias=_env("log_http"),
        description="Log every HTTP request line (URLs redacted) for debugging.",
    )
    state_dir: Path = Field(
        default=Path(".doctranslate"),
        validation_alias=_env("state_dir"),
        description="Submission journal and Prefect cache records: what makes a re-run resume.",
    )

    @field_validator("translator_endpoint")
    @classmethod
    def _check_translator_endpoint(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = check_endpoint(value, what="the translator endpoint", variable=ENV_PREFIX + "TRANSLATOR_ENDPOINT")
        host = urlsplit(value).hostname or ""
        if host.endswith("microsofttranslator.com"):
            raise ValueError(
                f"{ENV_PREFIX}TRANSLATOR_ENDPOINT: {value!r} is the global Text Translation endpoint, which "
                "does not serve Document Translation; use your resource's custom domain "
                "https://<resource-name>.cognitiveservices.azure.com"
            )
        if "/translator" in urlsplit(value).path:
            raise ValueError(
                f"{ENV_PREFIX}TRANSLATOR_ENDPOINT: give the resource endpoint without the /translator/... "
                f"path, e.g. {value.split('/translator')[0]!r}"
            )
        return value

    @field_validator("storage_account_url")
    @classmethod
    def _check_storage_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return check_endpoint(value, what="the storage account URL", variable=ENV_PREFIX + "STORAGE_ACCOUNT_URL")

    @model_validator(mode="after")
    def _check_backoff(self) -> Self:
        if self.retry_backoff_max_seconds < self.retry_backoff_seconds:
            raise ValueError(
                f"{ENV_PREFIX}RETRY_BACKOFF_MAX_SECONDS ({self.retry_backoff_max_seconds}) must be at least "
                f"{ENV_PREFIX}RETRY_BACKOFF_SECONDS ({self.retry_backoff_seconds})"
            )
        return self

    @property
    def pricing(self) -> Pricing:
        return Pricing(
            per_million_characters=self.price_per_million_characters,
            per_image=self.price_per_image,
            currency=self.currency,
        )

    def require_translator_endpoint(self) -> str:
        if not self.translator_endpoint:
            raise ConfigurationError(
                f"no translator endpoint configured; set {ENV_PREFIX}TRANSLATOR_ENDPOINT "
                "(or AZURE_DOCUMENT_TRANSLATION_ENDPOINT) to https://<resource>.cognitiveservices.azure.com"
            )
        return self.translator_endpoint


def setting_sources(env_file: Path = Path(".env")) -> dict[str, str]:
    """Where each setting's value comes from: `environment (NAME)`, `.env (NAME)` or `default`, as
    pydantic-settings reads them (the environment first, then `.env`)."""
    in_file = {k: v for k, v in dotenv_values(env_file).items() if v is not None} if env_file.is_file() else {}
    sources: dict[str, str] = {}
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names = [str(n) for n in alias.choices] if isinstance(alias, AliasChoices) else [name.upper()]
        from_env = next((n for n in names if n in os.environ), None)
        from_file = next((n for n in names if n in in_file), None)
        if from_env:
            sources[name] = f"environment ({from_env})"
        elif from_file:
            sources[name] = f".env ({from_file})"
        else:
            sources[name] = "default"
    return sources


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment and `.env`; raise one clear `ConfigurationError` per problem set."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigurationError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    """Turn pydantic's report into lines like `DOCTRANSLATE_POLL_INTERVAL_SECONDS: must be >= 1`."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        location = ".".join(str(part) for part in error["loc"]).upper()
        variable = location if location.startswith(ENV_PREFIX) else ENV_PREFIX + location
        message = error["msg"].removeprefix("Value error, ")
        if location and not message.startswith(ENV_PREFIX):
            message = f"{variable}: {message}"
        lines.append(message)
    return "invalid settings: " + "; ".join(lines)
