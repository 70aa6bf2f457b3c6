"""Translate what arrives in a blob container, where it is: the flow behind the blob-arrival trigger and the
nightly sweep (prefect.yaml). Parameters are flat, so the trigger can template them from the event and the
UI shows them as a plain form; optional ones default to "" rather than None, which the form would draw as a
switch between a text box and "None".

The container is a storage source (`az://<container>/<prefix>`): planned from its listing, translated in
place, no inbox, no local copy; only what is new or changed is submitted (the job's manifests say what is
current). The translations stay in storage too (by default in the target container under
`incoming-<container>/`, with the report beside them): a worker with an empty disk keeps nothing. A
container name from an event is checked by Azure's rules before use.
"""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.client.schemas.objects import State
from pydantic import ValidationError

from doctranslate.pipeline.report import RunReport
from doctranslate.pipeline.request import LanguageCode, OnExisting, OptionalLanguageCode, TranslationRequest
from doctranslate_prefect.flows.translate import finished, refused, report_of, translate_documents


@flow(name="translate-incoming", flow_run_name="incoming-{container}", log_prints=True, validate_parameters=False)
async def translate_incoming(
    container: str = "incoming",
    languages: list[LanguageCode] = ["fr", "de"],  # noqa: B006 - Prefect shows the default in the UI form; never mutated
    prefix: str = "",
    out_dir: str = "",
    glossaries: list[str] = [],  # noqa: B006 - never mutated; a list default draws a list box, not a None switch
    source_language: OptionalLanguageCode = "",
    on_existing: OnExisting = OnExisting.SKIP,
    triggered_by: str = "",
    translator_block: str = "",
    storage_block: str = "",
) -> RunReport | State[RunReport]:
    """Translate a container's documents where they are: only what is new or changed is submitted, and the
    translations and the report stay in storage unless out_dir says otherwise. The run fails when documents
    failed; its report lists them.

    Args:
        container: The blob container whose documents are translated in place.
        languages: Language codes to translate into, e.g. fr, de, zh-Hans.
        prefix: Only blobs whose names start with this, e.g. handbook/ (empty: all of the container).
        out_dir: Empty: kept in storage, in the target container under incoming-<container>/. az://<container>/<prefix>:
            kept there. A local folder: downloaded there, on the worker.
        glossaries: Glossaries in storage, az://<container>/<blob>, or fr=az://<container>/<blob> for one language.
        source_language: The documents' language; empty: detected per document.
        on_existing: skip keeps translations made from the same content; overwrite translates again; version
            writes a new version folder; fail stops before submitting.
        triggered_by: Filled in by the blob-arrival trigger (the event's id); leave it empty.
        translator_block: Prefect block with the translator's endpoint and key; empty: the worker's settings.
        storage_block: prefect-azure credentials block for storage; empty: the worker's settings.
    """
    try:  # checked here, not by Prefect, so that a bad value is the run's first log line (`refused`)
        request = TranslationRequest(
            sources=[f"az://{container}/{prefix}"],
            languages=languages,
            source_language=source_language,
            out_dir=out_dir,
            glossaries=glossaries,
            on_existing=on_existing,
            job=f"incoming-{container}",
            empty_ok=True,  # the nightly sweep of an empty container has nothing to do: not a failure
            translator_block=translator_block,
            storage_block=storage_block,
        )
    except ValidationError as exc:
        return refused(exc)
    if triggered_by:
        get_run_logger().info("started by event %s", triggered_by)
    return finished(await report_of(await translate_documents(request, return_state=True)))
