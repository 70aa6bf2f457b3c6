"""Durable state of the local service: accepted batches and their documents, in SQLite.

Every transition is one committed transaction, so a service killed at any moment restarts with each
batch and document in a state it really reached; the job runner resumes from there.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from doctranslate.redaction import redact_text
from doctranslate.wire.status import Status

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    created TEXT NOT NULL,
    last_action TEXT NOT NULL,
    status TEXT NOT NULL,
    request TEXT NOT NULL,
    error TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    enumerated INTEGER NOT NULL DEFAULT 0,
    api_version TEXT
);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    batch_id TEXT NOT NULL REFERENCES batches(id),
    seq INTEGER NOT NULL,
    input_index INTEGER NOT NULL,
    target_index INTEGER NOT NULL,
    source_name TEXT NOT NULL,
    source_path TEXT NOT NULL,
    target_name TEXT NOT NULL,
    target_path TEXT NOT NULL,
    language TEXT NOT NULL,
    status TEXT NOT NULL,
    created TEXT NOT NULL,
    last_action TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    characters INTEGER NOT NULL DEFAULT 0,
    written INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    deployment_name TEXT,
    images INTEGER
);
CREATE INDEX IF NOT EXISTS documents_by_batch ON documents(batch_id, seq);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""
_ADDED_COLUMNS = {"documents": {"deployment_name": "TEXT", "images": "INTEGER"}, "batches": {"api_version": "TEXT"}}
"""Columns newer than the first schema: added to a state file an older service wrote."""


_FIRST_IDS = 0x7F000000
"""New counters start below this, leaving room for 16 million ids before the 8 hex digits run out."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class BatchRow:
    id: str
    created: datetime
    last_action: datetime
    status: Status
    error: dict[str, Any] | None
    cancel_requested: bool
    enumerated: bool
    api_version: str | None = None  # the version it was started with (None: before it was kept; v1.x or 2024)


@dataclass(frozen=True)
class DocumentRow:
    id: str
    batch_id: str
    input_index: int
    target_index: int
    source_name: str
    source_path: str
    target_name: str
    target_path: str
    language: str
    status: Status
    created: datetime
    last_action: datetime
    progress: float
    characters: int
    written: bool
    error: dict[str, Any] | None
    deployment_name: str | None = None
    images: int | None = None  # images whose text was translated; None when the request did not ask for it


ListingKey = tuple[str, Status, datetime]
"""A batch's or a document's id, status and creation time: what a listing filters and orders by."""

_BATCH_COLUMNS: Final = "id, created, last_action, status, error, cancel_requested, enumerated, api_version"
"""Every column of `batches` but the request, which only the job that runs the batch reads (`batch_request`):
it holds a SAS per input, about a megabyte for 1,000 inputs, and status reads and listings never need it."""


@dataclass(frozen=True)
class NewDocument:
    input_index: int
    target_index: int
    source_name: str
    source_path: str
    target_name: str
    target_path: str
    language: str
    deployment_name: str | None = None


@dataclass(frozen=True)
class Tally:
    """How many documents of a batch are in each status, and the characters charged for the succeeded ones."""

    counts: Mapping[Status, int]
    characters: int
    images: int | None = None  # images charged for the succeeded documents; None when none was asked for

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _batch(row: sqlite3.Row) -> BatchRow:
    return BatchRow(
        id=row["id"],
        created=datetime.fromisoformat(row["created"]),
        last_action=datetime.fromisoformat(row["last_action"]),
        status=Status(row["status"]),
        error=json.loads(row["error"]) if row["error"] else None,
        cancel_requested=bool(row["cancel_requested"]),
        enumerated=bool(row["enumerated"]),
        api_version=row["api_version"],
    )


def _listing_keys(rows: Sequence[sqlite3.Row]) -> list[ListingKey]:
    """Rows of (id, status, created) as a listing filters and orders them."""
    return [(row[0], Status(row[1]), datetime.fromisoformat(row[2])) for row in rows]


def _document(row: sqlite3.Row) -> DocumentRow:
    return DocumentRow(
        id=row["id"],
        batch_id=row["batch_id"],
        input_index=row["input_index"],
        target_index=row["target_index"],
        source_name=row["source_name"],
        source_path=row["source_path"],
        target_name=row["target_name"],
        target_path=row["target_path"],
        language=row["language"],
        status=Status(row["status"]),
        created=datetime.fromisoformat(row["created"]),
        last_action=datetime.fromisoformat(row["last_action"]),
        progress=row["progress"],
        characters=row["characters"],
        written=bool(row["written"]),
        error=json.loads(row["error"]) if row["error"] else None,
        deployment_name=row["deployment_name"],
        images=row["images"],
    )


class StateStore:
    """Thread-safe access to the SQLite file (`:memory:` for a throwaway service)."""

    def __init__(self, path: Path | str) -> None:
        if isinstance(path, Path):  # the file holds running batches' SAS tokens: the owner's alone, from creation
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                os.close(os.open(name, os.O_CREAT | os.O_WRONLY, 0o600))
                os.chmod(name, 0o600)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            for table, columns in _ADDED_COLUMNS.items():
                present = {row["name"] for row in self._db.execute(f"PRAGMA table_info({table})")}
                for column, kind in columns.items():
                    if column not in present:
                        self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _next(self, db: sqlite3.Connection, counter: str, count: int = 1) -> int:
        """The next `count` numbers of a counter. A new counter starts at a random point, as the real service's
        document ids (`010a04da-0000-…`) count from wherever it is: two fresh services never share ids."""
        row = db.execute("SELECT value FROM counters WHERE name = ?", (counter,)).fetchone()
        start = (row["value"] if row else secrets.randbelow(_FIRST_IDS)) + 1
        db.execute(
            "INSERT INTO counters(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (counter, start + count - 1),
        )
        return start

    # -- batches -------------------------------------------------------------------------------

    def create_batch(self, batch_id: str, request_json: str, api_version: str | None = None) -> BatchRow:
        now = utc_now().isoformat()
        with self._transaction() as db:
            seq = self._next(db, "batch")
            db.execute(
                "INSERT INTO batches(id, seq, created, last_action, status, request, api_version)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (batch_id, seq, now, now, Status.NOT_STARTED.value, request_json, api_version),
            )
        found = self.get_batch(batch_id)
        assert found is not None
        return found

    def get_batch(self, batch_id: str) -> BatchRow | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_BATCH_COLUMNS} FROM batches WHERE id = ?", (batch_id,)).fetchone()  # noqa: S608
        return _batch(row) if row else None

    def batch_request(self, batch_id: str) -> str | None:
        """The request the batch was started with (its JSON, SAS included), for the job that runs it."""
        with self._lock:
            row = self._db.execute("SELECT request FROM batches WHERE id = ?", (batch_id,)).fetchone()
        return row[0] if row else None

    def cancel_requested(self, batch_id: str) -> bool:
        """Asked before every document: reads one flag, not the batch's request (a megabyte for 1,000 inputs)."""
        with self._lock:
            row = self._db.execute("SELECT cancel_requested FROM batches WHERE id = ?", (batch_id,)).fetchone()
        return row is None or bool(row[0])

    def batch_keys(self) -> list[ListingKey]:
        """Id, status and creation time of every batch, newest first: a listing chooses its page from these and
        reads only that page's batches (`batches_by_id`), so a page costs the same however long the history."""
        with self._lock:
            rows = self._db.execute("SELECT id, status, created FROM batches ORDER BY seq DESC").fetchall()
        return _listing_keys(rows)

    def batches_by_id(self, ids: Sequence[str]) -> list[BatchRow]:
        """These batches, in the order of `ids` (at most a page: SQLite's parameter limit)."""
        return [_batch(row) for row in self._rows_in_order(f"SELECT {_BATCH_COLUMNS} FROM batches WHERE", [], ids)]  # noqa: S608

    def unfinished_batch_ids(self) -> list[str]:
        terminal = tuple(s.value for s in Status if s.is_terminal)
        with self._lock:
            rows = self._db.execute(
                f"SELECT id FROM batches WHERE status NOT IN ({','.join('?' * len(terminal))}) ORDER BY seq",  # noqa: S608
                terminal,
            ).fetchall()
        return [row["id"] for row in rows]

    def set_batch_status(self, batch_id: str, status: Status, error: dict[str, Any] | None = None) -> None:
        """A finished batch's SAS tokens are needed no more: its stored request keeps them redacted."""
        with self._transaction() as db:
            db.execute(
                "UPDATE batches SET status = ?, error = ?, last_action = ? WHERE id = ?",
                (status.value, json.dumps(error) if error else None, utc_now().isoformat(), batch_id),
            )
            if status.is_terminal:
                row = db.execute("SELECT request FROM batches WHERE id = ?", (batch_id,)).fetchone()
                if row is not None:
                    db.execute("UPDATE batches SET request = ? WHERE id = ?", (redact_text(row["request"]), batch_id))

    def request_cancel(self, batch_id: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE batches SET cancel_requested = 1, status = ?, last_action = ? WHERE id = ?",
                (Status.CANCELLING.value, utc_now().isoformat(), batch_id),
            )

    # -- documents -----------------------------------------------------------------------------

    def add_documents(self, batch_id: str, documents: list[NewDocument]) -> None:
        """Record the enumeration in one transaction: all of a batch's documents, or none."""
        now = utc_now().isoformat()
        with self._transaction() as db:
            first = self._next(db, "document", len(documents))
            db.executemany(
                "INSERT INTO documents(id, batch_id, seq, input_index, target_index, source_name, source_path,"
                " target_name, target_path, language, status, created, last_action, deployment_name)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        f"{first + offset:08x}-0000-0000-0000-000000000000",
                        batch_id,
                        first + offset,
                        d.input_index,
                        d.target_index,
                        d.source_name,
                        d.source_path,
                        d.target_name,
                        d.target_path,
                        d.language,
                        Status.NOT_STARTED.value,
                        now,
                        now,
                        d.deployment_name,
                    )
                    for offset, d in enumerate(documents)
                ],
            )
            db.execute("UPDATE batches SET enumerated = 1, last_action = ? WHERE id = ?", (now, batch_id))

    def documents(self, batch_id: str, statuses: Collection[Status] | None = None) -> list[DocumentRow]:
        """The batch's documents, newest first; only those in `statuses` when given (filtered in SQL: a
        client listing the few new successes of a large batch must not cost a read of all of it)."""
        return [_document(row) for row in self._select_documents("SELECT * FROM documents", batch_id, statuses)]

    def document_keys(self, batch_id: str, statuses: Collection[Status] | None = None) -> list[ListingKey]:
        """Id, status and creation time of the batch's documents, newest first: a listing chooses its page from
        these and reads only that page's rows (`documents_by_id`). Reading every row for every page made the
        20 pages of a 2,000-document batch take 0.43 s, against 0.13 s this way (docs/performance.md)."""
        return _listing_keys(self._select_documents("SELECT id, status, created FROM documents", batch_id, statuses))

    def documents_by_id(self, batch_id: str, ids: Sequence[str]) -> list[DocumentRow]:
        """These documents of the batch, in the order of `ids` (at most a page: SQLite's parameter limit)."""
        return [
            _document(row)
            for row in self._rows_in_order("SELECT * FROM documents WHERE batch_id = ? AND", [batch_id], ids)
        ]

    def _rows_in_order(self, select: str, parameters: list[str], ids: Sequence[str]) -> list[sqlite3.Row]:
        """The rows `select` (ending in WHERE or AND) finds among `ids`, in the order of `ids`: a listing's page."""
        query = f"{select} id IN ({','.join('?' * len(ids))})"
        with self._lock:
            rows = self._db.execute(query, [*parameters, *ids]).fetchall()
        by_id = {row["id"]: row for row in rows}
        return [by_id[row_id] for row_id in ids]

    def _select_documents(self, select: str, batch_id: str, statuses: Collection[Status] | None) -> list[sqlite3.Row]:
        """`select` (columns of `documents`) for the batch's documents in `statuses`, newest first."""
        query, parameters = select + " WHERE batch_id = ?", [batch_id]
        if statuses is not None:
            query += f" AND status IN ({','.join('?' * len(statuses))})"
            parameters += [status.value for status in statuses]
        with self._lock:
            return self._db.execute(query + " ORDER BY seq DESC", parameters).fetchall()

    def tally(self, batch_id: str) -> Tally:
        """Counts by status and the characters charged, counted in SQL for every status read."""
        with self._lock:
            rows = self._db.execute(
                "SELECT status, COUNT(*), SUM(CASE WHEN status = ? THEN characters ELSE 0 END),"
                " SUM(CASE WHEN status = ? THEN images END), COUNT(images) FROM documents"
                " WHERE batch_id = ? GROUP BY status",
                (Status.SUCCEEDED.value, Status.SUCCEEDED.value, batch_id),
            ).fetchall()
        images = sum(row[3] or 0 for row in rows) if any(row[4] for row in rows) else None
        return Tally({Status(row[0]): row[1] for row in rows}, sum(row[2] or 0 for row in rows), images)

    def get_document(self, batch_id: str, document_id: str) -> DocumentRow | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM documents WHERE batch_id = ? AND id = ?", (batch_id, document_id)
            ).fetchone()
        return _document(row) if row else None

    def update_document(
        self,
        document_id: str,
        status: Status,
        *,
        progress: float | None = None,
        characters: int | None = None,
        written: bool | None = None,
        error: dict[str, Any] | None = None,
        images: int | None = None,
    ) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE documents SET status = ?, last_action = ?, progress = COALESCE(?, progress),"
                " characters = COALESCE(?, characters), written = COALESCE(?, written), error = ?,"
                " images = COALESCE(?, images) WHERE id = ?",
                (
                    status.value,
                    utc_now().isoformat(),
                    progress,
                    characters,
                    None if written is None else int(written),
                    json.dumps(error) if error else None,
                    images,
                    document_id,
                ),
            )

    def cancel_waiting_documents(self, batch_id: str) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE documents SET status = ?, last_action = ? WHERE batch_id = ? AND status = ?",
                (Status.CANCELLED.value, utc_now().isoformat(), batch_id, Status.NOT_STARTED.value),
            )
