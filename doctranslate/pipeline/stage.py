"""Put a plan's documents and glossaries into the source container.

Idempotent: a blob whose metadata MD5 equals the local file's is left alone, so re-running a run
uploads nothing that is already there. Outputs a batch replaces are deleted by the submit step, under the
batch's claim, never here: a second worker staging the same job must not delete what a batch already
submitted by the first is writing.
"""

from __future__ import annotations

import asyncio
import mimetypes
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from doctranslate.pipeline.plan import RunPlan
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.names import SOURCE_MD5_METADATA, glossary_blob_name, source_blob_name
from doctranslate.storage.transfer import Upload, upload_files


@dataclass(frozen=True)
class Staged:
    """How far the uploads are: files and bytes up, of those to upload."""

    files: int
    of_files: int
    bytes: int
    of_bytes: int


class _Tally:
    """Counts uploads as the transfer threads finish them, and tells `on_progress` each time."""

    def __init__(self, uploads: list[Upload], on_progress: Callable[[Staged], None]) -> None:
        self._staged = Staged(0, len(uploads), 0, sum(u.size for u in uploads))
        self._on_progress = on_progress
        self._lock = threading.Lock()
        on_progress(self._staged)

    def uploaded(self, upload: Upload) -> None:
        with self._lock:
            s = self._staged
            self._staged = Staged(s.files + 1, s.of_files, s.bytes + upload.size, s.of_bytes)
            self._on_progress(self._staged)


async def stage_plan(
    plan: RunPlan,
    account: StorageAccount,
    *,
    lifetime: timedelta,
    concurrency: int,
    on_progress: Callable[[Staged], None] | None = None,
) -> tuple[int, int]:
    """(uploaded, already there). A run whose documents are all in storage already touches nothing here.

    `on_progress` hears how far the uploads are: once before the first and after each (from the transfer
    threads, so it must be quick and thread-safe); not at all when nothing needs uploading."""
    layout = plan.layout
    wanted: dict[str, Upload] = {}
    for batch in plan.batches:
        if not batch.needs_submitting:
            continue
        for pair in batch.decision.translate:
            if pair.document.local_path is None:  # already in storage: translated where it is
                continue
            name = source_blob_name(layout.job, pair.document.relative_path)
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            wanted[name] = Upload(pair.document.local_path, name, pair.document.md5, pair.document.size, content_type)
    for glossary in (g for g in plan.glossaries if g.container is None):  # those in storage are used there
        name = glossary_blob_name(layout.job, glossary.md5, glossary.path.name)
        wanted[name] = Upload(glossary.path, name, glossary.md5, glossary.path.stat().st_size)
    if not wanted:
        return 0, 0
    await asyncio.to_thread(account.ensure_container, layout.source_container)
    present = {
        blob.name: blob.metadata.get(SOURCE_MD5_METADATA)
        for blob in await asyncio.to_thread(lambda: list(account.list_blobs(layout.source_container, f"{layout.job}/")))
    }
    missing = [u for name, u in wanted.items() if present.get(name) != u.md5_hex]
    if missing:
        container = account.container_sas_url(layout.source_container, "cw", lifetime)
        tally = _Tally(missing, on_progress) if on_progress is not None else None
        on_uploaded = tally.uploaded if tally is not None else None
        await upload_files(missing, container, concurrency=concurrency, on_uploaded=on_uploaded)
    return len(missing), len(wanted) - len(missing)
