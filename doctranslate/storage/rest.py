"""Blob storage's REST protocol as both of our storage clients speak it: the pipeline's transfers and the
local service's SAS-only access. One API version, one reading of storage's refusals.

Storage says why it refused in `x-ms-error-code` (`AuthorizationPermissionMismatch`, `BlobAlreadyExists`),
not in the translator's JSON error body, so its errors are `StorageError`s carrying that code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

import httpx

from doctranslate.errors import BlobExistsError, StorageError
from doctranslate.redaction import SasUrl
from doctranslate.storage.names import quote_blob

# Accepted by Azure and by Azurite 3.35 (which rejects the SDK's newer default; azurite-notes §2).
STORAGE_API_VERSION: Final = "2025-11-05"
VERSION_HEADER: Final = {"x-ms-version": STORAGE_API_VERSION}
_MESSAGE: Final = re.compile(r"<Message>([^<\n]{1,300})")  # the first line: what follows is a request id


def storage_error(action: str) -> Callable[[httpx.Response], StorageError]:
    """The error for a refused `action` ("reading a.docx"), with storage's own code."""

    def error(response: httpx.Response) -> StorageError:
        code = response.headers.get("x-ms-error-code")
        kind = BlobExistsError if response.status_code in (409, 412) else StorageError
        said = _MESSAGE.search(response.text) if response.content else None
        return kind(
            f"{action} failed with HTTP {response.status_code}"
            + (f" {code}" if code else "")
            + (f": {said.group(1).strip()}" if said else ""),
            status_code=response.status_code,
            code=code,
            request_id=response.headers.get("x-ms-request-id"),
        )

    return error


def blob_url(container: SasUrl, name: str) -> str:
    """The URL of blob `name` in the container of a container SAS, carrying that SAS."""
    base, _, sas = container.get_secret_value().partition("?")
    return f"{base}/{quote_blob(name)}?{sas}"
