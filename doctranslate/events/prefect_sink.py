"""Post events to a Prefect server over HTTP (`POST {PREFECT_API_URL}/events`), without importing Prefect.

The event relay and the container watcher run beside the Prefect server, not inside a flow, so they only
need its address (and its basic-auth string, or a Prefect Cloud key, when it has one). Posting is
retried like every other request here; the server drops event ids it has already seen.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import SecretStr

from doctranslate.errors import ConfigurationError, RemoteError
from doctranslate.http.call import Call, ignore_body
from doctranslate.http.retry import RetryPolicy
from doctranslate.http.sending import send
from doctranslate.http.tls import shared_tls_context


class PrefectEventSink:
    def __init__(
        self,
        api_url: str,
        *,
        auth_string: SecretStr | None = None,
        api_key: SecretStr | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        headers = {}
        if api_key is not None:
            headers["Authorization"] = f"Bearer {api_key.get_secret_value()}"
        elif auth_string is not None:
            encoded = base64.b64encode(auth_string.get_secret_value().encode()).decode()
            headers["Authorization"] = f"Basic {encoded}"
        self._http = httpx.Client(headers=headers, timeout=30, transport=transport, verify=shared_tls_context())
        self._retry = retry or RetryPolicy(max_attempts=5)

    @classmethod
    def from_environment(cls) -> PrefectEventSink:
        """Prefect's own variables: PREFECT_API_URL, and PREFECT_API_AUTH_STRING or PREFECT_API_KEY."""
        url = os.environ.get("PREFECT_API_URL", "")
        if not url:
            raise ConfigurationError(
                "PREFECT_API_URL is not set: point it at the Prefect server that runs the deployments, "
                "e.g. http://127.0.0.1:4200/api"
            )
        auth = os.environ.get("PREFECT_API_AUTH_STRING")
        key = os.environ.get("PREFECT_API_KEY")
        return cls(url, auth_string=SecretStr(auth) if auth else None, api_key=SecretStr(key) if key else None)

    def __repr__(self) -> str:
        return f"PrefectEventSink({self.api_url!r})"

    def emit(self, events: Sequence[dict[str, Any]]) -> None:
        if events:
            call = Call("POST", f"{self.api_url}/events", ignore_body, json=list(events))
            send(self._http, call, self._retry, _refused)

    def close(self) -> None:
        self._http.close()


def _refused(response: httpx.Response) -> RemoteError:
    return RemoteError(
        f"Prefect's events API at {response.request.url.host} answered HTTP {response.status_code}: "
        f"{response.text.strip()[:200] or response.reason_phrase}",
        status_code=response.status_code,
        hint="check PREFECT_API_URL and PREFECT_API_AUTH_STRING / PREFECT_API_KEY",
    )
