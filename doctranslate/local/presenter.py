"""Rows of the state store in the exact JSON shapes the real service sends (api-facts §3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from doctranslate.local.state import BatchRow, DocumentRow, Tally
from doctranslate.wire.formats import FileFormat
from doctranslate.wire.status import Status


@dataclass(frozen=True)
class WireShape:
    """What the answers of one API version carry: the first 2024 shape, and what came since."""

    explicit_port: bool = False  # 2024-05-01 and later write `:443` into paths
    image_counters: bool = False  # 2024-11-01-preview and later, when a request asked for text in images
    deployments: bool = False  # 2026-03-01: `deploymentName` per document


def dotnet_timestamp(moment: datetime) -> str:
    """`2024-10-11T02:18:42.6957534Z`: seven fractional digits, trailing zeros dropped, `Z`."""
    fraction = f"{moment.microsecond * 10:07d}".rstrip("0")
    return f"{moment:%Y-%m-%dT%H:%M:%S}" + (f".{fraction}" if fraction else "") + "Z"


def service_error(code: str, inner_code: str, message: str, target: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "target": target,
        "innerError": {"code": inner_code, "message": message},
    }


def error_body(status: int, code: str, inner_code: str, message: str) -> dict[str, Any]:
    return {"error": service_error(code, inner_code, message, "Operation")}


def gateway_error_body(status: int, message: str) -> dict[str, Any]:
    """The API gateway's flat shape: the code is the HTTP status as a string."""
    return {"error": {"code": str(status), "message": message}}


def summary(tally: Tally, shape: WireShape) -> dict[str, int]:
    counts = {
        "total": tally.total,
        "failed": tally.counts.get(Status.FAILED, 0),
        "success": tally.counts.get(Status.SUCCEEDED, 0),
        "inProgress": tally.counts.get(Status.RUNNING, 0),
        "notYetStarted": tally.counts.get(Status.NOT_STARTED, 0),
        "cancelled": tally.counts.get(Status.CANCELLED, 0),
        "totalCharacterCharged": tally.characters,
    }
    if shape.image_counters and tally.images is not None:
        counts |= {"totalImageScansSucceeded": tally.images, "totalImageScansFailed": 0}
        if shape.deployments:
            counts["totalImageCharged"] = tally.images
    return counts


def batch_body(batch: BatchRow, tally: Tally, shape: WireShape) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": batch.id,
        "createdDateTimeUtc": dotnet_timestamp(batch.created),
        "lastActionDateTimeUtc": dotnet_timestamp(batch.last_action),
        "status": batch.status.value,
    }
    if batch.error:
        body["error"] = batch.error
    body["summary"] = summary(tally, shape)
    return body


def _with_explicit_port(url: str) -> str:
    """2024-05-01 writes `https://acct.blob.core.windows.net:443/...` (live, api-facts §3.3)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.port is None:
        return urlunsplit(parts._replace(netloc=f"{parts.netloc}:443"))
    return url


def document_body(document: DocumentRow, shape: WireShape) -> dict[str, Any]:
    address = _with_explicit_port if shape.explicit_port else str
    body: dict[str, Any] = {}
    if document.status is Status.SUCCEEDED:
        body["path"] = address(document.target_path)
    body["sourcePath"] = address(document.source_path)
    body["createdDateTimeUtc"] = dotnet_timestamp(document.created)
    body["lastActionDateTimeUtc"] = dotnet_timestamp(document.last_action)
    body["status"] = document.status.value
    body["to"] = document.language
    if document.error:
        body["error"] = document.error
    body["progress"] = 1 if document.status is Status.SUCCEEDED else document.progress
    body["id"] = document.id
    succeeded = document.status is Status.SUCCEEDED
    body["characterCharged"] = document.characters if succeeded else 0
    if shape.image_counters and document.images is not None:
        images = document.images if succeeded else 0
        body |= {"totalImageScansSucceeded": images, "totalImageScansFailed": 0}
        if shape.deployments:
            body |= {"imageCharged": images, "imageCharacterDetected": 0}
    if shape.deployments and document.deployment_name:
        body["deploymentName"] = document.deployment_name
    return body


def format_listing(formats: list[FileFormat], kind: str | None) -> list[dict[str, object]]:
    """The wire shape: 2024-05-01 adds `type`; empty `versions` are omitted."""
    body = []
    for item in formats:
        entry = item.model_dump(by_alias=True, exclude_none=True, exclude={"type"})
        if not entry.get("versions"):
            entry.pop("versions", None)
        if kind:
            entry["type"] = kind
        body.append(entry)
    return body
