"""The right to submit, on a real Azurite: a worker that died holding it loses it within the lease time, and a
worker that is merely slow keeps it for as long as it works (its lease is renewed)."""

from __future__ import annotations

import threading
import time

import pytest

from doctranslate.errors import StorageError
from doctranslate.local.stack import ManagedProcess, connection_string
from doctranslate.pipeline.journal import SubmissionJournal
from doctranslate.settings import load_settings
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.leases import LEASE_SECONDS, ensure_blob
from doctranslate.storage.names import submission_blob_name
from tests.support.storage import Storage

pytestmark = pytest.mark.e2e  # a real Azurite

KEY = "f" * 32


@pytest.fixture
def account(azurite: ManagedProcess) -> StorageAccount:
    return StorageAccount(load_settings(storage_connection_string=connection_string(azurite.port)))


def test_the_claim_of_a_worker_that_died_is_taken_over_within_the_lease_time(
    azurite: ManagedProcess, account: StorageAccount
) -> None:
    container = Storage(azurite.port).new_container("tgt")
    name = submission_blob_name("job", KEY)
    ensure_blob(account, container, name, b"{}")
    # A worker took the claim and was killed: its lease is never renewed, never released.
    account.service.get_blob_client(container, name).acquire_lease(lease_duration=LEASE_SECONDS)
    started = time.monotonic()

    with SubmissionJournal(account, container, "job").claim(KEY) as claim:
        waited = time.monotonic() - started
        claim.mark_pending()

    assert LEASE_SECONDS - 2 <= waited <= LEASE_SECONDS + 3, f"taken over after {waited:.1f} s"
    print(f"the claim of a dead worker was taken over after {waited:.1f} s")  # a figure for docs/reliability.md
    assert SubmissionJournal(account, container, "job").read(KEY).pending_since is not None


def test_a_slow_holder_keeps_its_claim_past_the_lease_time(azurite: ManagedProcess, account: StorageAccount) -> None:
    container = Storage(azurite.port).new_container("tgt")
    holding, done = threading.Event(), threading.Event()

    def slow_worker() -> None:
        with SubmissionJournal(account, container, "job").claim(KEY) as claim:
            holding.set()
            time.sleep(LEASE_SECONDS + 5)  # a POST riding out throttling
            claim.record_batch("b-1")
        done.set()

    thread = threading.Thread(target=slow_worker)
    thread.start()
    assert holding.wait(10)
    impatient = SubmissionJournal(account, container, "job", patience=LEASE_SECONDS + 2)
    with pytest.raises(StorageError, match="another worker has held the right to submit"), impatient.claim(KEY):
        pass
    thread.join()
    assert done.is_set()
    with SubmissionJournal(account, container, "job").claim(KEY) as claim:
        assert claim.record.batch_id == "b-1", "the next holder sees what the slow one recorded"
