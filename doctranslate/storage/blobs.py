"""A blob as a listing shows it, for the pipeline's storage access and the local service's SAS-only access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class BlobInfo:
    name: str
    size: int
    metadata: dict[str, str]
    etag: str = ""  # changes with every write: what the container watcher compares
    last_modified: datetime | None = None
    content_md5: str = ""  # hex; storage keeps it for blobs uploaded in one piece, not for block lists
