"""Reading a SAS URL apart: which container, which blob, and the query that grants access.

Works for Azure (`https://acct.blob.core.windows.net/container/blob`) and for path-style emulator URLs
(`http://127.0.0.1:10000/devstoreaccount1/container/blob`), where the account is part of the path.
Used by the follower (which output a document status names) and by the local service (where to reach).
`StorageLocation` reads the user's spelling of a place in the configured account (`az://container/prefix`): documents
already in storage, or where a run keeps its translations.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote, urlsplit

from doctranslate.errors import BadInputError
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


@dataclass(frozen=True)
class StorageLocation:
    """A place in the storage account: a container, and a prefix inside it.

    Spelt `az://<container>/<prefix>` (as adlfs and fsspec users write it) or as the account's own URL,
    `https://<account>.blob.core.windows.net/<container>/<prefix>` (path-style for the emulator).
    """

    container: str
    prefix: str = ""

    @classmethod
    def parse(cls, spec: str, account_url: str) -> StorageLocation | None:
        """The place `spec` names, or None when it is a local path. A URL of another account is an error: SAS
        tokens can only be made for the configured one."""
        if spec.startswith("az://"):
            container, _, prefix = spec.removeprefix("az://").partition("/")
            return cls._checked(container, prefix, spec)
        if not spec.startswith(("https://", "http://")):
            return None
        if not spec.startswith(account_url.rstrip("/") + "/"):
            raise ValueError(
                f"{spec} is not in the configured storage account {account_url}; translate documents of another "
                "account from that account's settings"
            )
        container, _, prefix = unquote(spec[len(account_url.rstrip("/")) + 1 :]).partition("/")
        return cls._checked(container, prefix, spec)

    @classmethod
    def given(cls, spec: str, account_url: str, *, what: str = "", hint: str | None = None) -> StorageLocation:
        """The place a user's storage spec names; a bad one is their error, the message led by `what`
        (`--out`, `glossary`)."""
        try:
            location = cls.parse(spec, account_url)
        except ValueError as exc:
            raise BadInputError(f"{what} {exc}".strip(), hint=hint) from None
        if location is None:
            raise BadInputError(f"{what} {spec} is not a place in storage (az://<container>/<prefix>)".strip())
        return location

    @classmethod
    def _checked(cls, container: str, prefix: str, spec: str) -> StorageLocation:
        if not is_container_name(container):
            raise ValueError(f"{spec}: {container!r} is not a container name (3-63 lowercase letters, digits, dashes)")
        return cls(container, prefix)

    def __str__(self) -> str:
        return f"az://{self.container}/{self.prefix}"


def is_container_name(name: str) -> bool:
    """Azure's rule: 3-63 lowercase letters, digits and single dashes, a letter or digit at both ends."""
    return bool(_CONTAINER_NAME.fullmatch(name))


def blob_name_problem(name: str) -> str | None:
    """Why `name` (from an event or a listing) is no blob name to act on, or None. Azure allows 1-1,024
    characters; we also refuse control characters and `.`/`..` segments, which no real upload needs and
    which would climb out of any folder the name were ever joined to."""
    if not 1 <= len(name) <= MAX_BLOB_NAME:
        return f"a blob name has 1 to {MAX_BLOB_NAME:,} characters, this one {len(name):,}"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "the blob name holds a control character"
    if any(part in (".", "..") for part in name.split("/")):
        return "the blob name has a '.' or '..' segment"
    return None


def is_storage_spec(spec: str) -> bool:
    """Whether `spec` names a place in storage (`az://…`, `https://…`) rather than a local path."""
    return spec.startswith(("az://", "https://", "http://"))


_CONTAINER_NAME: Final = re.compile(r"[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]")
MAX_BLOB_NAME: Final = 1024
