"""A request as a value: what to send, and how to read a successful answer.

Every HTTP exchange of the core (translator, storage, Prefect events, the local service's storage access)
is a `Call`, so tests can inspect exactly what would be sent, and the one retry loop in `sending` serves
them all. Its repr never shows the URL's query, which may hold a SAS.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import httpx

T = TypeVar("T")


@dataclass(frozen=True)
class Call(Generic[T]):
    """One HTTP exchange: the request to build and the parser of a successful answer."""

    method: str
    url: str
    parse: Callable[[httpx.Response], T]
    params: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    content: bytes | None = None
    files: Sequence[tuple[str, tuple[str, bytes, str]]] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def description(self) -> str:
        return f"{self.method} {urlsplit(self.url).path}"

    def __repr__(self) -> str:
        return f"Call({self.description})"  # never the URL's query: it may hold a SAS

    def build(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        return http.build_request(
            self.method,
            self.url,
            params=dict(self.params) or None,
            json=self.json,
            content=self.content,
            files=list(self.files) if self.files is not None else None,
            headers=dict(self.headers) or None,
        )


def ignore_body(response: httpx.Response) -> None:
    """For calls whose success is all the caller needs to know."""
    return None


def body_bytes(response: httpx.Response) -> bytes:
    return response.content
