"""Translate what arrives in a blob container: the flow behind the blob-arrival trigger and the nightly
sweep (prefect.yaml). Parameters are flat, so the trigger can template them from the event and the UI
shows them as a plain form."""

from __future__ import annotations

from prefect import flow, get_run_logger

from doctranslate.pipeline.report import RunReport
from doctranslate.pipeline.request import OnExisting, TranslationRequest
from doctranslate.settings import load_settings
from doctranslate_prefect.deployments.blocks import settings_from_blocks
from doctranslate_prefect.flows.translate import translate_documents
from doctranslate_prefect.tasks.pull import pull


@flow(name="translate-incoming", flow_run_name="incoming-{container}", log_prints=True)
async def translate_incoming(
    container: str = "incoming",
    languages: list[str] = ["fr", "de"],  # noqa: B006 - Prefect shows the default in the UI form; never mutated
    prefix: str = "",
    out_dir: str = "translations/incoming",
    glossaries: list[str] | None = None,
    source_language: str | None = None,
    on_existing: OnExisting = OnExisting.SKIP,
    triggered_by: str | None = None,
    translator_block: str | None = None,
    storage_block: str | None = None,
) -> RunReport | None:
    """Mirror `container` (under `prefix`) into the inbox, then translate it like a folder: only what is
    new or changed is submitted. `triggered_by` records the event that started the run, if one did."""
    logger = get_run_logger()
    if triggered_by:
        logger.info("started by event %s", triggered_by)
    settings = await settings_from_blocks(
        load_settings(), translator_block=translator_block, storage_block=storage_block
    )
    pulled = await pull(container, prefix, settings)
    if not pulled.documents:
        logger.info("nothing in %s/%s to translate", container, prefix)
        return None
    request = TranslationRequest(
        sources=[str(pulled.folder)],
        languages=languages,
        source_language=source_language,
        out_dir=out_dir,
        glossaries=glossaries or [],
        on_existing=on_existing,
        job=f"incoming-{container}",
        translator_block=translator_block,
        storage_block=storage_block,
    )
    return await translate_documents(request)
