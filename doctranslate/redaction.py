"""Keep SAS signatures and account keys out of every string we show a person.

A SAS URL is only a secret because of its `sig` parameter (and, for user-delegation SAS, the
`skoid`-family key identifiers, which are harmless but are masked too so a reader never has to
judge). Everything else in the query (`sp`, `se`, `sr`, `sv`) is what someone debugging a
permission error needs to see, so it is kept.

`SasUrl` carries a full SAS URL through pydantic models: its `str()`, `repr()` and default
serialization are redacted, and only an explicit `get_secret_value()` — or a dump with the
`reveal_secrets` context, which the REST client uses to build the wire body — gives the real value.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Final

from pydantic import GetCoreSchemaHandler, SerializationInfo
from pydantic_core import core_schema

MASK: Final = "REDACTED"

# Query parameters whose values are secret: key material in Azure Storage SAS tokens, and the keys and codes
# other clients put in a URL (the Translator's `subscription-key`, an Event Grid webhook's `code`, tokens).
_SECRET_QUERY_KEYS: Final = (
    "sig", "skoid", "sktid", "skv", "sks", "skt", "ske", "saoid", "suoid",
    "subscription-key", "ocp-apim-subscription-key", "code", "key", "api-key", "access_token", "token",
)  # fmt: skip

_QUERY_SECRET_RE: Final = re.compile(
    r"(?P<key>(?:[?&]|&amp;|\\u0026)(?:" + "|".join(_SECRET_QUERY_KEYS) + r")=)(?P<value>[^&\s\"'<>]+)",
    re.IGNORECASE,
)
# Connection strings: AccountKey=...; SharedAccessSignature=...
_CONN_SECRET_RE: Final = re.compile(r"(?P<key>(?:AccountKey|SharedAccessSignature)=)(?P<value>[^;\s\"']+)")
# Header-style leaks, e.g. a dumped request: "Ocp-Apim-Subscription-Key: abc" or "Authorization: Bearer x".
_HEADER_SECRET_RE: Final = re.compile(
    r"(?P<key>(?:Ocp-Apim-Subscription-Key|Authorization)[\"']?\s*[:=]\s*[\"']?(?:Bearer\s+)?)"
    r"(?P<value>[^\s\"',}]+)",
    re.IGNORECASE,
)


def redact_text(text: str) -> str:
    """Mask every SAS signature, account key and auth header value found anywhere in `text`."""
    for pattern in (_QUERY_SECRET_RE, _CONN_SECRET_RE, _HEADER_SECRET_RE):
        text = pattern.sub(lambda m: m.group("key") + MASK, text)
    return text


def strip_query(url: str) -> str:
    """The URL without any query string: how a blob or container is named in reports."""
    return url.split("?", 1)[0]


class SasUrl:
    """A URL that may carry a SAS token; shows itself redacted unless asked explicitly."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if isinstance(value, SasUrl):
            value = value.get_secret_value()
        self._value = str(value)

    def get_secret_value(self) -> str:
        """The full URL, SAS included: only for the wire, never for display."""
        return self._value

    @property
    def without_query(self) -> str:
        """The URL with no SAS at all, e.g. `https://acct.blob.core.windows.net/container/folder`."""
        return strip_query(self._value)

    @property
    def has_sas(self) -> bool:
        return "sig=" in self._value.lower()

    def __str__(self) -> str:
        return redact_text(self._value)

    def __repr__(self) -> str:
        return f"SasUrl({redact_text(self._value)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SasUrl) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        from_str = core_schema.no_info_after_validator_function(cls, core_schema.str_schema(min_length=1))
        return core_schema.json_or_python_schema(
            json_schema=from_str,
            python_schema=core_schema.union_schema([core_schema.is_instance_schema(cls), from_str]),
            serialization=core_schema.plain_serializer_function_ser_schema(
                _serialize_sas_url, info_arg=True, return_schema=core_schema.str_schema()
            ),
        )


def _serialize_sas_url(value: SasUrl, info: SerializationInfo) -> str:
    context = info.context if isinstance(info.context, dict) else {}
    return value.get_secret_value() if context.get("reveal_secrets") else str(value)


def enable_http_logging() -> None:
    """Every HTTP request at INFO, for debugging a run: ours (httpx: the translator, transfers) and the storage
    SDK's (listings, state blobs, leases); redaction still applies."""
    logging.getLogger("httpx").setLevel(logging.INFO)
    logging.getLogger("azure.core.pipeline.policies.http_logging_policy").setLevel(logging.INFO)


def install_log_redaction() -> None:
    """Make every log record in this process redacted at creation. Idempotent.

    A logger filter would only see records logged on that exact logger (not on `azure.core.*`
    children), and handlers belong to whoever configured logging (Prefect adds its own), so the
    one place every record passes through is the record factory.
    """
    current = logging.getLogRecordFactory()
    if getattr(current, "_doctranslate_redacting", False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        if isinstance(record.args, tuple):  # kept a tuple: formatters such as uvicorn's access log unpack it
            record.args = tuple(redact_text(a) if isinstance(a, str) else a for a in record.args)
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return record

    redacting_factory._doctranslate_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)


def log_to_console() -> None:
    """For the long-running commands (local service, relay, watcher): our INFO lines, everyone's warnings,
    all of them redacted."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("doctranslate").setLevel(logging.INFO)
    install_log_redaction()
