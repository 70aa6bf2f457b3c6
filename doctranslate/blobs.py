"""Blob facts shared by the pipeline's storage access and the local service's SAS-only access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote


@dataclass(frozen=True)
class BlobInfo:
    name: str
    size: int
    metadata: dict[str, str]
    etag: str = ""  # changes with every write: what the container watcher and the inbox compare
    last_modified: datetime | None = None


def quote_blob(name: str) -> str:
    """A blob name as a URL path: every character escaped except the folder separators."""
    return quote(name, safe="/")
