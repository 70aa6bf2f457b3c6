"""The exclusive right to act on one blob, held through a blob lease that every worker sees.

A lease lasts `LEASE_SECONDS` and is renewed every `RENEW_SECONDS` by a thread while its holder works, so a
slow holder (a POST riding out minutes of 429s) keeps it, and a holder that dies loses it within
`LEASE_SECONDS`: nobody is blocked for ever, and nobody takes over from a holder that is merely slow.
Writes made under the lease carry its id, so a holder whose lease was lost (paused past its expiry) cannot
overwrite what the next holder wrote: storage refuses them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from azure.core.exceptions import AzureError, HttpResponseError, ResourceNotFoundError
from azure.storage.blob import BlobClient, BlobLeaseClient

from doctranslate.errors import StorageError
from doctranslate.storage.account import StorageAccount

logger = logging.getLogger("doctranslate.storage.leases")

LEASE_SECONDS: Final = 15  # the shortest lease storage grants: a dead holder is replaced soonest
RENEW_SECONDS: Final = 5.0


class LeaseHeld(Exception):
    """Another worker holds the lease right now."""


class Lease:
    """A held lease on one blob: read and write it as its holder."""

    def __init__(self, blob: BlobClient, lease: BlobLeaseClient) -> None:
        self._blob = blob
        self._lease = lease
        self.lost = threading.Event()

    def read(self) -> bytes:
        return bytes(self._blob.download_blob(lease=self._lease).readall())

    def write(self, data: bytes) -> None:
        if self.lost.is_set():
            raise StorageError(f"the lease on {self._blob.blob_name} was lost; another worker may hold it now")
        try:
            self._blob.upload_blob(data, overwrite=True, lease=self._lease)
        except AzureError as exc:
            raise StorageError(f"cannot write {self._blob.blob_name} under its lease: {exc}") from None

    def _renew_until(self, stop: threading.Event) -> None:
        while not stop.wait(RENEW_SECONDS):
            try:
                self._lease.renew()
            except AzureError as exc:  # storage unreachable for a while, or the lease expired meanwhile
                logger.warning("could not renew the lease on %s: %s", self._blob.blob_name, exc)
                if isinstance(exc, HttpResponseError) and exc.status_code in (409, 412):
                    self.lost.set()
                    return


def ensure_blob(account: StorageAccount, container: str, name: str, initial: bytes) -> None:
    """Create the blob with `initial` unless it exists (If-None-Match: *): racing creators never overwrite."""
    account.write_blob_if(container, name, initial, etag=None)


@contextmanager
def leased(account: StorageAccount, container: str, name: str) -> Iterator[Lease]:
    """Hold the lease on an existing blob for the block; raises `LeaseHeld` when another worker has it."""
    blob = account.service.get_blob_client(container, name)
    try:
        lease = blob.acquire_lease(lease_duration=LEASE_SECONDS)
    except ResourceNotFoundError:
        raise StorageError(f"cannot lease {container}/{name}: it does not exist") from None
    except HttpResponseError as exc:
        if exc.status_code == 409:
            raise LeaseHeld(name) from None
        raise StorageError(f"cannot lease {container}/{name}: {exc}") from None
    held = Lease(blob, lease)
    stop = threading.Event()
    renewer = threading.Thread(target=held._renew_until, args=(stop,), name="doctranslate-lease", daemon=True)
    renewer.start()
    started = time.monotonic()
    try:
        yield held
    finally:
        stop.set()
        renewer.join()
        try:
            lease.release()
        except AzureError as exc:  # it expires by itself within LEASE_SECONDS
            logger.warning("could not release the lease on %s: %s", name, exc)
        logger.debug("held the lease on %s for %.1f s", name, time.monotonic() - started)
