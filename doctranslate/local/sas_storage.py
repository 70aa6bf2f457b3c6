"""Blob storage reached only through a SAS URL, exactly as the real service reaches it.

The local service never holds an account key: it lists, reads and writes with the SAS the client put
in the request, so missing permissions fail here as they fail on Azure (403 from Azurite).
Works for Azure (`https://acct.blob.core.windows.net/container`) and path-style emulator URLs
(`http://127.0.0.1:10000/devstoreaccount1/container`).
"""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, TypeVar
from urllib.parse import quote, unquote, urlsplit

import defusedxml.ElementTree as SafeElementTree
import httpx

from doctranslate.blobs import BlobInfo, quote_blob
from doctranslate.client.calls import Call
from doctranslate.client.retry import RetryPolicy
from doctranslate.client.sending import send_async
from doctranslate.errors import RetryExhaustedError, ServiceError

T = TypeVar("T")

STORAGE_API_VERSION: Final = "2025-11-05"  # accepted by Azurite 3.35 and by Azure


class StorageAccessError(ServiceError):
    """Storage refused or failed a request (403: the SAS does not allow it; 0: unreachable)."""

    def __init__(self, status: int, code: str | None, action: str) -> None:
        super().__init__(f"{action} failed with HTTP {status} {code or ''}".strip(), status_code=status, code=code)

    @property
    def status(self) -> int:
        return self.status_code or 0


class BlobExistsError(StorageAccessError):
    """A create-only write found the blob already there."""


# While translating: ride out a storage restart or a short outage (about 15 s) before failing a document.
PATIENT: Final = RetryPolicy(max_attempts=6, backoff_seconds=0.5, backoff_max_seconds=8.0)
# While validating a new batch: the real service reports an unreachable location within about a second.
BRIEF: Final = RetryPolicy(max_attempts=2, backoff_seconds=0.25, backoff_max_seconds=0.5)


def _refusal(action: str) -> Callable[[httpx.Response], ServiceError]:
    def error(response: httpx.Response) -> ServiceError:
        kind = BlobExistsError if response.status_code in (409, 412) else StorageAccessError
        return kind(response.status_code, response.headers.get("x-ms-error-code"), action)

    return error


def _is_path_style(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class SasLocation:
    """A container (and optionally a blob in it) plus the SAS query that grants access."""

    container_url: str
    blob_name: str | None
    sas: str

    @classmethod
    def parse(cls, url: str, *, is_blob: bool) -> SasLocation:
        parts = urlsplit(url)
        segments = [s for s in parts.path.split("/") if s]
        keep = 2 if _is_path_style(parts.hostname or "") else 1  # emulator URLs carry the account in the path
        if len(segments) < keep:
            raise ValueError("the URL names no container")
        container_path = "/".join(segments[:keep])
        rest = "/".join(unquote(s) for s in segments[keep:])
        if is_blob and not rest:
            raise ValueError("the URL names no blob")
        base = f"{parts.scheme}://{parts.netloc}/{container_path}"
        return cls(base, rest or None, parts.query)

    @property
    def folder_prefix(self) -> str:
        """For a folder-style URL that points inside a container (`.../container/folder`), the folder."""
        return f"{self.blob_name.rstrip('/')}/" if self.blob_name else ""

    def blob_url(self, name: str, *, with_sas: bool) -> str:
        url = f"{self.container_url}/{quote_blob(name)}"
        return f"{url}?{self.sas}" if with_sas and self.sas else url


DEFAULT_ALLOWED_HOSTS: Final = ("127.0.0.1", "localhost", "::1", "*.blob.core.windows.net")


def host_allowed(url: str, allowed: tuple[str, ...]) -> bool:
    """Whether the service may contact this URL's host at all (patterns like `*.blob.core.windows.net`)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(fnmatch.fnmatchcase(host, pattern.lower()) for pattern in allowed)


class SasContainer:
    """List, read and create blobs in one container with one SAS.

    Only hosts in `allowed_hosts` are ever contacted: URLs come from whoever calls the service, and it
    must not become a proxy into networks its callers cannot reach.
    """

    def __init__(
        self,
        location: SasLocation,
        http: httpx.AsyncClient,
        allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS,
        retry: RetryPolicy = PATIENT,
    ) -> None:
        if not host_allowed(location.container_url, allowed_hosts):
            raise StorageAccessError(403, "HostNotAllowed", f"contacting {urlsplit(location.container_url).hostname}")
        self.location = location
        self._http = http
        self._retry = retry

    async def _send(self, call: Call[T], action: str) -> T:
        try:
            return await send_async(self._http, call, self._retry, _refusal(action))
        except RetryExhaustedError as exc:
            raise StorageAccessError(exc.status_code or 0, exc.code or "Unreachable", action) from None

    def _query(self, extra: dict[str, str]) -> str:
        own = "&".join(f"{k}={quote(v, safe='')}" for k, v in extra.items())
        return "&".join(part for part in (own, self.location.sas) if part)

    async def list_blobs(self, prefix: str = "", *, metadata: bool = False) -> list[BlobInfo]:
        items: list[BlobInfo] = []
        marker = ""
        while True:
            params = {"restype": "container", "comp": "list", "maxresults": "5000"}
            if prefix:
                params["prefix"] = prefix
            if marker:
                params["marker"] = marker
            if metadata:
                params["include"] = "metadata"
            url = f"{self.location.container_url}?{self._query(params)}"
            root = await self._send(Call("GET", url, _xml, headers=_VERSION), "listing the container")
            for blob in root.iter("Blob"):
                properties = blob.find("Properties")
                length = properties.findtext("Content-Length") if properties is not None else None
                meta = blob.find("Metadata")
                items.append(
                    BlobInfo(
                        name=blob.findtext("Name") or "",
                        size=int(length or 0),
                        metadata={child.tag.lower(): child.text or "" for child in meta} if meta is not None else {},
                    )
                )
            marker = root.findtext("NextMarker") or ""
            if not marker:
                return items

    async def check_listable(self) -> None:
        """One cheap list request: proves the SAS grants `l` on this container."""
        query = self._query({"restype": "container", "comp": "list", "maxresults": "1"})
        url = f"{self.location.container_url}?{query}"
        await self._send(Call("GET", url, _nothing, headers=_VERSION), "listing the container")

    async def check_readable(self, name: str) -> None:
        """A HEAD request: proves the SAS grants `r` on this blob."""
        url = self.location.blob_url(name, with_sas=True)
        await self._send(Call("HEAD", url, _nothing, headers=_VERSION), f"reading {name}")

    async def read(self, name: str) -> bytes:
        url = self.location.blob_url(name, with_sas=True)
        return await self._send(Call("GET", url, _content, headers=_VERSION), f"reading {name}")

    async def create(self, name: str, data: bytes, *, content_type: str, metadata: dict[str, str]) -> None:
        """Write a new blob; never overwrite (If-None-Match: *), as the real service never does."""
        headers = {
            **_VERSION,
            "x-ms-blob-type": "BlockBlob",
            "Content-Type": content_type,
            "If-None-Match": "*",
            **{f"x-ms-meta-{key}": value for key, value in metadata.items()},
        }
        url = self.location.blob_url(name, with_sas=True)
        await self._send(Call("PUT", url, _nothing, content=data, headers=headers), f"creating {name}")


_VERSION: Final = {"x-ms-version": STORAGE_API_VERSION}


def _xml(response: httpx.Response) -> Any:
    return SafeElementTree.fromstring(response.content)


def _content(response: httpx.Response) -> bytes:
    return response.content


def _nothing(response: httpx.Response) -> None:
    return None
