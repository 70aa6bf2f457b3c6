"""The record of each planned batch, kept in storage where every worker of a fleet sees it: pending before
its POST, its batch id right after, and the exclusive right to submit it.

One small JSON blob per batch key beside the job's outputs (`storage.names.submission_blob_name`). Planning
reads it: a batch already submitted is re-attached, never submitted again, whichever machine submitted
it. Submitting happens under a `claim`: the blob's lease (`storage.leases`), held and renewed for as long as
the POST takes, lost within seconds when its holder dies. A worker that finds the claim taken waits for it,
then finds the batch id the holder recorded. Nothing here lives on local disk.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Final

from pydantic import BaseModel, ValidationError

from doctranslate.errors import StorageError
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.leases import LEASE_SECONDS, Lease, LeaseHeld, ensure_blob, leased
from doctranslate.storage.names import submission_blob_name

logger = logging.getLogger("doctranslate.pipeline.journal")

CLAIM_PATIENCE_SECONDS: Final = 30 * 60.0
"""How long a worker waits for another's claim (a POST can ride out minutes of throttling)."""


class SubmissionRecord(BaseModel):
    batch_id: str | None = None
    pending_since: datetime | None = None
    submitted_at: datetime | None = None

    @classmethod
    def parse(cls, content: bytes | None) -> SubmissionRecord:
        if not content:
            return cls()
        try:
            return cls.model_validate_json(content)
        except (ValueError, ValidationError):
            raise StorageError(
                "a submission record in storage cannot be read", hint="delete it only if no batch was submitted"
            ) from None


class Claim:
    """The right to submit one batch, held by this worker: its record, and how to update it."""

    def __init__(self, lease: Lease) -> None:
        self._lease = lease
        self.record = SubmissionRecord.parse(lease.read())

    def mark_pending(self) -> None:
        self.record = SubmissionRecord(pending_since=datetime.now(UTC))
        self._lease.write(self.record.model_dump_json().encode())

    def record_batch(self, batch_id: str) -> None:
        self.record = self.record.model_copy(update={"batch_id": batch_id, "submitted_at": datetime.now(UTC)})
        self._lease.write(self.record.model_dump_json().encode())


class SubmissionJournal:
    """Submission records of one job, under the output root that receives its outputs."""

    def __init__(
        self,
        account: StorageAccount,
        container: str,
        root: str,
        *,
        patience: float = CLAIM_PATIENCE_SECONDS,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._account = account
        self._container = container
        self._root = root
        self._patience = patience
        self._sleep = sleep

    def read(self, key: str) -> SubmissionRecord:
        return SubmissionRecord.parse(self._account.read_blob(self._container, self._name(key)))

    def submitted(self, key: str) -> str | None:
        """The batch id recorded for `key`, if one is: what planning re-attaches to."""
        return self.read(key).batch_id

    @contextmanager
    def claim(self, key: str) -> Iterator[Claim]:
        """Hold the right to submit batch `key` for the block, waiting while another worker holds it."""
        name = self._name(key)
        ensure_blob(self._account, self._container, name, SubmissionRecord().model_dump_json().encode())
        deadline = time.monotonic() + self._patience
        while True:
            try:
                with leased(self._account, self._container, name) as lease:
                    yield Claim(lease)
                    return
            except LeaseHeld:
                if time.monotonic() >= deadline:
                    raise StorageError(
                        f"another worker has held the right to submit batch {key[:12]} for {self._patience:.0f} s",
                        hint=f"it is renewed every few seconds while its holder works; check {name} in storage",
                    ) from None
                logger.info("batch %s is being submitted by another worker; waiting", key[:12])
                self._sleep(LEASE_SECONDS / 10)

    def _name(self, key: str) -> str:
        return submission_blob_name(self._root, key)
