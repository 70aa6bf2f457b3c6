"""The local service's state store: what listings and status reads take from it, and what they leave."""

from __future__ import annotations

import json

from doctranslate.local.state import StateStore
from doctranslate.wire import Status

SIGNATURE = "sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D"


def _request(batch: str) -> str:
    source = f"https://acct.blob.core.windows.net/src/{batch}.txt?sv=2024-08-04&sr=b&sp=r&{SIGNATURE}"
    return json.dumps({"inputs": [{"source": {"sourceUrl": source}, "targets": [], "storageType": "File"}]})


def test_a_listing_page_reads_its_own_batches_newest_first_without_their_requests() -> None:
    store = StateStore(":memory:")
    for name in ("first", "second", "third"):
        store.create_batch(name, _request(name), "2024-05-01")
    store.set_batch_status("second", Status.SUCCEEDED)

    keys = store.batch_keys()
    page = store.batches_by_id(["first", "third"])

    assert [(batch_id, status) for batch_id, status, _ in keys] == [
        ("third", Status.NOT_STARTED),
        ("second", Status.SUCCEEDED),
        ("first", Status.NOT_STARTED),
    ]
    assert [b.id for b in page] == ["first", "third"]
    rows = [*page, store.get_batch("second")]
    assert all(SIGNATURE not in repr(row) for row in rows)  # a row in a log line carries no SAS


def test_the_job_reads_the_request_it_runs() -> None:
    store = StateStore(":memory:")
    store.create_batch("one", _request("one"), "2024-05-01")

    assert store.batch_request("one") == _request("one")
    assert store.batch_request("unknown") is None
