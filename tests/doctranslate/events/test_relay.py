"""The Event Grid relay, in front of a real Prefect server: the subscription handshakes, the secret, the
event types it refuses, and a redelivered event posted once."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr

from doctranslate.events.prefect_sink import PrefectEventSink
from doctranslate.events.relay import create_relay_app
from doctranslate.http.retry import RetryPolicy
from doctranslate.local.stack import free_port
from tests.support.prefect_server import PrefectServer

pytestmark = pytest.mark.e2e

SECRET = "relay-secret-0123456789"


def blob_created(container: str, blob: str, event_id: str | None = None) -> dict[str, Any]:
    """As Event Grid delivers it in its own schema (a real delivery's fields)."""
    return {
        "topic": "/subscriptions/0000/resourceGroups/docs/providers/Microsoft.Storage/storageAccounts/contosodocs",
        "subject": f"/blobServices/default/containers/{container}/blobs/{blob}",
        "eventType": "Microsoft.Storage.BlobCreated",
        "id": event_id or str(uuid.uuid4()),
        "eventTime": datetime.now(UTC).isoformat(),
        "data": {
            "api": "PutBlob",
            "contentType": "text/plain",
            "contentLength": 524,
            "eTag": "0x8DC0000000000",
            "blobType": "BlockBlob",
            "url": f"https://contosodocs.blob.core.windows.net/{container}/{blob}",
        },
        "dataVersion": "",
        "metadataVersion": "1",
    }


@contextmanager
def serving(app: FastAPI) -> Iterator[httpx.Client]:
    """The app under uvicorn on a loopback port, and a client for it: real HTTP, as Event Grid sends it."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    with httpx.Client(base_url=f"http://127.0.0.1:{server.config.port}", timeout=30) as client:
        yield client
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def relay(prefect_server: PrefectServer) -> Iterator[httpx.Client]:
    sink = PrefectEventSink(prefect_server.url)
    with serving(create_relay_app(sink, SecretStr(SECRET))) as client:
        yield client
    sink.close()


def prefect_events_for(server: PrefectServer, container: str, expected: int) -> list[dict[str, Any]]:
    """The server's events about blobs of `container` (ingestion is asynchronous: wait for them, then a
    moment more, in which a duplicate would show up)."""
    body = {
        "filter": {
            "event": {"name": ["azure.storage.blob.created"]},
            "resource": {"labels": {"azure.storage.container": [container]}},
            "order": "ASC",
        },
        "limit": 50,
    }
    deadline = time.monotonic() + 30
    while len(events := server.api.post("/events/filter", json=body).json()["events"]) < expected:
        assert time.monotonic() < deadline, f"{len(events)} of {expected} events arrived"
        time.sleep(0.3)
    time.sleep(1)
    return list(server.api.post("/events/filter", json=body).json()["events"])


def test_event_grid_subscription_validation_is_answered(relay: httpx.Client) -> None:
    handshake = [
        {
            "id": str(uuid.uuid4()),
            "topic": "/subscriptions/0000",
            "subject": "",
            "data": {"validationCode": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", "validationUrl": "https://example"},
            "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent",
            "eventTime": "2026-11-23T09:00:00Z",
            "metadataVersion": "1",
            "dataVersion": "1",
        }
    ]
    answer = relay.post(f"/eventgrid?code={SECRET}", json=handshake)
    assert answer.status_code == 200
    assert answer.json() == {"validationResponse": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6"}


def test_cloud_events_abuse_protection_handshake(relay: httpx.Client) -> None:
    answer = relay.options(f"/eventgrid?code={SECRET}", headers={"WebHook-Request-Origin": "eventgrid.azure.net"})
    assert answer.status_code == 200
    assert answer.headers["WebHook-Allowed-Origin"] == "eventgrid.azure.net"


@pytest.mark.parametrize("query", ["", "?code=", "?code=guess", f"?code={SECRET}x"])
def test_deliveries_without_the_secret_are_refused(relay: httpx.Client, query: str) -> None:
    answer = relay.post(f"/eventgrid{query}", json=[blob_created("docs", "a.txt")])
    assert answer.status_code == 401
    assert "?code= secret" in answer.json()["error"]


def test_unknown_event_types_and_bad_bodies_get_a_clear_400(relay: httpx.Client) -> None:
    deleted = {**blob_created("docs", "a.txt"), "eventType": "Microsoft.Storage.BlobDeleted"}
    answer = relay.post(f"/eventgrid?code={SECRET}", json=[deleted])
    assert answer.status_code == 400
    assert answer.json()["error"] == (
        "unsupported event type(s) Microsoft.Storage.BlobDeleted: subscribe this endpoint to "
        "Microsoft.Storage.BlobCreated"
    )
    assert relay.post(f"/eventgrid?code={SECRET}", content=b"{not json").status_code == 400
    not_a_blob = {**blob_created("docs", "a.txt"), "subject": "/queueServices/default/queues/q"}
    answer = relay.post(f"/eventgrid?code={SECRET}", json=[not_a_blob])
    assert answer.status_code == 400 and "is not a blob's" in answer.json()["error"]
    assert relay.post(f"/eventgrid?code={SECRET}", content=b"[" + b" " * 2_000_000 + b"]").status_code == 413


def test_names_against_azures_rules_are_refused_one_by_one_and_never_posted(
    relay: httpx.Client, prefect_server: PrefectServer
) -> None:
    container = f"incoming-{uuid.uuid4().hex[:8]}"
    hostile = [
        blob_created("../../../../tmp/pwn", "a.txt"),
        blob_created(container, "../../etc/passwd.txt"),
        blob_created(container, "x" * 1025),
    ]

    answer = relay.post(f"/eventgrid?code={SECRET}", json=[*hostile, blob_created(container, "fine.txt")])

    assert answer.status_code == 200, "a retry would change nothing: Event Grid must not redeliver them"
    body = answer.json()
    assert body["relayed"] == 1
    assert [reason.split(":")[0] for reason in body["refused"]] == ["event 0", "event 1", "event 2"]
    assert "is not a container name" in body["refused"][0]
    assert "'..' segment" in body["refused"][1]
    assert "1 to 1,024 characters" in body["refused"][2]
    (event,) = prefect_events_for(prefect_server, container, expected=1)
    assert event["resource"]["azure.storage.blob"] == "fine.txt"


def test_blob_arrivals_become_one_prefect_event_each_even_when_redelivered(
    relay: httpx.Client, prefect_server: PrefectServer
) -> None:
    container = f"incoming-{uuid.uuid4().hex[:8]}"
    first, second = blob_created(container, "contracts/a b.docx"), blob_created(container, "contracts/c.pdf")

    assert relay.post(f"/eventgrid?code={SECRET}", json=[first, second]).json()["relayed"] == 2
    again = relay.post(f"/eventgrid?code={SECRET}", json=[first])  # Event Grid redelivers at least once
    assert again.json() == {"relayed": 0, "duplicates": 1, "ignored_types": [], "refused": []}

    events = prefect_events_for(prefect_server, container, expected=2)
    assert sorted(e["resource"]["azure.storage.blob"] for e in events) == ["contracts/a b.docx", "contracts/c.pdf"]
    assert {e["id"] for e in events} == {first["id"], second["id"]}
    assert all(e["resource"]["azure.storage.account"] == "contosodocs" for e in events)


def test_cloud_events_schema_is_accepted(relay: httpx.Client, prefect_server: PrefectServer) -> None:
    container = f"incoming-{uuid.uuid4().hex[:8]}"
    grid = blob_created(container, "notes.md")
    cloud = {
        "specversion": "1.0",
        "type": grid["eventType"],
        "source": grid["topic"],
        "subject": grid["subject"],
        "id": grid["id"],
        "time": datetime.now(UTC).isoformat(),
        "data": grid["data"],
    }
    answer = relay.post(
        f"/eventgrid?code={SECRET}", json=cloud, headers={"Content-Type": "application/cloudevents+json"}
    )
    assert answer.json()["relayed"] == 1
    assert [e["resource"]["azure.storage.blob"] for e in prefect_events_for(prefect_server, container, 1)] == [
        "notes.md"
    ]


def test_prefect_unreachable_answers_503_so_event_grid_retries() -> None:
    sink = PrefectEventSink(f"http://127.0.0.1:{free_port()}/api", retry=RetryPolicy(max_attempts=1))
    with serving(create_relay_app(sink, SecretStr(SECRET))) as relay:
        delivery = [blob_created("docs", "a.txt")]
        assert relay.post(f"/eventgrid?code={SECRET}", json=delivery).status_code == 503
        # Not remembered as relayed (that would make the retry a "duplicate"): it is tried again.
        assert relay.post(f"/eventgrid?code={SECRET}", json=delivery).status_code == 503
