"""Blob storage reached only through a SAS URL, exactly as the real service reaches it.

The local service never holds an account key: it lists, reads and writes with the SAS the client put
in the request, so missing permissions fail here as they fail on Azure (403 from Azurite).
Works for Azure (`https://acct.blob.core.windows.net/container`) and path-style emulator URLs
(`http://127.0.0.1:10000/devstoreaccount1/container`).
"""

from __future__ import annotations

import fnmatch
import ipaddress
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, unquote, urlsplit

import defusedxml.ElementTree as SafeElementTree
import httpx

from doctranslate.blobs import BlobInfo, quote_blob

STORAGE_API_VERSION: Final = "2025-11-05"  # accepted by Azurite 3.35 and by Azure


class StorageAccessError(Exception):
    """Storage refused or failed a request; `status` is the HTTP status (403: the SAS does not allow it)."""

    def __init__(self, status: int, code: str | None, action: str) -> None:
        self.status = status
        self.code = code
        super().__init__(f"{action} failed with HTTP {status} {code or ''}".strip())


class BlobExistsError(StorageAccessError):
    """A create-only write found the blob already there."""


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
        self, location: SasLocation, http: httpx.AsyncClient, allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    ) -> None:
        if not host_allowed(location.container_url, allowed_hosts):
            raise StorageAccessError(403, "HostNotAllowed", f"contacting {urlsplit(location.container_url).hostname}")
        self.location = location
        self._http = http

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
            response = await self._http.get(
                f"{self.location.container_url}?{self._query(params)}", headers={"x-ms-version": STORAGE_API_VERSION}
            )
            _raise_for(response, "listing the container")
            root = SafeElementTree.fromstring(response.content)
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
        response = await self._http.get(
            f"{self.location.container_url}?{query}", headers={"x-ms-version": STORAGE_API_VERSION}
        )
        _raise_for(response, "listing the container")

    async def check_readable(self, name: str) -> None:
        """A HEAD request: proves the SAS grants `r` on this blob."""
        response = await self._http.head(
            self.location.blob_url(name, with_sas=True), headers={"x-ms-version": STORAGE_API_VERSION}
        )
        _raise_for(response, f"reading {name}")

    async def read(self, name: str) -> bytes:
        response = await self._http.get(
            self.location.blob_url(name, with_sas=True), headers={"x-ms-version": STORAGE_API_VERSION}
        )
        _raise_for(response, f"reading {name}")
        return response.content

    async def create(self, name: str, data: bytes, *, content_type: str, metadata: dict[str, str]) -> None:
        """Write a new blob; never overwrite (If-None-Match: *), as the real service never does."""
        headers = {
            "x-ms-version": STORAGE_API_VERSION,
            "x-ms-blob-type": "BlockBlob",
            "Content-Type": content_type,
            "If-None-Match": "*",
            **{f"x-ms-meta-{key}": value for key, value in metadata.items()},
        }
        response = await self._http.put(self.location.blob_url(name, with_sas=True), content=data, headers=headers)
        if response.status_code in (409, 412):
            raise BlobExistsError(response.status_code, response.headers.get("x-ms-error-code"), f"creating {name}")
        _raise_for(response, f"writing {name}")


def _raise_for(response: httpx.Response, action: str) -> None:
    if response.is_success:
        return
    raise StorageAccessError(response.status_code, response.headers.get("x-ms-error-code"), action)
