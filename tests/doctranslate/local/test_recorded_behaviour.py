"""Driven the way each recording drove the real service, the local service answers with the same
status codes, the same JSON shapes and the same status sequence."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from doctranslate.local.stack import ManagedProcess, free_port
from doctranslate.wire import Status
from tests.doctranslate.local.conftest import start_service
from tests.support.recordings import Exchange, translator_exchanges
from tests.support.storage import Storage

pytestmark = pytest.mark.e2e

KEY = "recorded-behaviour-key"
DATED = "/translator/document"
V1 = "/translator/text/batch/v1.0"


@pytest.fixture(scope="module")
def slow_service(azurite: ManagedProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A service that lingers in each phase, so polling sees NotStarted and Running as the recordings did."""
    home = tmp_path_factory.mktemp("slow")
    env = {"DOCTRANSLATE_FAULT_STEP_SECONDS": "0.6", "DOCTRANSLATE_FAULT_DOCUMENT_SECONDS": "0.3"}
    service = start_service(
        azurite.port, port=free_port(), key=KEY, log=home / "log", state_dir=home / "s", extra_env=env
    )
    yield f"http://127.0.0.1:{service.port}"
    service.stop()


def shape(value: Any) -> Any:
    """The structure of a JSON value: keys and value kinds, not values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def collapsed(statuses: list[str]) -> list[str]:
    return [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    remaining = iter(haystack)
    return all(any(item == candidate for candidate in remaining) for item in needle)


@dataclass
class Run:
    """What a session against the local service produced, in the recording's terms."""

    start: httpx.Response
    statuses: list[str] = field(default_factory=list)
    final: dict[str, Any] = field(default_factory=dict)
    documents: list[dict[str, Any]] = field(default_factory=list)


def recorded_statuses(exchanges: list[Exchange]) -> list[str]:
    """The recording's status sequence without the gateway's stale reads (a status older than one seen)."""
    statuses = [e.json()["status"] for e in exchanges if e.status == 200 and e.json() and "status" in e.json()]
    fresh: list[str] = []
    for status in statuses:
        if not fresh or Status(status).rank >= max(Status(s).rank for s in fresh):
            fresh.append(status)
    return collapsed(fresh)


def drive(endpoint: str, prefix: str, body: dict[str, Any], *, cancel: bool = False) -> Run:
    query = {"api-version": "2024-05-01"} if prefix == DATED else {}
    with httpx.Client(base_url=endpoint, headers={"Ocp-Apim-Subscription-Key": KEY}, params=query, timeout=10) as http:
        run = Run(http.post(f"{prefix}/batches", json=body))
        batch_id = run.start.headers["Operation-Location"].split("/batches/")[1].split("?")[0]
        if cancel:
            cancelled = http.delete(f"{prefix}/batches/{batch_id}")
            run.statuses.append(cancelled.json()["status"])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            run.final = http.get(f"{prefix}/batches/{batch_id}").json()
            run.statuses.append(run.final["status"])
            if run.final["status"] in ("Succeeded", "Failed", "Cancelled", "ValidationFailed"):
                break
            time.sleep(0.1)
        run.documents = http.get(f"{prefix}/batches/{batch_id}/documents").json()["value"]
    run.statuses = collapsed(run.statuses)
    return run


def body_for(source_url: str, target_url: str, language: str = "es") -> dict[str, Any]:
    return {
        "inputs": [
            {
                "source": {"sourceUrl": source_url, "filter": {}},
                "targets": [{"targetUrl": target_url, "language": language}],
            }
        ]
    }


def unreachable_url() -> str:
    return f"http://127.0.0.1:{free_port()}/devstoreaccount1/nothing"  # nothing listens there


@dataclass
class Scenario:
    recording: str
    prefix: str
    source_files: dict[str, bytes]
    target_files: dict[str, bytes] = field(default_factory=dict)
    source_reachable: bool = True
    target_reachable: bool = True
    cancel: bool = False


SCENARIOS = [
    Scenario("test_translation.pyTestTranslationtest_bad_input_source.json", DATED, {}, source_reachable=False),
    Scenario(
        "test_translation.pyTestTranslationtest_bad_input_target.excerpt.json",
        DATED,
        {"a.txt": b"This is some text"},
        target_reachable=False,
    ),
    Scenario("test_translation.pyTestTranslationtest_empty_document.excerpt.json", DATED, {"empty.txt": b""}),
    Scenario(
        "test_translation.pyTestTranslationtest_use_supported_and_unsupported_files.json",
        DATED,
        {"x.txt": b"This is written in english.", "y.jpg": b"This is written in english."},
    ),
    Scenario(
        "test_cancel_translation.pyTestCancelTranslationtest_cancel_translation.excerpt.json",
        DATED,
        {f"d{i}.txt": b"This is written in english." for i in range(8)},
        cancel=True,
    ),
    Scenario(
        "test_translation.pyTestTranslationtest_existing_documents_in_target.json",
        V1,
        {"document.txt": b"This is written in english."},
        {"document.txt": b"This is written in english."},
    ),
    Scenario(
        "test_translation.pyTestTranslationtest_existing_documents_in_target_one_valid.excerpt.json",
        V1,
        {"document.txt": b"This is written in english.", "new.txt": b"This is written in english."},
        {"document.txt": b"This is written in english."},
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.recording.split("test_")[-1][:40])
def test_local_service_answers_like_the_recording(
    azurite: ManagedProcess, slow_service: str, scenario: Scenario
) -> None:
    recorded = translator_exchanges(scenario.recording)
    storage = Storage(azurite.port)
    source, target = storage.new_container("src"), storage.new_container("target")
    storage.upload(source, scenario.source_files)
    storage.upload(target, scenario.target_files)
    source_url = storage.container_url(source, "rl") if scenario.source_reachable else unreachable_url()
    target_url = storage.container_url(target, "wl") if scenario.target_reachable else unreachable_url()

    run = drive(slow_service, scenario.prefix, body_for(source_url, target_url), cancel=scenario.cancel)

    recorded_start = recorded[0]
    assert run.start.status_code == recorded_start.status == 202
    assert shape(run.start.json() if run.start.content else None) == shape(recorded_start.json())
    statuses = recorded_statuses(recorded)
    assert run.statuses[-1] == statuses[-1]
    assert is_subsequence(statuses, run.statuses), (statuses, run.statuses)
    recorded_final = next(e.json() for e in reversed(recorded) if e.json() and e.json().get("status") == statuses[-1])
    assert shape(run.final) == shape(recorded_final)
    if recorded_final.get("status") == "ValidationFailed":
        assert run.final["error"]["innerError"]["code"] == recorded_final["error"]["innerError"]["code"]
        return
    assert run.final["summary"] == recorded_final["summary"] if not scenario.cancel else True
    recorded_documents = next((e.json()["value"] for e in recorded if e.path.endswith("/documents")), None)
    if recorded_documents:
        by_status = {d["status"]: d for d in run.documents}
        for document in recorded_documents:
            ours = by_status[document["status"]]
            assert shape(ours).keys() >= shape(document).keys() - {"createdDateTimeUtc"}
            assert {k: shape(ours)[k] for k in shape(document)} == shape(document)
            if "error" in document:
                assert ours["error"]["innerError"]["code"] == document["error"]["innerError"]["code"]
            assert ours["characterCharged"] == document["characterCharged"]


def test_cancelled_batch_matches_the_recorded_summary(azurite: ManagedProcess, slow_service: str) -> None:
    """The recording cancelled before any document started: all 8 end Cancelled, none charged."""
    recorded = translator_exchanges(
        "test_cancel_translation.pyTestCancelTranslationtest_cancel_translation.excerpt.json"
    )
    storage = Storage(azurite.port)
    source, target = storage.new_container("src"), storage.new_container("target")
    storage.upload(source, {f"d{i}.txt": b"This is written in english." for i in range(8)})

    run = drive(
        slow_service,
        DATED,
        body_for(storage.container_url(source, "rl"), storage.container_url(target, "wl")),
        cancel=True,
    )

    assert run.final["summary"] == recorded[-1].json()["summary"]
    assert storage.names(target) == []


@pytest.mark.parametrize(
    ("recording", "path"),
    [
        (
            "test_supported_formats.pyTestSupportedFormatstest_supported_document_formats.json",
            f"{DATED}/formats?type=document",
        ),
        (
            "test_supported_formats.pyTestSupportedFormatstest_supported_glossary_formats.json",
            f"{DATED}/formats?type=glossary",
        ),
        ("test_supported_formats.test_supported_glossary_formats.v1.0.yaml", f"{V1}/glossaries/formats"),
    ],
)
def test_formats_are_exactly_the_recorded_lists(slow_service: str, recording: str, path: str) -> None:
    path, _, kind = path.partition("?type=")
    query = {"api-version": "2024-05-01", "type": kind} if path.startswith(DATED) else {}
    response = httpx.get(slow_service + path, params=query, headers={"Ocp-Apim-Subscription-Key": KEY})
    (exchange,) = translator_exchanges(recording)

    assert response.status_code == 200
    assert response.json() == exchange.json()


def test_batch_list_pages_like_the_recording(slow_service: str, azurite: ManagedProcess) -> None:
    recorded = translator_exchanges("test_list_translations.pyTestListTranslationstest_list_translations.excerpt.json")[
        0
    ]
    headers = {"Ocp-Apim-Subscription-Key": KEY}
    first = httpx.get(
        f"{slow_service}{DATED}/batches", params={"api-version": "2024-05-01", "maxpagesize": 2}, headers=headers
    )
    body = first.json()
    second = httpx.get(body["@nextLink"], headers=headers).json()

    assert shape(body["value"][0]) == shape(recorded.json()["value"][0])
    assert set(body) == set(recorded.json()) == {"value", "@nextLink"}
    assert "skip=2" in body["@nextLink"] and "api-version=2024-05-01" in body["@nextLink"]
    assert {b["id"] for b in second["value"]}.isdisjoint({b["id"] for b in body["value"]})


def test_fixture_recordings_exist() -> None:
    for scenario in SCENARIOS:
        assert (Path(__file__).resolve().parents[2] / "fixtures" / "recordings" / scenario.recording).is_file()
    assert json.dumps(shape({"a": [1, "x"]})) == '{"a": ["number"]}'
