"""The local service's paging and filters: remaining top, advanced skip, both spellings, named errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from doctranslate.local.paging import ListParameterError, ListRequest, page
from doctranslate.wire import Status


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
