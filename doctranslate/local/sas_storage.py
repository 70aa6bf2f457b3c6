"""Blob storage reached only through a SAS URL, exactly as the real service reaches it.

The local service never holds an account key: it lists, reads and writes with the SAS the client put
in the request, so missing permissions fail here as they fail on Azure (403 from Azurite).
Works for Azure (`https://acct.blob.core.windows.net/container`) and path-style emulator URLs
(`http://127.0.0.1:10000/devstoreaccount1/container`).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from typing import Any, Final, TypeVar
from urllib.parse import quote, urlsplit

import defusedxml.ElementTree as SafeElementTree
import httpx

from doctranslate.errors import RetryExhaustedError, StorageError
from doctranslate.http.call import Call, body_bytes, ignore_body
from doctranslate.http.retry import RetryPolicy
from doctranslate.http.sending import send_async
from doctranslate.local.limits import MAX_LISTING_PAGES
from doctranslate.settings import is_loopback_host
from doctranslate.storage.blobs import BlobInfo
from doctranslate.storage.locations import SasLocation
from doctranslate.storage.rest import VERSION_HEADER, storage_error

T = TypeVar("T")

# While translating: ride out a storage restart or a short outage (about 15 s) before failing a document.
PATIENT: Final = RetryPolicy(max_attempts=6, backoff_seconds=0.5, backoff_max_seconds=8.0)
# While validating a new batch: the real service reports an unreachable location within about a second.
BRIEF: Final = RetryPolicy(max_attempts=2, backoff_seconds=0.25, backoff_max_seconds=0.5)


DEFAULT_ALLOWED_HOSTS: Final = ("*.blob.core.windows.net", "127.0.0.1:10000", "localhost:10000")
"""Azure blob endpoints over https, and Azurite's default blob port on loopback; `local-service
--allow-storage-host` replaces them (the stack names its own Azurite's port)."""


def host_allowed(url: str, allowed: tuple[str, ...]) -> bool:
    """Whether the service may contact this URL: its host matches an entry (`*.blob.core.windows.net`, or
    `host:port`), on the entry's port (443 when it names none), over https, or over http to a loopback host
    whose port the entry names. URLs come from callers; nothing else on this machine or its network is
    reached for them: not another port of an allowed host, not a service behind a plain-http port."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme, 0)
    except ValueError:  # a port that is not a number
        return False
    for entry in allowed:
        pattern, named_port = _split_entry(entry)
        if not fnmatch.fnmatchcase(host, pattern.lower()):
            continue
        if named_port is None and parts.scheme == "https" and port == 443:
            return True
        if port == named_port and (parts.scheme == "https" or (parts.scheme == "http" and is_loopback_host(host))):
            return True
    return False


def _split_entry(entry: str) -> tuple[str, int | None]:
    """`host`, `host:port` or `[v6 address]:port` apart; a bare IPv6 address (`::1`) names no port."""
    host, colon, port = entry.rpartition(":")
    if colon and port.isdigit() and (":" not in host or host.startswith("[")):
        return host.strip("[]"), int(port)
    return entry.strip("[]"), None


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
            where = urlsplit(location.container_url).netloc
            raise StorageError(
                f"contacting {where} failed: not an allowed storage host and port",
                status_code=403,
                code="HostNotAllowed",
            )
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

    async def list_blobs(
        self,
        prefix: str = "",
        *,
        metadata: bool = False,
        keep: Callable[[str], bool] = lambda name: True,
        most: int = 0,
    ) -> list[BlobInfo]:
        """The blobs under `prefix` that `keep` accepts; more than `most` of them (0: no bound), or more than
        `MAX_LISTING_PAGES` pages, is a `ListingTooLong`: a listing that never ends must not fill memory."""
        items: list[BlobInfo] = []
        marker = ""
        for _ in range(MAX_LISTING_PAGES):
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
                if not keep(blob.findtext("Name") or ""):
                    continue
                if most and len(items) == most:
                    raise ListingTooLong(f"the listing holds more than {most:,} documents")
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
        raise ListingTooLong(f"the listing goes on for more than {MAX_LISTING_PAGES} pages")

    async def check_listable(self) -> None:
        """One cheap list request: proves the SAS grants `l` on this container."""
        query = self._query({"restype": "container", "comp": "list", "maxresults": "1"})
        url = f"{self.location.container_url}?{query}"
        await self._send(Call("GET", url, ignore_body, headers=VERSION_HEADER), "listing the container")

    async def check_readable(self, name: str) -> None:
        """A HEAD request: proves the SAS grants `r` on this blob."""
        url = self.location.blob_url(name, with_sas=True)
        await self._send(Call("HEAD", url, ignore_body, headers=VERSION_HEADER), f"reading {name}")

    async def read(self, name: str, *, most: int) -> bytes:
        """The blob's content, if it is at most `most` bytes (else `BlobTooLarge`): asked for as a range of
        `most + 1` bytes, so a blob of any size costs at most that much memory."""
        url = self.location.blob_url(name, with_sas=True)
        headers = {**VERSION_HEADER, "x-ms-range": f"bytes=0-{most}"}
        try:
            data = await self._send(Call("GET", url, body_bytes, headers=headers), f"reading {name}")
        except StorageError as exc:
            if exc.status_code == 416:  # no byte in the range: the blob is empty
                return b""
            raise
        if len(data) > most:
            raise BlobTooLarge(f"{name} is larger than {most:,} bytes")
        return data

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


class ListingTooLong(Exception):
    """A source listing over the service's limits."""


class BlobTooLarge(Exception):
    """A blob over the size the service reads."""


def _xml(response: httpx.Response) -> Any:
    return SafeElementTree.fromstring(response.content)
