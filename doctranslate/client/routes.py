"""Where each operation lives in each API generation, and how list filters are spelt there.

v1.x puts the version in the path (`/translator/text/batch/v1.1/batches`) and uses `$top`-style
names; 2024-05-01 (and 2026-03-01) move to `/translator/document/batches?api-version=...` with `top`-style names
(which the live service honours, api-facts §3.6). One data table per family, no subclassing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field

from doctranslate.settings import ApiVersion
from doctranslate.wire.status import Status


@dataclass(frozen=True)
class RouteFamily:
    api_version: ApiVersion
    batches_path: str
    document_formats_path: str
    glossary_formats_path: str
    top: str
    skip: str
    page_size: str
    order_by: str
    version_query: dict[str, str] = field(default_factory=dict)
    document_formats_query: dict[str, str] = field(default_factory=dict)
    glossary_formats_query: dict[str, str] = field(default_factory=dict)
    sync_translate_path: str | None = None

    def batch_path(self, batch_id: str) -> str:
        return f"{self.batches_path}/{quote(batch_id, safe='')}"

    def documents_path(self, batch_id: str) -> str:
        return f"{self.batch_path(batch_id)}/documents"

    def document_path(self, batch_id: str, document_id: str) -> str:
        return f"{self.documents_path(batch_id)}/{quote(document_id, safe='')}"


def _v1(version: ApiVersion) -> RouteFamily:
    base = f"/translator/text/batch/{version.value}"
    return RouteFamily(
        api_version=version,
        batches_path=f"{base}/batches",
        document_formats_path=f"{base}/documents/formats",
        glossary_formats_path=f"{base}/glossaries/formats",
        top="$top",
        skip="$skip",
        page_size="$maxpagesize",
        order_by="$orderBy",
    )


def _dated(version: ApiVersion) -> RouteFamily:
    return RouteFamily(
        api_version=version,
        batches_path="/translator/document/batches",
        document_formats_path="/translator/document/formats",
        glossary_formats_path="/translator/document/formats",
        top="top",
        skip="skip",
        page_size="maxpagesize",
        order_by="orderby",
        version_query={"api-version": version.value},
        document_formats_query={"type": "document"},
        glossary_formats_query={"type": "glossary"},
        sync_translate_path="/translator/document:translate",
    )


_FAMILIES = {
    ApiVersion.V1_0: _v1(ApiVersion.V1_0),
    ApiVersion.V1_1: _v1(ApiVersion.V1_1),
    ApiVersion.V2026_03_01: _dated(ApiVersion.V2026_03_01),
    ApiVersion.V2024_05_01: _dated(ApiVersion.V2024_05_01),
}


def routes_for(api_version: ApiVersion) -> RouteFamily:
    return _FAMILIES[api_version]


def format_timestamp(moment: datetime) -> str:
    """ISO-8601 in UTC with a `Z`, as the service's own timestamps."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class ListQuery(BaseModel):
    """Filters for listing batches or documents; the same on both route families."""

    model_config = ConfigDict(frozen=True)

    ids: list[str] | None = Field(default=None, min_length=1)
    statuses: list[Status] | None = Field(default=None, min_length=1)
    created_after: datetime | None = None
    created_before: datetime | None = None
    order: Literal["asc", "desc"] | None = None
    top: int | None = Field(default=None, ge=0, description="Total items across all pages.")
    skip: int | None = Field(default=None, ge=0)
    page_size: int | None = Field(default=None, ge=1, le=100)

    def to_params(self, family: RouteFamily) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.top is not None:
            params[family.top] = str(self.top)
        if self.skip is not None:
            params[family.skip] = str(self.skip)
        if self.page_size is not None:
            params[family.page_size] = str(self.page_size)
        if self.ids:
            params["ids"] = ",".join(self.ids)
        if self.statuses:
            params["statuses"] = ",".join(status.value for status in self.statuses)
        if self.created_after is not None:
            params["createdDateTimeUtcStart"] = format_timestamp(self.created_after)
        if self.created_before is not None:
            params["createdDateTimeUtcEnd"] = format_timestamp(self.created_before)
        if self.order is not None:
            params[family.order_by] = f"createdDateTimeUtc {self.order}"
        return params
