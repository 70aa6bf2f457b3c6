"""Pure parts of the local service: the pseudo engine, paging, timestamps, SAS URL parsing, fault plan."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from doctranslate.glossaries import Glossary
from doctranslate.local.engines import PseudoEngine, unpseudo
from doctranslate.local.faults import FaultPlan, RequestFaults
from doctranslate.local.paging import ListParameterError, ListRequest, page
from doctranslate.local.presenter import dotnet_timestamp
from doctranslate.local.sas_storage import SasLocation, host_allowed
from doctranslate.wire import Status


def test_pseudo_is_visible_expanded_and_reversible() -> None:
    (out,) = PseudoEngine().translate(["Hello, world!"], source_language=None, target_language="fr", glossary=None)
    assert out.startswith("[fr: ") and out.endswith("]")
    assert len(out) > len("Hello, world!") * 1.3
    assert not any(ch in out for ch in "elo")  # every letter changed
    assert unpseudo(out) == "Hello, world!"


def test_glossary_terms_are_inserted_verbatim() -> None:
    glossary = Glossary({"Prefect": "Prefect", "flow": "Fluss"})
    (out,) = PseudoEngine().translate(
        ["Run the flow in Prefect."], source_language="en", target_language="de", glossary=glossary
    )
    assert "Fluss" in out and "Prefect" in out


def test_dotnet_timestamps_have_seven_digits_without_trailing_zeros() -> None:
    assert dotnet_timestamp(datetime(2024, 10, 11, 2, 18, 42, 695753, tzinfo=UTC)) == "2024-10-11T02:18:42.695753Z"
    assert dotnet_timestamp(datetime(2024, 10, 11, 2, 18, 42, 100000, tzinfo=UTC)) == "2024-10-11T02:18:42.1Z"
    assert dotnet_timestamp(datetime(2024, 10, 11, 2, 18, 42, tzinfo=UTC)) == "2024-10-11T02:18:42Z"


def test_paging_emits_remaining_top_and_advanced_skip() -> None:
    items = list(range(7))
    request = ListRequest.parse({"top": "5", "maxpagesize": "2", "api-version": "2024-05-01"})

    first = page(
        items,
        request,
        base_url="http://h/b",
        query={"top": "5", "maxpagesize": "2", "api-version": "2024-05-01"},
        dollar_names=False,
    )

    assert first["value"] == [0, 1]
    assert first["@nextLink"] == "http://h/b?skip=2&top=3&maxpagesize=2&api-version=2024-05-01"
    last = page(
        items, ListRequest.parse({"skip": "4", "top": "1"}), base_url="http://h/b", query={}, dollar_names=False
    )
    assert last == {"value": [4]}


def test_paging_accepts_both_spellings_and_v1_links_use_dollars() -> None:
    request = ListRequest.parse({"$top": "3", "$skip": "1", "$maxpagesize": "1", "$orderBy": "createdDateTimeUtc asc"})
    body = page(list("abcde"), request, base_url="http://h/b", query={}, dollar_names=True)
    assert body["value"] == ["b"] and body["@nextLink"] == "http://h/b?$skip=2&$top=2&$maxpagesize=1"
    assert request.ascending


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"maxpagesize": "500"}, "maxpagesize must be between 1 and 100"),
        ({"top": "-1"}, "top must be at least 0"),
        ({"skip": "x"}, "skip must be an integer"),
        ({"statuses": "Done"}, "statuses must be among"),
        ({"orderby": "id asc"}, "orderby supports only"),
        ({"createdDateTimeUtcStart": "yesterday"}, "createdDateTimeUtcStart must be an ISO-8601"),
    ],
)
def test_bad_list_parameters_name_the_parameter(query: dict[str, str], message: str) -> None:
    with pytest.raises(ListParameterError, match=message):
        ListRequest.parse(query)


def test_filters_select_by_id_status_and_time() -> None:
    t = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        ("a", Status.SUCCEEDED, t),
        ("b", Status.FAILED, t.replace(day=2)),
        ("c", Status.SUCCEEDED, t.replace(day=3)),
    ]
    request = ListRequest.parse({"statuses": "Succeeded", "createdDateTimeUtcStart": "2026-01-02T00:00:00Z"})
    assert [r[0] for r in request.select(rows, lambda r: r)] == ["c"]
    assert [r[0] for r in ListRequest.parse({"ids": "A,b"}).select(rows, lambda r: r)] == ["b", "a"]


def test_sas_urls_of_azure_and_the_emulator() -> None:
    azure = SasLocation.parse("https://acct.blob.core.windows.net/src/folder?sv=1&sig=x", is_blob=False)
    emulator = SasLocation.parse("http://127.0.0.1:10000/devstoreaccount1/src/a%20b.txt?sig=y", is_blob=True)
    assert (azure.container_url, azure.folder_prefix, azure.sas) == (
        "https://acct.blob.core.windows.net/src",
        "folder/",
        "sv=1&sig=x",
    )
    assert (emulator.container_url, emulator.blob_name) == ("http://127.0.0.1:10000/devstoreaccount1/src", "a b.txt")
    assert emulator.blob_url("a b.txt", with_sas=False) == "http://127.0.0.1:10000/devstoreaccount1/src/a%20b.txt"
    with pytest.raises(ValueError, match="names no blob"):
        SasLocation.parse("https://acct.blob.core.windows.net/src?sig=x", is_blob=True)


def test_only_allowed_storage_hosts_are_contacted() -> None:
    allowed = ("127.0.0.1", "*.blob.core.windows.net")
    assert host_allowed("https://acct.blob.core.windows.net/c", allowed)
    assert host_allowed("http://127.0.0.1:10000/devstoreaccount1/c", allowed)
    assert not host_allowed("http://169.254.169.254/metadata", allowed)
    assert not host_allowed("https://blob.core.windows.net.evil.example/c", allowed)


def test_fault_plan_is_deterministic_and_bursty() -> None:
    faults = RequestFaults(FaultPlan(unavailable_every=4, unavailable_burst=2))
    assert [faults.next_request() for _ in range(10)] == [None, None, None, 503, 503, None, None, 503, 503, None]
    ratio = FaultPlan(fail_document_ratio=0.5, seed=3)
    decisions = [ratio.document_fails(f"d{i}.txt") for i in range(200)]
    assert decisions == [ratio.document_fails(f"d{i}.txt") for i in range(200)]
    assert 70 < sum(decisions) < 130
