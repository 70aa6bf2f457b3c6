"""Submitting a planned batch exactly once: build its request, then POST it unless it was already sent.

Three layers make a retried or crashed run re-attach instead of paying twice:
1. the Prefect task caches the batch id under the batch's business key (flows' concern);
2. the `SubmissionJournal` gets a *pending* record before the POST and the batch id right after it,
   so the answer survives even if Prefect's result storage does not;
3. a pending record without a batch id means we died between POST and record: `find_submitted_batch`
   then looks for a batch created since, whose documents are ours, and adopts it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from doctranslate.client import DocumentTranslationClient, ListQuery
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.glossaries import GlossaryFile
from doctranslate.pipeline.journal import SubmissionJournal
from doctranslate.pipeline.plan import BatchLayout, PlannedBatch
from doctranslate.redaction import SasUrl, strip_query
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.names import glossary_blob_name, quote_blob, source_blob_name
from doctranslate.wire import (
    BatchRequest,
    SourceInput,
    StartTranslationDetails,
    StorageType,
    TargetInput,
    TranslationGlossary,
)

logger = logging.getLogger("doctranslate.pipeline.submit")
_RECONCILE_SKEW = timedelta(minutes=2)


def build_request(
    pairs: Sequence[Pair],
    glossaries: Sequence[GlossaryFile],
    layout: BatchLayout,
    account: StorageAccount,
    lifetime: timedelta,
) -> StartTranslationDetails:
    """One input per document (storageType File): the batch holds exactly its own documents, and every
    output gets the name we chose. Sources get read-only blob SAS, targets one write+list container SAS,
    glossaries read-only blob SAS."""
    target_sas = account.container_sas_url(layout.target_container, "wl", lifetime)
    base, _, token = target_sas.get_secret_value().partition("?")
    glossary_urls = {
        g.path: account.blob_sas_url(
            layout.source_container, glossary_blob_name(layout.job, g.md5, g.path.name), "r", lifetime
        )
        for g in glossaries
    }
    by_document: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_document.setdefault(pair.document.relative_path, []).append(pair)
    inputs = []
    for relative_path, document_pairs in sorted(by_document.items()):
        source = account.blob_sas_url(
            layout.source_container, source_blob_name(layout.job, relative_path), "r", lifetime
        )
        targets = [
            TargetInput(
                target_url=SasUrl(f"{base}/{quote_blob(pair.target)}?{token}"),
                language=pair.language,
                glossaries=[
                    TranslationGlossary(glossary_url=glossary_urls[g.path], format=g.format)
                    for g in glossaries
                    if g.applies_to(pair.language)
                ]
                or None,
            )
            for pair in document_pairs
        ]
        inputs.append(
            BatchRequest(
                source=SourceInput(source_url=source, language=layout.source_language),
                targets=targets,
                storage_type=StorageType.FILE,
            )
        )
    return StartTranslationDetails(inputs=inputs)


def find_submitted_batch(client: DocumentTranslationClient, since: datetime, expected_sources: set[str]) -> str | None:
    """A batch created after `since` whose documents come from `expected_sources` (URLs without SAS)."""
    query = ListQuery(created_after=since - _RECONCILE_SKEW, order="desc")
    for batch in client.list_translation_statuses(query):
        for document in client.list_document_statuses(batch.id, ListQuery(top=1, page_size=1)):
            if strip_query(document.source_path).replace(":443/", "/") in expected_sources:
                return batch.id
            break
    return None


def submit_once(
    client: DocumentTranslationClient,
    journal: SubmissionJournal,
    batch: PlannedBatch,
    details: StartTranslationDetails,
) -> str:
    """The batch id for `batch`: recorded, recovered, or freshly submitted — never two."""
    entry = journal.read(batch.key)
    if "batch_id" in entry:
        logger.info("batch %s was already submitted as %s; re-attaching", batch.key, entry["batch_id"])
        return entry["batch_id"]
    if "pending_since" in entry:
        expected = {strip_query(i.source.source_url.get_secret_value()).replace(":443/", "/") for i in details.inputs}
        found = find_submitted_batch(client, datetime.fromisoformat(entry["pending_since"]), expected)
        if found is not None:
            logger.info("found batch %s submitted before a crash; adopting it", found)
            journal.record(batch.key, found)
            return found
    journal.mark_pending(batch.key)
    poller = client.begin_translation(details)
    journal.record(batch.key, poller.id)
    return poller.id
