"""How requests to the translator authenticate: a resource key, or an Entra ID token.

Both are `httpx.Auth` objects so the client stays unaware of which is used. The key lives in a
`SecretStr` and the token in memory only; neither appears in a repr.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncGenerator, Generator
from typing import Final

import httpx
from azure.core.credentials import AccessToken, TokenCredential
from pydantic import SecretStr

from doctranslate.errors import ConfigurationError
from doctranslate.settings import Settings

KEY_HEADER: Final = "Ocp-Apim-Subscription-Key"
COGNITIVE_SERVICES_SCOPE: Final = "https://cognitiveservices.azure.com/.default"
_REFRESH_MARGIN_SECONDS: Final = 300


class KeyAuth(httpx.Auth):
    """Sends the resource key in `Ocp-Apim-Subscription-Key`."""

    def __init__(self, key: SecretStr) -> None:
        if not key.get_secret_value():
            raise ConfigurationError("the translator key is empty; set DOCTRANSLATE_TRANSLATOR_KEY")
        self._key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[KEY_HEADER] = self._key.get_secret_value()
        yield request

    def __repr__(self) -> str:
        return "KeyAuth(key=SecretStr('**********'))"


class TokenAuth(httpx.Auth):
    """Sends `Authorization: Bearer <token>`, refreshing the token five minutes before it expires."""

    def __init__(self, credential: TokenCredential, scope: str = COGNITIVE_SERVICES_SCOPE) -> None:
        self._credential = credential
        self._scope = scope
        self._token: AccessToken | None = None
        self._lock = threading.Lock()

    def _current_token(self) -> str:
        with self._lock:
            if self._token is None or self._token.expires_on - time.time() < _REFRESH_MARGIN_SECONDS:
                self._token = self._credential.get_token(self._scope)
            return self._token.token

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._current_token()}"
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        # azure-identity's sync credentials block on I/O; keep the event loop free.
        token = await asyncio.to_thread(self._current_token)
        request.headers["Authorization"] = f"Bearer {token}"
        yield request

    def __repr__(self) -> str:
        return f"TokenAuth(credential={type(self._credential).__name__}, scope={self._scope!r})"


def auth_from_settings(settings: Settings) -> httpx.Auth:
    """A key when one is configured, otherwise Entra ID through `DefaultAzureCredential`."""
    if settings.translator_key is not None:
        return KeyAuth(settings.translator_key)
    from azure.identity import DefaultAzureCredential  # imported late: slow, and unused with keys

    return TokenAuth(DefaultAzureCredential())
