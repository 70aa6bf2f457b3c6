"""List filters and `@nextLink` paging, as the real service does them (api-facts §3.6).

Both spellings of every parameter are accepted on both route families (`top`/`$top`, ...); the
continuation link carries the advanced `skip` and the *remaining* `top`, and is absent on the last page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from doctranslate.wire.status import Status

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


class ListParameterError(ValueError):
    """A list parameter is malformed; the message names it."""


def _pick(query: Mapping[str, str], *names: str) -> str | None:
    lowered = {key.lower(): value for key, value in query.items()}
    return next((lowered[name.lower()] for name in names if name.lower() in lowered), None)


def _integer(query: Mapping[str, str], name: str, minimum: int, maximum: int | None = None) -> int | None:
    raw = _pick(query, name, f"${name}")
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ListParameterError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise ListParameterError(f"{name} must be {bounds}, got {value}")
    return value


def _moment(query: Mapping[str, str], name: str) -> datetime | None:
    raw = _pick(query, name)
    if raw is None:
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ListParameterError(f"{name} must be an ISO-8601 date-time, got {raw!r}") from None


@dataclass(frozen=True)
class ListRequest:
    top: int | None
    skip: int
    page_size: int
    ids: frozenset[str] | None
    statuses: frozenset[Status] | None
    created_after: datetime | None
    created_before: datetime | None
    ascending: bool

    @classmethod
    def parse(cls, query: Mapping[str, str]) -> ListRequest:
        ids = _pick(query, "ids")
        statuses = _pick(query, "statuses")
        order = (_pick(query, "orderby", "$orderBy") or "createdDateTimeUtc desc").strip()
        if order.lower() not in ("createddatetimeutc asc", "createddatetimeutc desc", "createddatetimeutc"):
            raise ListParameterError(f"orderby supports only 'createdDateTimeUtc asc|desc', got {order!r}")
        try:
            wanted = frozenset(Status(s.strip()) for s in statuses.split(",") if s.strip()) if statuses else None
        except ValueError:
            raise ListParameterError(f"statuses must be among {', '.join(s.value for s in Status)}") from None
        return cls(
            top=_integer(query, "top", 0),
            skip=_integer(query, "skip", 0) or 0,
            page_size=_integer(query, "maxpagesize", 1, MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE,
            ids=frozenset(i.strip().lower() for i in ids.split(",") if i.strip()) if ids else None,
            statuses=wanted,
            created_after=_moment(query, "createdDateTimeUtcStart"),
            created_before=_moment(query, "createdDateTimeUtcEnd"),
            ascending=order.lower().endswith("asc"),
        )

    def select(self, items: Sequence[T], key: Callable[[T], tuple[str, Status, datetime]]) -> list[T]:
        """Filter by ids, statuses and created range; order by creation time."""
        chosen = []
        for item in items:
            item_id, status, created = key(item)
            if self.ids is not None and item_id.lower() not in self.ids:
                continue
            if self.statuses is not None and status not in self.statuses:
                continue
            if self.created_after and created < self.created_after:
                continue
            if self.created_before and created > self.created_before:
                continue
            chosen.append(item)
        return sorted(chosen, key=lambda item: key(item)[2], reverse=not self.ascending)


def page(
    items: Sequence[Any],
    request: ListRequest,
    *,
    base_url: str,
    query: Mapping[str, str],
    dollar_names: bool,
) -> dict[str, Any]:
    """One page of `items` (already filtered and sorted) and, if more remain, its `@nextLink`."""
    end = len(items) if request.top is None else min(len(items), request.skip + request.top)
    value = list(items[request.skip : min(end, request.skip + request.page_size)])
    body: dict[str, Any] = {"value": value}
    next_skip = request.skip + len(value)
    if value and next_skip < end:
        names = ("$skip", "$top", "$maxpagesize") if dollar_names else ("skip", "top", "maxpagesize")
        carried = {
            k: v for k, v in query.items() if k.lower().lstrip("$") not in ("skip", "top", "maxpagesize", "api-version")
        }
        link = {names[0]: next_skip, names[1]: end - next_skip, names[2]: request.page_size, **carried}
        if "api-version" in query:
            link["api-version"] = query["api-version"]
        body["@nextLink"] = f"{base_url}?{urlencode(link, safe='$,:')}"
    return body
