"""Documents that arrive in a blob container ("incoming"), mirrored into a local inbox folder so the
translation pipeline takes them like any other folder.

The mirror is the truth, events are only a nudge. Each run lists the container (prefix) and downloads
what is new or changed (by ETag, kept in a manifest beside the mirrored folder), removes what was deleted, and
leaves the rest. A missed, late or duplicated event therefore costs nothing, and the pipeline's own
skip-what-is-translated rule means a second run in a burst submits nothing. Blob names that would land
outside the inbox (`..`, absolute) or on another blob's file (`a//b`, `./`) are refused and reported,
never written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from doctranslate.storage.account import StorageAccount
from doctranslate.storage.atomic import write_atomically
from doctranslate.storage.names import blob_path_under
from doctranslate.storage.transfer import Download, download_blobs


@dataclass
class PullResult:
    folder: Path  # the inbox folder for this container and prefix
    downloaded: int = 0
    unchanged: int = 0
    removed: int = 0
    refused: list[str] = field(default_factory=list)

    @property
    def documents(self) -> int:
        return self.downloaded + self.unchanged


async def pull_incoming(
    account: StorageAccount,
    container: str,
    prefix: str,
    inbox: Path,
    *,
    lifetime: timedelta,
    concurrency: int,
) -> PullResult:
    root = inbox / container
    folder = blob_path_under(root, prefix.strip("/")) if prefix.strip("/") else root
    if folder is None:
        raise ValueError(f"prefix {prefix!r} would climb out of the inbox")
    manifest_file = inbox / f"{container}.etags.json"  # beside the mirror, never in what gets translated
    known: dict[str, str] = json.loads(manifest_file.read_text()) if manifest_file.is_file() else {}
    result = PullResult(folder)
    listed: dict[str, str] = {}
    downloads: list[Download] = []
    for blob in account.list_blobs(container, prefix):
        if blob.name.endswith("/"):
            continue
        local = blob_path_under(root, blob.name)
        if local is None:
            result.refused.append(blob.name)
            continue
        listed[blob.name] = blob.etag
        if known.get(blob.name) == blob.etag and local.is_file():
            result.unchanged += 1
        else:
            downloads.append(Download(blob.name, local))
    if downloads:
        read = account.container_sas_url(container, "r", lifetime)
        await download_blobs(downloads, read, concurrency=concurrency)
        result.downloaded = len(downloads)
    for name in set(known) - set(listed):
        if name.startswith(prefix):
            local = blob_path_under(root, name)
            if local is not None and local.is_file():
                local.unlink()
                result.removed += 1
    kept = {name: etag for name, etag in known.items() if not name.startswith(prefix)} | listed
    write_atomically(manifest_file, json.dumps(kept, sort_keys=True).encode())
    return result
