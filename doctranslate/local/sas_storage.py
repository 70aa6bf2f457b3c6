"""Blob storage reached only through a SAS URL, exactly as the real service reaches it.

The local service never holds an account key: it lists, reads and writes with the SAS the client put
in the request, so missing permissions fail here as they fail on Azure (403 from Azurite).
Works for Azure (`https://acct.blob.core.windows.net/container`) and path-style emulator URLs
(`http://127.0.0.1:10000/devstoreaccount1/container`).
"""

from __future__ import annotations

import fnmatch
from typing import Any, Final, TypeVar
from urllib.parse import quote, urlsplit

import defusedxml.ElementTree as SafeElementTree
import httpx

from doctranslate.errors import RetryExhaustedError, StorageError
from doctranslate.http.call import Call, body_bytes, ignore_body
from doctranslate.http.retry import RetryPolicy
from doctranslate.http.sending import send_async
from doctranslate.storage.blobs import BlobInfo
from doctranslate.storage.locations import SasLocation
from doctranslate.storage.rest import VERSION_HEADER, storage_error

T = TypeVar("T")

# While translating: ride out a storage restart or a short outage (about 15 s) before failing a document.
PATIENT: Final = RetryPolicy(max_attempts=6, backoff_seconds=0.5, backoff_max_seconds=8.0)
# While validating a new batch: the real service reports an unreachable location within about a second.
BRIEF: Final = RetryPolicy(max_attempts=2, backoff_seconds=0.25, backoff_max_seconds=0.5)


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
            host = urlsplit(location.container_url).hostname
            raise StorageError(f"contacting {host} failed: host not allowed", status_code=403, code="HostNotAllowed")
        self.location = location
        self._http = http
        self._retry = retry

    async def _send(self, call: Call[T], action: str) -> T:
        try:
            return await send_async(self._http, call, self._retry, storage_error(action))
        except RetryExhaustedError as exc:
            raise StorageError(
                f"{action} failed: {exc.message}", status_code=exc.status_code or 0, code=exc.code or "Unreachable"
            ) from None

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
            root = await self._send(Call("GET", url, _xml, headers=VERSION_HEADER), "listing the container")
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
        await self._send(Call("GET", url, ignore_body, headers=VERSION_HEADER), "listing the container")

    async def check_readable(self, name: str) -> None:
        """A HEAD request: proves the SAS grants `r` on this blob."""
        url = self.location.blob_url(name, with_sas=True)
        await self._send(Call("HEAD", url, ignore_body, headers=VERSION_HEADER), f"reading {name}")

    async def read(self, name: str) -> bytes:
        url = self.location.blob_url(name, with_sas=True)
        return await self._send(Call("GET", url, body_bytes, headers=VERSION_HEADER), f"reading {name}")

    async def create(self, name: str, data: bytes, *, content_type: str, metadata: dict[str, str]) -> None:
        """Write a new blob; never overwrite (If-None-Match: *), as the real service never does."""
        headers = {
            **VERSION_HEADER,
            "x-ms-blob-type": "BlockBlob",
            "Content-Type": content_type,
            "If-None-Match": "*",
            **{f"x-ms-meta-{key}": value for key, value in metadata.items()},
        }
        url = self.location.blob_url(name, with_sas=True)
        await self._send(Call("PUT", url, ignore_body, content=data, headers=headers), f"creating {name}")


def _xml(response: httpx.Response) -> Any:
    return SafeElementTree.fromstring(response.content)
