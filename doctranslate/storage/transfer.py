"""Moving bytes between local files and blobs: a pool of threads over SAS URLs, atomic writes.

Plain httpx on SAS URLs costs less than half the Python CPU of the storage SDK per request
(azurite-notes §4), and it is the same code for key and Entra ID accounts. A pool of threads, each
sending with the synchronous client, measured faster than `httpx.AsyncClient` at every concurrency on
2 cores, most of all for large downloads (bench/RESULTS.md): the async client's per-request overhead
is paid in the event loop, the thread pool's socket work releases the GIL. Downloads land in a
temporary file that is renamed into place only when complete, so a crash never leaves a half file
that looks finished.

Uploads are also held to a budget of bytes in flight: each file is read whole (its MD5 travels with it),
so sixteen 100 MB files at once would hold 1.6 GB, and large PUTs crowding each other measured slower than
a few at a time (docs/performance.md). Small files still go `concurrency` at a time.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeVar

import httpx

from doctranslate.http.call import Call, body_bytes, ignore_body
from doctranslate.http.retry import RetryPolicy
from doctranslate.http.sending import send
from doctranslate.http.tls import shared_tls_context
from doctranslate.redaction import SasUrl
from doctranslate.storage.atomic import write_atomically
from doctranslate.storage.names import SOURCE_MD5_METADATA
from doctranslate.storage.rest import VERSION_HEADER, blob_url, storage_error

DEFAULT_CONCURRENCY: Final = 16
MAX_UPLOAD_BYTES_IN_FLIGHT: Final = 64 * 1024 * 1024
T = TypeVar("T")


@dataclass(frozen=True)
class Upload:
    local_path: Path
    blob_name: str
    md5_hex: str
    size: int  # as planned: what the bytes-in-flight budget and the progress count, with no stat per file
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Download:
    blob_name: str
    local_path: Path


Transfer = Callable[[httpx.Client, RetryPolicy, T], None]


class _ByteBudget:
    """Lets a transfer start while the bytes of those running stay within the budget; one always may start,
    however large, so a file bigger than the budget goes alone instead of never."""

    def __init__(self, budget: int) -> None:
        self._budget = budget
        self._in_flight = 0
        self._changed = threading.Condition()

    def take(self, size: int) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._in_flight == 0 or self._in_flight + size <= self._budget)
            self._in_flight += size

    def give_back(self, size: int) -> None:
        with self._changed:
            self._in_flight -= size
            self._changed.notify_all()


async def _transfer(
    items: Sequence[T],
    one: Transfer[T],
    concurrency: int,
    retry: RetryPolicy | None,
    size_of: Callable[[T], int] | None = None,
) -> None:
    """Run `one` for every item on `concurrency` threads sharing one connection pool; with `size_of`, also
    within `MAX_UPLOAD_BYTES_IN_FLIGHT`.

    The first failure stops the items not yet started and is raised; so is a cancellation of the caller
    (an item already sending finishes its request, nothing new starts).
    """
    stop = threading.Event()
    policy = retry or RetryPolicy(max_attempts=5)
    try:
        await asyncio.to_thread(_run_pool, items, one, concurrency, policy, stop, size_of)
    except asyncio.CancelledError:
        stop.set()
        raise


def _run_pool(
    items: Sequence[T],
    one: Transfer[T],
    concurrency: int,
    policy: RetryPolicy,
    stop: threading.Event,
    size_of: Callable[[T], int] | None,
) -> None:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    budget = _ByteBudget(MAX_UPLOAD_BYTES_IN_FLIGHT)
    with (
        httpx.Client(timeout=httpx.Timeout(120.0), limits=limits, verify=shared_tls_context()) as http,
        ThreadPoolExecutor(concurrency, thread_name_prefix="doctranslate-transfer") as pool,
    ):

        def unless_stopped(item: T) -> None:
            size = size_of(item) if size_of is not None else 0
            budget.take(size)
            try:
                if not stop.is_set():
                    one(http, policy, item)
            finally:
                budget.give_back(size)

        futures = [pool.submit(unless_stopped, item) for item in items]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:
            error = future.exception()
            if error is not None:
                stop.set()
                raise error


def _put(container: SasUrl, http: httpx.Client, policy: RetryPolicy, item: Upload) -> None:
    headers = {
        **VERSION_HEADER,
        "x-ms-blob-type": "BlockBlob",
        "Content-Type": item.content_type,
        "Content-MD5": base64.b64encode(bytes.fromhex(item.md5_hex)).decode(),
        f"x-ms-meta-{SOURCE_MD5_METADATA}": item.md5_hex,
    }
    data = item.local_path.read_bytes()
    call = Call("PUT", blob_url(container, item.blob_name), ignore_body, content=data, headers=headers)
    send(http, call, policy, storage_error(f"uploading {item.blob_name}"))


def _get(container: SasUrl, http: httpx.Client, policy: RetryPolicy, item: Download) -> None:
    call = Call("GET", blob_url(container, item.blob_name), body_bytes, headers=VERSION_HEADER)
    data = send(http, call, policy, storage_error(f"downloading {item.blob_name}"))
    write_atomically(item.local_path, data)


async def upload_files(
    uploads: Sequence[Upload],
    container: SasUrl,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    retry: RetryPolicy | None = None,
    on_uploaded: Callable[[Upload], None] | None = None,
) -> None:
    """PUT each file as a block blob with its MD5 (checked by storage) and in metadata (for skipping);
    `on_uploaded` is called with each file once it is up, from the transfer threads."""

    def put(http: httpx.Client, policy: RetryPolicy, item: Upload) -> None:
        _put(container, http, policy, item)
        if on_uploaded is not None:
            on_uploaded(item)

    await _transfer(uploads, put, concurrency, retry, size_of=lambda item: item.size)


async def download_blobs(
    downloads: Sequence[Download],
    container: SasUrl,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    retry: RetryPolicy | None = None,
    on_downloaded: Callable[[Download], None] | None = None,
) -> None:
    """GET each blob into its local path, atomically; `on_downloaded` is called with each once it is in place,
    from the transfer threads."""

    def get(http: httpx.Client, policy: RetryPolicy, item: Download) -> None:
        _get(container, http, policy, item)
        if on_downloaded is not None:
            on_downloaded(item)

    await _transfer(downloads, get, concurrency, retry)
