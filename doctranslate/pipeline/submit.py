"""Submitting a planned batch exactly once: build its request, then POST it unless it was already sent.

What makes a retried, crashed or concurrent run re-attach instead of paying twice lives in storage
(`journal`), so it holds for a fleet of workers with empty disks:
1. a batch whose record has an id is re-attached;
2. otherwise the worker takes the batch's claim (a lease every worker sees); another worker waits, then
   finds the id the holder recorded;
3. under the claim, a *pending* record is written before the POST and the batch id right after it; a pending
   record without an id means its writer died between the two: `find_submitted_batch` then looks for a batch
   created since, whose documents are ours, and adopts it.
The Prefect task's cache of the batch id is only a shortcut on top of this.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Final

from doctranslate.client import DocumentTranslationClient, ListQuery
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.glossaries import GlossaryFile
from doctranslate.pipeline.journal import SubmissionJournal
from doctranslate.pipeline.plan import BatchLayout, BatchPlan, PlannedBatch
from doctranslate.pipeline.scan import SourceDocument
from doctranslate.redaction import SasUrl, strip_query
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.names import glossary_blob_name, quote_blob, source_blob_name, under
from doctranslate.wire import (
    BatchOptions,
    BatchRequest,
    DocumentFilter,
    SourceInput,
    StartTranslationDetails,
    StorageType,
    TargetInput,
    TranslationGlossary,
)

logger = logging.getLogger("doctranslate.pipeline.submit")
_RECONCILE_SKEW = timedelta(minutes=2)


def build_request(
    batch: BatchPlan,
    glossaries: Sequence[GlossaryFile],
    layout: BatchLayout,
    account: StorageAccount,
    lifetime: timedelta,
) -> StartTranslationDetails:
    """The batch as the service takes it. A `selection` (exactly the blobs under a prefix of one container)
    is one input with the service's filter and a read+list container SAS. Otherwise one input per document
    (storageType File), so the batch holds exactly its own documents and every output gets the name we chose:
    staged documents and blobs translated in place alike get a read-only blob SAS. Targets get a write+list
    container SAS, glossaries read-only blob SAS."""
    target_sas = account.container_sas_url(layout.destination.container, "wl", lifetime)
    base, _, token = target_sas.get_secret_value().partition("?")
    glossary_urls = {g.path: account.blob_sas_url(*_glossary_blob(g, layout), "r", lifetime) for g in glossaries}
    options = BatchOptions(translate_text_within_image=True) if layout.translate_images else None

    def target(name: str, language: str) -> TargetInput:
        chosen = [
            TranslationGlossary(glossary_url=glossary_urls[g.path], format=g.format)
            for g in glossaries
            if g.applies_to(language)
        ]
        return TargetInput(
            target_url=SasUrl(f"{base}/{quote_blob(name)}?{token}"),
            language=language,
            glossaries=chosen or None,
            category=layout.category,
            deployment_name=layout.deployment,
        )

    if batch.selection is not None:
        selection = batch.selection
        source = SourceInput(
            source_url=account.container_sas_url(selection.container, "rl", lifetime),
            filter=DocumentFilter(prefix=selection.prefix or None, suffix=selection.suffix),
            language=layout.source_language,
        )
        folders = [target(under(layout.destination.root, language), language) for language in batch.batch.languages]
        return StartTranslationDetails(
            inputs=[BatchRequest(source=source, targets=folders, storage_type=StorageType.FOLDER)], options=options
        )
    by_document: dict[str, list[Pair]] = {}
    for pair in batch.decision.translate:
        by_document.setdefault(pair.document.relative_path, []).append(pair)
    inputs = [
        BatchRequest(
            source=SourceInput(
                source_url=account.blob_sas_url(*_source_blob(pairs[0].document, layout), "r", lifetime),
                language=layout.source_language,
            ),
            targets=[target(pair.target, pair.language) for pair in pairs],
            storage_type=StorageType.FILE,
        )
        for _, pairs in sorted(by_document.items())
    ]
    return StartTranslationDetails(inputs=inputs, options=options)


MAX_SAS_LIFETIME: Final = timedelta(days=7)  # what a user-delegation SAS may live at most


def sas_lifetime(batch: BatchPlan, floor: timedelta) -> timedelta:
    """How long the SAS tokens the service gets for `batch` must live: at least `floor` (the setting, for a
    service that keeps a batch waiting), and longer for a large batch, so a token never expires while the
    service is still working through it: an hour, plus a minute per 20 document x language pairs and per
    10 MB read."""
    pairs = len(batch.decision.translate)
    megabytes = sum(d.size for d in batch.batch.documents) / 1024 / 1024
    sized = timedelta(minutes=60 + pairs / 20 + megabytes / 10)
    return min(MAX_SAS_LIFETIME, max(floor, sized))


def source_urls(batch: BatchPlan, layout: BatchLayout, account_url: str) -> set[str]:
    """Where the service reads the batch's documents, as it reports them back (no SAS): how a batch that
    reached the service before a crash is recognised."""
    return {
        f"{account_url}/{container}/{quote_blob(name)}"
        for container, name in (_source_blob(d, layout) for d in batch.batch.documents)
    }


def _glossary_blob(glossary: GlossaryFile, layout: BatchLayout) -> tuple[str, str]:
    if glossary.container is not None:
        return glossary.container, glossary.path.as_posix()
    return layout.source_container, glossary_blob_name(layout.job, glossary.md5, glossary.path.name)


def _source_blob(document: SourceDocument, layout: BatchLayout) -> tuple[str, str]:
    if document.container is not None:
        return document.container, document.relative_path
    return layout.source_container, source_blob_name(layout.job, document.relative_path)


def find_submitted_batch(client: DocumentTranslationClient, since: datetime, expected_sources: set[str]) -> str | None:
    """A batch created after `since` whose documents come from `expected_sources` (URLs without SAS)."""
    query = ListQuery(created_after=since - _RECONCILE_SKEW, order="desc")
    for batch in client.list_translation_statuses(query):
        for document in client.list_document_statuses(batch.id, ListQuery(top=1, page_size=1)):
            if _plain(document.source_path) in expected_sources:
                return batch.id
            break
    return None


def submit_once(
    client: DocumentTranslationClient,
    journal: SubmissionJournal,
    batch: PlannedBatch,
    details: StartTranslationDetails,
    *,
    expected_sources: set[str],
    before_post: Callable[[], None] = lambda: None,
) -> str:
    """The batch id for `batch`: recorded, recovered, or freshly submitted — never two, on any number of workers.

    `expected_sources` (`source_urls`) recognise the batch on the service if its writer died mid-POST;
    `before_post` runs under the claim just before the POST (it deletes the outputs the batch replaces): done
    there, it can never delete what a batch another worker already submitted is writing.
    """
    recorded = journal.read(batch.key).batch_id
    if recorded:
        logger.info("batch %s was already submitted as %s; re-attaching", batch.key[:12], recorded)
        return recorded
    with journal.claim(batch.key) as claim:
        if claim.record.batch_id:
            logger.info("batch %s was submitted meanwhile as %s; re-attaching", batch.key[:12], claim.record.batch_id)
            return claim.record.batch_id
        if claim.record.pending_since is not None:
            found = find_submitted_batch(client, claim.record.pending_since, expected_sources)
            if found is not None:
                logger.info("found batch %s submitted before a crash; adopting it", found)
                claim.record_batch(found)
                return found
        before_post()
        claim.mark_pending()
        batch_id = client.begin_translation(details).id
        claim.record_batch(batch_id)
        return batch_id


def _plain(url: str) -> str:
    """A source URL as the service reports it back: no SAS, no explicit :443."""
    return strip_query(url).replace(":443/", "/")
