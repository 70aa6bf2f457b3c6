"""What both clients share: endpoint, auth, API version, retry policy, timeouts."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from doctranslate.client.auth import auth_from_settings
from doctranslate.client.calls import Calls
from doctranslate.http.retry import RetryPolicy
from doctranslate.http.tls import shared_tls_context
from doctranslate.settings import ApiVersion, Settings, check_endpoint

USER_AGENT = "doctranslate/0.1 (+httpx)"


@dataclass(frozen=True)
class ClientConfig:
    endpoint: str
    auth: httpx.Auth | None = field(default=None, repr=False)
    api_version: ApiVersion = ApiVersion.V2026_03_01
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout_seconds: float = 30.0
    poll_interval_seconds: float = 5.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "endpoint", check_endpoint(self.endpoint, what="endpoint", variable="endpoint"))

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientConfig:
        return cls(
            endpoint=settings.require_translator_endpoint(),
            auth=auth_from_settings(settings),
            api_version=settings.api_version,
            retry=RetryPolicy.from_settings(settings),
            timeout_seconds=settings.request_timeout_seconds,
            poll_interval_seconds=settings.poll_interval_seconds,
        )

    def calls(self) -> Calls:
        return Calls(self.endpoint, self.api_version)

    def http_options(self) -> dict[str, object]:
        """Keyword arguments shared by `httpx.Client` and `httpx.AsyncClient`."""
        return {
            "auth": self.auth,
            "timeout": httpx.Timeout(self.timeout_seconds),
            "headers": {"User-Agent": USER_AGENT},
            "follow_redirects": False,
            "verify": shared_tls_context(),
        }
