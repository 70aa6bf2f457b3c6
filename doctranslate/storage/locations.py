"""Reading a SAS URL apart: which container, which blob, and the query that grants access.

Works for Azure (`https://acct.blob.core.windows.net/container/blob`) and for path-style emulator URLs
(`http://127.0.0.1:10000/devstoreaccount1/container/blob`), where the account is part of the path.
Used by the follower (which output a document status names) and by the local service (where to reach).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from doctranslate.storage.names import quote_blob


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
