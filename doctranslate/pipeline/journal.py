"""The record of each planned batch: pending before its POST, its batch id right after.

Planning reads it (a batch already submitted is re-attached, never submitted again) and submitting writes
it. One small JSON file per batch key, written atomically.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from doctranslate.storage.atomic import write_atomically


class SubmissionJournal:
    """Pending and submitted batches, one small JSON file per batch key, written atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def read(self, key: str) -> dict[str, str]:
        path = self._path(key)
        return json.loads(path.read_text()) if path.is_file() else {}

    def mark_pending(self, key: str) -> None:
        write_atomically(self._path(key), json.dumps({"pending_since": datetime.now(UTC).isoformat()}).encode())

    def record(self, key: str, batch_id: str) -> None:
        entry = self.read(key) | {"batch_id": batch_id, "submitted_at": datetime.now(UTC).isoformat()}
        write_atomically(self._path(key), json.dumps(entry).encode())
