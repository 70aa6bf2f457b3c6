"""Submitting exactly once, with the journal in a real Azurite and the service answering over a mock
transport: a recorded batch is re-attached, a pending record whose batch reached the service is adopted
(found by its documents), only a batch nobody sent is POSTed (after its pending record, and after clearing
what it replaces), and two workers at once send one POST."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from doctranslate.client import DocumentTranslationClient
from doctranslate.local.stack import ManagedProcess, connection_string
from doctranslate.pipeline.existing import ExistingDecision, Pair
from doctranslate.pipeline.journal import SubmissionJournal
from doctranslate.pipeline.plan import BatchPlan, PlannedBatch
from doctranslate.pipeline.scan import SourceDocument
from doctranslate.pipeline.submit import sas_lifetime, submit_once
from doctranslate.redaction import SasUrl
from doctranslate.settings import load_settings
from doctranslate.storage.account import StorageAccount
from doctranslate.wire import BatchRequest, SourceInput, StartTranslationDetails, StorageType, TargetInput
from tests.support.storage import Storage

pytestmark = pytest.mark.e2e  # a real Azurite holds the journal

STORAGE = "https://acct.blob.core.windows.net"
NEW_ID = "11111111-2222-4333-8444-555555555555"
EARLIER_ID = "99999999-8888-4777-8666-555555555555"
OTHER_ID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"

BATCH = PlannedBatch(
    key="k" * 32,
    documents=[SourceDocument(relative_path="a.txt", local_path=Path("/docs/a.txt"), size=3, md5="0" * 32)],
    languages=["fr"],
)
DETAILS = StartTranslationDetails(
    inputs=[
        BatchRequest(
            source=SourceInput(source_url=SasUrl(f"{STORAGE}/src/job/a.txt?sp=r&sig=SOURCESIG")),
            targets=[TargetInput(target_url=SasUrl(f"{STORAGE}/tgt/job/fr/a.txt?sp=wl&sig=TARGETSIG"), language="fr")],
            storage_type=StorageType.FILE,
        )
    ]
)


def submit(client: DocumentTranslationClient, journal: SubmissionJournal, **options: Callable[[], None]) -> str:
    return submit_once(client, journal, BATCH, DETAILS, expected_sources={f"{STORAGE}/src/job/a.txt"}, **options)


def status(batch_id: str) -> dict[str, object]:
    summary = {"total": 1, "failed": 0, "success": 0, "inProgress": 1, "notYetStarted": 0, "cancelled": 0}
    return {
        "id": batch_id,
        "createdDateTimeUtc": "2026-12-01T09:00:00Z",
        "lastActionDateTimeUtc": "2026-12-01T09:00:01Z",
        "status": "Running",
        "summary": {**summary, "totalCharacterCharged": 0},
    }


def document(source: str) -> dict[str, object]:
    return {
        "id": "00000001-0000-4000-8000-000000000000",
        "sourcePath": source,
        "status": "Running",
        "to": "fr",
        "lastActionDateTimeUtc": "2026-12-01T09:00:01Z",
    }


class Service:
    """Batches already on the service (id -> the source path of its first document), and the POSTs received."""

    def __init__(self, batches: dict[str, str], *, post_seconds: float = 0.0) -> None:
        self.batches = batches
        self.posts = 0
        self.requests: list[str] = []
        self._post_seconds = post_seconds
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(f"{request.method} {request.url.path}")
        if request.method == "POST":
            time.sleep(self._post_seconds)  # a slow POST: minutes of 429s, in short
            with self._lock:
                self.posts += 1
            location = f"https://x.cognitiveservices.azure.com/translator/document/batches/{NEW_ID}"
            return httpx.Response(202, headers={"Operation-Location": location})
        if request.url.path.endswith("/documents"):
            batch_id = request.url.path.split("/")[-2]
            return httpx.Response(200, json={"value": [document(self.batches[batch_id])]})
        return httpx.Response(200, json={"value": [status(b) for b in self.batches]})


@pytest.fixture
def account(azurite: ManagedProcess) -> StorageAccount:
    return StorageAccount(load_settings(storage_connection_string=connection_string(azurite.port)))


@pytest.fixture
def container(azurite: ManagedProcess) -> str:
    return Storage(azurite.port).new_container("tgt")


@pytest.fixture
def journal(account: StorageAccount, container: str) -> SubmissionJournal:
    return SubmissionJournal(account, container, "job")


def record(journal: SubmissionJournal, *, pending: bool = False, batch_id: str | None = None) -> None:
    with journal.claim(BATCH.key) as claim:
        if pending:
            claim.mark_pending()
        if batch_id:
            claim.record_batch(batch_id)


def test_a_new_batch_is_marked_pending_then_posted_once_and_recorded(
    sync_client: Callable[..., DocumentTranslationClient], journal: SubmissionJournal
) -> None:
    service = Service({})
    cleared: list[int] = []
    assert submit(sync_client(service), journal, before_post=lambda: cleared.append(1)) == NEW_ID
    assert service.posts == 1
    assert cleared == [1]
    entry = journal.read(BATCH.key)
    assert entry.batch_id == NEW_ID
    assert entry.pending_since is not None, "the pending mark must be written before the POST"


def test_a_recorded_batch_is_reattached_without_a_request(
    sync_client: Callable[..., DocumentTranslationClient], journal: SubmissionJournal
) -> None:
    record(journal, batch_id=EARLIER_ID)
    service = Service({})
    assert submit(sync_client(service), journal, before_post=pytest.fail) == EARLIER_ID
    assert service.requests == []


def test_a_pending_batch_that_reached_the_service_is_adopted_not_sent_again(
    sync_client: Callable[..., DocumentTranslationClient], journal: SubmissionJournal
) -> None:
    record(journal, pending=True)  # the run died between its POST and recording the answer
    service = Service({OTHER_ID: f"{STORAGE}/src/other/b.txt", EARLIER_ID: f"{STORAGE}:443/src/job/a.txt"})

    adopted = submit(sync_client(service), journal, before_post=pytest.fail)

    assert adopted == EARLIER_ID
    assert service.posts == 0
    assert journal.read(BATCH.key).batch_id == EARLIER_ID


def test_a_pending_batch_the_service_never_got_is_posted(
    sync_client: Callable[..., DocumentTranslationClient], journal: SubmissionJournal
) -> None:
    record(journal, pending=True)  # the run died before its POST
    service = Service({OTHER_ID: f"{STORAGE}/src/other/b.txt"})

    assert submit(sync_client(service), journal) == NEW_ID

    assert service.posts == 1


def test_two_workers_at_once_send_one_post_and_both_get_its_batch(
    sync_client: Callable[..., DocumentTranslationClient], account: StorageAccount, container: str
) -> None:
    service = Service({}, post_seconds=3.0)
    workers = [SubmissionJournal(account, container, "job") for _ in range(3)]  # nothing shared but storage

    with ThreadPoolExecutor(3) as pool:
        ids = list(pool.map(lambda journal: submit(sync_client(service), journal), workers))

    assert ids == [NEW_ID] * 3
    assert service.posts == 1


def test_sas_lifetimes_grow_with_the_batch_from_the_setting_up_to_seven_days() -> None:
    def batch(documents: int, languages: int, size: int = 1000) -> BatchPlan:
        docs = [
            SourceDocument(relative_path=f"{i}.txt", container="c", size=size, md5="0" * 32) for i in range(documents)
        ]
        langs = [f"l{i}" for i in range(languages)]
        pairs = [Pair(d, lang, f"job/{lang}/{d.relative_path}") for d in docs for lang in langs]
        planned = PlannedBatch(key="k" * 32, documents=docs, languages=langs)
        return BatchPlan(batch=planned, decision=ExistingDecision(translate=pairs))

    floor = timedelta(minutes=240)
    assert sas_lifetime(batch(5, 2), floor) == floor
    assert sas_lifetime(batch(1000, 10), floor) == timedelta(minutes=60 + 10_000 / 20 + 1000 * 1000 / 1024 / 1024 / 10)
    assert sas_lifetime(batch(1000, 10, size=250_000), floor) > sas_lifetime(batch(1000, 10), floor)
    assert sas_lifetime(batch(1000, 10), timedelta(days=30)) == timedelta(days=7)
