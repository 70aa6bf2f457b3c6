"""Translate what arrives in a blob container, where it is: the flow behind the blob-arrival trigger and the
nightly sweep (prefect.yaml). Parameters are flat, so the trigger can template them from the event and the
UI shows them as a plain form.

The container is a storage source (`az://<container>/<prefix>`): planned from its listing, translated in
place, no inbox, no local copy; only what is new or changed is submitted (the job's manifests say what is
current). The translations stay in storage too (by default in the target container under
`incoming-<container>/`, with the report beside them): a worker with an empty disk keeps nothing. A
container name from an event is checked by Azure's rules before use.
"""

from __future__ import annotations

from prefect import flow, get_run_logger

from doctranslate.pipeline.report import RunReport
from doctranslate.pipeline.request import OnExisting, TranslationRequest
from doctranslate_prefect.flows.translate import translate_documents


@flow(name="translate-incoming", flow_run_name="incoming-{container}", log_prints=True)
async def translate_incoming(
    container: str = "incoming",
    languages: list[str] = ["fr", "de"],  # noqa: B006 - Prefect shows the default in the UI form; never mutated
    prefix: str = "",
    out_dir: str = "",
    glossaries: list[str] | None = None,
    source_language: str | None = None,
    on_existing: OnExisting = OnExisting.SKIP,
    triggered_by: str | None = None,
    translator_block: str | None = None,
    storage_block: str | None = None,
) -> RunReport:
    """Translate `container` (under `prefix`) in place: only what is new or changed is submitted. `out_dir`:
    empty keeps the translations in storage (target container, `incoming-<container>/`); az://… elsewhere in
    storage; a local folder downloads them. `triggered_by` records the event that started the run, if one did."""
    if triggered_by:
        get_run_logger().info("started by event %s", triggered_by)
    request = TranslationRequest(
        sources=[f"az://{container}/{prefix}"],
        languages=languages,
        source_language=source_language,
        out_dir=out_dir,
        glossaries=glossaries or [],
        on_existing=on_existing,
        job=f"incoming-{container}",
        empty_ok=True,  # the nightly sweep of an empty container has nothing to do: not a failure
        translator_block=translator_block,
        storage_block=storage_block,
    )
    return await translate_documents(request)
