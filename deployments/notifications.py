"""Notifications for the runs that need a person: a doctranslate run that failed or crashed, and a run
that finished with failed documents (it completes, since every document is accounted for, so that case
arrives as the `doctranslate.run.documents-failed` event the report task emits).

Both call a Prefect webhook block (`prefect block create webhook`: Slack, Teams, PagerDuty, anything
taking a POST). Installing again replaces them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final
from uuid import UUID

from prefect.automations import Automation
from prefect.blocks.webhook import Webhook
from prefect.events.actions import CallWebhook
from prefect.events.schemas.automations import EventTrigger, Posture

from doctranslate_prefect.tasks.report import DOCUMENTS_FAILED_EVENT

FLOWS: Final = ["translate-documents", "translate-incoming", "translate-language-sets", "rerun-failed"]
FAILED_RUN: Final = "doctranslate: a run failed"
FAILED_DOCUMENTS: Final = "doctranslate: documents failed"


def _on_each(
    events: set[str], *, match: dict[str, str], match_related: dict[str, str | list[str]] | None = None
) -> EventTrigger:
    """Fire once for every matching event."""
    return EventTrigger(
        match=match,
        match_related=match_related or {},
        expect=events,
        posture=Posture.Reactive,
        threshold=1,
        within=timedelta(0),
    )


def notification_automations(webhook_block_id: UUID) -> list[Automation]:
    run_failed = Automation(
        name=FAILED_RUN,
        description="A doctranslate flow run failed or crashed: nothing more will happen until someone looks.",
        trigger=_on_each(
            {"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
            match={"prefect.resource.id": "prefect.flow-run.*"},
            match_related={"prefect.resource.role": "flow", "prefect.resource.name": FLOWS},
        ),
        actions=[
            CallWebhook(
                block_document_id=webhook_block_id,
                payload='{"text": "doctranslate run {{ flow_run.name }} is {{ flow_run.state.name }}: '
                "{{ flow_run.state.message | replace('\"', '') }}\"}",
            )
        ],
    )
    documents_failed = Automation(
        name=FAILED_DOCUMENTS,
        description="A doctranslate run finished with documents the service could not translate.",
        trigger=_on_each({DOCUMENTS_FAILED_EVENT}, match={"prefect.resource.id": "doctranslate.report.*"}),
        actions=[
            CallWebhook(
                block_document_id=webhook_block_id,
                payload='{"text": "doctranslate: {{ event.payload.failed }} document(s) failed, '
                "{{ event.payload.succeeded }} succeeded; see {{ event.payload.report }} and "
                'rerun with: doctranslate rerun-failed {{ event.payload.report }}"}',
            )
        ],
    )
    return [run_failed, documents_failed]


async def install_notifications(webhook_block: str) -> list[UUID]:
    """Create (or replace) both automations, calling the webhook block named `webhook_block`."""
    block: Webhook = await Webhook.aload(webhook_block)
    block_id = block._block_document_id  # the saved block's id, which actions refer to
    if block_id is None:
        raise ValueError(f"webhook block {webhook_block!r} has no saved id")
    created: list[UUID] = []
    for automation in notification_automations(block_id):
        await _delete_named(automation.name)
        made = await automation.acreate()
        if made.id is not None:
            created.append(made.id)
    return created


async def _delete_named(name: str) -> None:
    while True:
        try:
            existing = await Automation.aread(name=name)
        except ValueError:  # none (left) by that name
            return
        await existing.adelete()
