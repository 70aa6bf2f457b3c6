"""Blob arrivals as events: read from Azure Event Grid (its own schema or CloudEvents 1.0), made by the
container watcher, and written as Prefect events `azure.storage.blob.created`.

Prefect-free: a Prefect event is plain JSON, posted to the server's `/events` route by `prefect_events.py`.
The Prefect event id is the Event Grid id when that is a UUID (it is, in practice), otherwise a UUID
derived from it, so a redelivered event keeps its id and is counted once.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from doctranslate.errors import BadInputError
from doctranslate.storage.locations import blob_name_problem, is_container_name

PREFECT_EVENT: Final = "azure.storage.blob.created"
BLOB_CREATED: Final = "Microsoft.Storage.BlobCreated"
VALIDATION: Final = "Microsoft.EventGrid.SubscriptionValidationEvent"
_SUBJECT_PREFIX: Final = "/blobServices/default/containers/"


class BlobCreated(BaseModel):
    """One blob that arrived (or changed) in a container."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="The delivering system's event id (Event Grid's, or the watcher's).")
    account: str
    container: str
    blob: str
    occurred: datetime
    size: int | None = None
    content_type: str | None = None
    etag: str | None = None

    def to_prefect_event(self) -> dict[str, Any]:
        return {
            "id": str(_as_uuid(self.id)),
            "occurred": self.occurred.astimezone(UTC).isoformat(),
            "event": PREFECT_EVENT,
            "resource": {
                "prefect.resource.id": f"azure.storage.blob.{self.account}.{self.container}/{self.blob}",
                "prefect.resource.name": self.blob,
                "azure.storage.account": self.account,
                "azure.storage.container": self.container,
                "azure.storage.blob": self.blob,
            },
            "payload": {"size": self.size, "content_type": self.content_type, "etag": self.etag},
        }


class EventGridDelivery(BaseModel):
    """What one POST from Event Grid carried: a validation request, blob arrivals, or neither."""

    validation_code: str | None = None
    arrivals: list[BlobCreated] = Field(default_factory=list)
    other_types: list[str] = Field(default_factory=list)
    refused: list[str] = Field(
        default_factory=list, description="Arrivals skipped, with why: a name against Azure's rules is never acted on."
    )


def _as_uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"doctranslate:event:{value}")


def parse_delivery(body: Any) -> EventGridDelivery:
    """Event Grid schema (a list of events) or CloudEvents 1.0 (one event, or a list in batch mode)."""
    events = body if isinstance(body, list) else [body]
    delivery = EventGridDelivery()
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            raise BadInputError(f"event {index} is not a JSON object")
        cloud = "specversion" in event
        kind = str(event.get("type" if cloud else "eventType", ""))
        raw_data = event.get("data")
        data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        if kind == VALIDATION:
            delivery.validation_code = str(data.get("validationCode", ""))
        elif kind == BLOB_CREATED:
            arrival = _blob_created(event, data, cloud=cloud, index=index)
            problem = _name_problem(arrival)
            if problem is None:
                delivery.arrivals.append(arrival)
            else:
                delivery.refused.append(f"event {index}: {problem}")
        else:
            delivery.other_types.append(kind or "(no type)")
    return delivery


def _name_problem(arrival: BlobCreated) -> str | None:
    if not is_container_name(arrival.container):
        return f"{arrival.container[:80]!r} is not a container name (3-63 lowercase letters, digits, dashes)"
    problem = blob_name_problem(arrival.blob)
    return f"{arrival.container}: {problem}" if problem else None


def _blob_created(event: dict[str, Any], data: dict[str, Any], *, cloud: bool, index: int) -> BlobCreated:
    subject = str(event.get("subject", ""))
    if not subject.startswith(_SUBJECT_PREFIX) or "/blobs/" not in subject:
        raise BadInputError(f"event {index}: subject {subject!r} is not a blob's (/blobServices/default/containers/…)")
    container, _, blob = subject.removeprefix(_SUBJECT_PREFIX).partition("/blobs/")
    topic = str(event.get("source" if cloud else "topic", ""))
    account = topic.rstrip("/").rsplit("/", 1)[-1] or "unknown"
    when = event.get("time" if cloud else "eventTime")
    try:
        occurred = datetime.fromisoformat(str(when)) if when else datetime.now(UTC)
    except ValueError:
        raise BadInputError(f"event {index}: time {when!r} is not an ISO 8601 timestamp") from None
    event_id = str(event.get("id", "")) or f"{account}/{container}/{blob}/{data.get('eTag', '')}"
    return BlobCreated(
        id=event_id,
        account=account,
        container=container,
        blob=blob,
        occurred=occurred if occurred.tzinfo else occurred.replace(tzinfo=UTC),
        size=data.get("contentLength"),
        content_type=data.get("contentType"),
        etag=data.get("eTag"),
    )
