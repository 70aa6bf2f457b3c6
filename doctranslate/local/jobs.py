"""The background work of the local service: validate, enumerate and translate each accepted batch.

Runs inside the service's event loop with bounded concurrency. Every step is recorded in the state
store before the next begins, and every output blob carries the id of the document that wrote it,
so a service killed mid-job and started again finishes the job without losing or rewriting a file.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import httpx

from doctranslate.errors import (
    BlobExistsError,
    GlossaryError,
    StorageError,
)
from doctranslate.formats.base import DocumentHandler, Rewrite, SegmentTranslator
from doctranslate.formats.embedded_images import images_scanned
from doctranslate.formats.glossaries import MAX_GLOSSARY_BYTES, GlossaryTerms, parse_glossary
from doctranslate.formats.image import MAX_IMAGE_BYTES, is_image
from doctranslate.formats.registry import handler_for
from doctranslate.local.engines import TranslationEngine
from doctranslate.local.faults import FaultPlan
from doctranslate.local.presenter import service_error
from doctranslate.local.rewriting import Unrewritable, rewrite
from doctranslate.local.sas_storage import BRIEF, DEFAULT_ALLOWED_HOSTS, BlobTooLarge, ListingTooLong, SasContainer
from doctranslate.local.state import DocumentRow, NewDocument, StateStore
from doctranslate.pipeline.limits import MAX_BATCH_DOCUMENTS, MAX_DOCUMENT_BYTES
from doctranslate.storage.locations import SasLocation
from doctranslate.wire.catalogue import document_format_for, glossary_format_named
from doctranslate.wire.requests import BatchRequest, StartTranslationDetails, StorageType, TargetInput
from doctranslate.wire.status import Status

logger = logging.getLogger("doctranslate.local")

WRITER_METADATA: Final = "doctranslatedocument"
CHARACTERS_METADATA: Final = "doctranslatecharacters"
IMAGES_METADATA: Final = "doctranslateimages"

_SOURCE_DENIED: Final = "Cannot access source document location with the current permissions."
_TARGET_DENIED: Final = "Cannot access target document location with the current permissions."


class ValidationFailure(Exception):
    def __init__(self, inner_code: str, message: str) -> None:
        self.error = service_error("InvalidRequest", inner_code, message, "Operation")
        super().__init__(message)


class DocumentFailure(Exception):
    def __init__(self, inner_code: str, message: str, code: str = "InvalidRequest") -> None:
        self.error = service_error(code, inner_code, message, "Document")
        super().__init__(message)


@dataclass
class JobRunner:
    store: StateStore
    engine: TranslationEngine
    http: httpx.AsyncClient
    faults: FaultPlan
    concurrency: int = 4
    allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    _tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    _slots: asyncio.Semaphore | None = None

    async def resume(self) -> None:
        """Pick up every batch that was accepted but not finished (e.g. before a restart)."""
        for batch_id in self.store.unfinished_batch_ids():
            self.schedule(batch_id)

    def schedule(self, batch_id: str) -> None:
        if batch_id not in self._tasks or self._tasks[batch_id].done():
            self._tasks[batch_id] = asyncio.create_task(self._run(batch_id), name=f"batch-{batch_id}")

    async def stop(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def wait_idle(self) -> None:
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def _run(self, batch_id: str) -> None:
        try:
            await self._run_batch(batch_id)
        except asyncio.CancelledError:
            raise
        except Exception:  # the batch must end in a state a client can see, never hang in Running
            logger.exception("batch %s failed inside the local service", batch_id)
            error = service_error(
                "InternalServerError", "InternalServerError", "Unexpected internal error.", "Operation"
            )
            self.store.set_batch_status(batch_id, Status.FAILED, error)

    async def _run_batch(self, batch_id: str) -> None:
        batch, request_json = self.store.get_batch(batch_id), self.store.batch_request(batch_id)
        if batch is None or request_json is None:
            return
        request = StartTranslationDetails.model_validate_json(request_json)
        if not batch.enumerated:
            # Image files are inputs from 2025-12-01-preview on (api-facts §9b); older versions skip them.
            images = (batch.api_version or "") >= "2025-12"
            try:
                self.store.add_documents(batch_id, await self._enumerate(request, images=images))
            except ValidationFailure as failure:
                self.store.set_batch_status(batch_id, Status.VALIDATION_FAILED, failure.error)
                return
        await self.faults.pause_between_steps()
        waiting = [
            d for d in reversed(self.store.documents(batch_id)) if d.status in (Status.NOT_STARTED, Status.RUNNING)
        ]
        if waiting and not self.store.cancel_requested(batch_id):
            self.store.set_batch_status(batch_id, Status.RUNNING)
        glossaries: dict[tuple[int, int], GlossaryTerms | None] = {}
        await asyncio.gather(*(self._document(batch_id, request, d, glossaries) for d in waiting))
        self._finish(batch_id)

    def _finish(self, batch_id: str) -> None:
        documents = self.store.documents(batch_id)
        if self.store.cancel_requested(batch_id):
            self.store.cancel_waiting_documents(batch_id)
            self.store.set_batch_status(batch_id, Status.CANCELLED)
        elif any(d.status is Status.SUCCEEDED for d in documents):
            self.store.set_batch_status(batch_id, Status.SUCCEEDED)
        else:
            first = next((d.error for d in documents if d.error), None)
            error = {**first, "target": "Operation"} if first else None
            self.store.set_batch_status(batch_id, Status.FAILED, error)

    # -- enumeration ---------------------------------------------------------------------------

    async def _enumerate(self, request: StartTranslationDetails, *, images: bool) -> list[NewDocument]:
        """A batch of one input per document (storageType File) names the same containers in every input:
        the target is checked once, and of the sources only the first in each container (as a folder
        input checks only its first document); any other unreadable source fails as a document."""
        documents: list[NewDocument] = []
        listable: set[tuple[str, str]] = set()
        readable: set[str] = set()
        for input_index, batch in enumerate(request.inputs):
            names, source = await self._source_names(batch, readable, images=images)
            for target_index, target in enumerate(batch.targets):
                target_location = await self._checked_target(batch, target, listable)
                for name in names:
                    target_name = (
                        target_location.blob_name or name
                        if batch.storage_type is StorageType.FILE
                        else target_location.folder_prefix + name
                    )
                    documents.append(
                        NewDocument(
                            input_index=input_index,
                            target_index=target_index,
                            source_name=name,
                            source_path=source.blob_url(name, with_sas=False),
                            target_name=target_name,
                            target_path=target_location.blob_url(target_name, with_sas=False),
                            language=target.language,
                            deployment_name=target.deployment_name,
                        )
                    )
        if not documents:
            raise ValidationFailure("NoDocumentsFound", "No translatable documents were found in the source location.")
        sources = {(d.input_index, d.source_name) for d in documents}
        if len(sources) > MAX_BATCH_DOCUMENTS:
            raise ValidationFailure(
                "MaxDocumentsExceeded", f"The batch holds {len(sources):,} documents; at most {MAX_BATCH_DOCUMENTS:,}."
            )
        return documents

    async def _source_names(
        self, batch: BatchRequest, readable: set[str], *, images: bool
    ) -> tuple[list[str], SasLocation]:
        is_file = batch.storage_type is StorageType.FILE
        try:
            location = SasLocation.parse(batch.source.source_url.get_secret_value(), is_blob=is_file)
            container = SasContainer(location, self.http, self.allowed_hosts, BRIEF)
            if is_file:
                assert location.blob_name is not None
                if location.container_url not in readable:
                    await container.check_readable(location.blob_name)
                    readable.add(location.container_url)
                return [location.blob_name], location
            prefix = location.folder_prefix + ((batch.source.filter.prefix or "") if batch.source.filter else "")
            suffix = (batch.source.filter.suffix or "") if batch.source.filter else ""
            blobs = await container.list_blobs(
                prefix,
                keep=lambda name: (
                    name.endswith(suffix) and document_format_for(name) is not None and (images or not is_image(name))
                ),
                most=MAX_BATCH_DOCUMENTS,
            )
            names = [b.name for b in blobs]
            if names:
                await container.check_readable(names[0])
            return names, location
        except ListingTooLong as exc:
            raise ValidationFailure(
                "MaxDocumentsExceeded", f"The source is over the limits of a batch ({exc}); select fewer documents."
            ) from None
        except (ValueError, StorageError, httpx.HTTPError):
            raise ValidationFailure("InvalidDocumentAccessLevel", _SOURCE_DENIED) from None

    async def _checked_target(
        self, batch: BatchRequest, target: TargetInput, listable: set[tuple[str, str]]
    ) -> SasLocation:
        """The target location, once its container answered a listing with this SAS (remembered in `listable`)."""
        is_file = batch.storage_type is StorageType.FILE
        try:
            location = SasLocation.parse(target.target_url.get_secret_value(), is_blob=is_file)
            if (location.container_url, location.sas) not in listable:
                await SasContainer(location, self.http, self.allowed_hosts, BRIEF).check_listable()
                listable.add((location.container_url, location.sas))
        except (ValueError, StorageError, httpx.HTTPError):
            raise ValidationFailure("InvalidTargetDocumentAccessLevel", _TARGET_DENIED) from None
        return location

    # -- documents -----------------------------------------------------------------------------

    def _slots_for_loop(self) -> asyncio.Semaphore:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        return self._slots

    async def _document(
        self,
        batch_id: str,
        request: StartTranslationDetails,
        document: DocumentRow,
        glossaries: dict[tuple[int, int], GlossaryTerms | None],
    ) -> None:
        async with self._slots_for_loop():
            if self.store.cancel_requested(batch_id):
                return
            self.store.update_document(document.id, Status.RUNNING, progress=0.0)
            await self.faults.pause_for_document()
            try:
                characters, images = await self._translate(request, document, glossaries)
            except DocumentFailure as failure:
                self.store.update_document(document.id, Status.FAILED, progress=0.0, characters=0, error=failure.error)
                return
            except Exception:  # a bug of ours: this document fails, the batch and its other documents go on
                logger.exception("document %s of batch %s failed inside the local service", document.id, batch_id)
                internal = DocumentFailure("InternalServerError", "Internal Server Error.", "InternalServerError")
                self.store.update_document(document.id, Status.FAILED, progress=0.0, characters=0, error=internal.error)
                return
            self.store.update_document(
                document.id, Status.SUCCEEDED, progress=1.0, characters=characters, written=True, images=images
            )

    async def _translate(
        self,
        request: StartTranslationDetails,
        document: DocumentRow,
        glossaries: dict[tuple[int, int], GlossaryTerms | None],
    ) -> tuple[int, int | None]:
        """(characters charged, images whose text was translated or None when not asked for)."""
        batch = request.inputs[document.input_index]
        target = batch.targets[document.target_index]
        is_file = batch.storage_type is StorageType.FILE
        source = self._container(batch.source.source_url.get_secret_value(), is_file, "InvalidDocumentAccessLevel")
        output = self._container(target.target_url.get_secret_value(), is_file, "InvalidTargetDocumentAccessLevel")

        wants_images = bool(request.options and request.options.translate_text_within_image)
        if document.status is Status.RUNNING:  # started before a restart: its output may be written already
            already = await self._existing_output(output, document)
            if already is not None:
                return already
        if self.faults.document_fails(document.source_name):
            raise DocumentFailure(
                "InternalServerError", "Injected failure (local service fault plan).", "InternalServerError"
            )
        handler = handler_for(document.source_name)
        if handler is None:
            raise DocumentFailure(
                "UnsupportedDocumentFormat",
                f"The local service cannot rewrite {document.source_name.rsplit('.', 1)[-1]} documents yet.",
            )
        data = await _read_source(source, document.source_name)
        key = (document.input_index, document.target_index)
        if key not in glossaries:
            glossaries[key] = await self._glossary(target, batch.source.language)
        glossary = glossaries[key]

        def engine(segments: Sequence[str]) -> list[str]:
            return self.engine.translate(
                segments, source_language=batch.source.language, target_language=target.language, glossary=glossary
            )

        rewrite = await _rewrite(handler, data, engine)
        if is_image(document.source_name):
            images: int | None = 1  # an image file is one image charged, whatever was asked
        else:
            images = images_scanned(document.source_name, data) if wants_images else None
        content_type = mimetypes.guess_type(document.source_name)[0] or "application/octet-stream"
        metadata = {WRITER_METADATA: document.id, CHARACTERS_METADATA: str(rewrite.characters)}
        if images is not None:
            metadata[IMAGES_METADATA] = str(images)
        try:
            await output.create(document.target_name, rewrite.content, content_type=content_type, metadata=metadata)
        except BlobExistsError:
            resumed = await self._existing_output(output, document)
            if resumed is None:
                raise DocumentFailure("TargetFileAlreadyExists", "Target document file already exists.") from None
            return resumed
        except StorageError:
            raise DocumentFailure("InvalidTargetDocumentAccessLevel", _TARGET_DENIED) from None
        return rewrite.characters, images

    def _container(self, url: str, is_blob: bool, denied_code: str) -> SasContainer:
        try:
            return SasContainer(SasLocation.parse(url, is_blob=is_blob), self.http, self.allowed_hosts)
        except (ValueError, StorageError):
            message = _SOURCE_DENIED if denied_code == "InvalidDocumentAccessLevel" else _TARGET_DENIED
            raise DocumentFailure(denied_code, message) from None

    async def _existing_output(self, output: SasContainer, document: DocumentRow) -> tuple[int, int | None] | None:
        """None when the target is free; the characters and images charged when this very document wrote it
        before a restart; `TargetFileAlreadyExists` when something else is there."""
        try:
            found = [
                b
                for b in await output.list_blobs(document.target_name, metadata=True)
                if b.name == document.target_name
            ]
        except StorageError:
            raise DocumentFailure("InvalidTargetDocumentAccessLevel", _TARGET_DENIED) from None
        if not found:
            return None
        metadata = found[0].metadata
        if metadata.get(WRITER_METADATA) == document.id:
            images = metadata.get(IMAGES_METADATA)
            return int(metadata.get(CHARACTERS_METADATA) or 0), int(images) if images is not None else None
        raise DocumentFailure("TargetFileAlreadyExists", "Target document file already exists.")

    async def _glossary(self, target: TargetInput, source_language: str | None) -> GlossaryTerms | None:
        """All of a target's glossaries merged; those for another language pair are skipped silently."""
        merged: GlossaryTerms | None = None
        for entry in target.glossaries or []:
            url = entry.glossary_url.get_secret_value()
            try:
                location = SasLocation.parse(url, is_blob=True)
                assert location.blob_name is not None
                container = SasContainer(location, self.http, self.allowed_hosts)
                data = await container.read(location.blob_name, most=MAX_GLOSSARY_BYTES)
            except BlobTooLarge:
                message = f"The glossary is larger than {MAX_GLOSSARY_BYTES // 1024 // 1024} MB, the service's limit."
                raise DocumentFailure("InvalidGlossary", message) from None
            except (ValueError, StorageError, httpx.HTTPError):
                raise DocumentFailure(
                    "InvalidGlossary", "Cannot access the glossary with the current permissions."
                ) from None
            file_format = glossary_format_named(entry.format, location.blob_name)
            if file_format is None:
                raise DocumentFailure("InvalidGlossary", f"Unsupported glossary format {entry.format!r}.")
            try:
                glossary = parse_glossary(data, file_format.format, name=location.blob_name)
            except GlossaryError as exc:
                raise DocumentFailure("InvalidGlossary", exc.message) from None
            if glossary.applies_to(source_language, target.language):
                merged = glossary if merged is None else merged.merged_with(glossary)
        return merged


async def _read_source(source: SasContainer, name: str) -> bytes:
    image = is_image(name)
    most = MAX_IMAGE_BYTES if image else MAX_DOCUMENT_BYTES
    try:
        return await source.read(name, most=most)
    except StorageError:
        raise DocumentFailure("InvalidDocumentAccessLevel", _SOURCE_DENIED) from None
    except BlobTooLarge:
        what = "an image" if image else "a document"
        message = f"The file is larger than {most // 1024 // 1024} MB, the service's limit for {what}."
        raise DocumentFailure("DocumentSizeExceeded", message) from None


async def _rewrite(handler: DocumentHandler, data: bytes, engine: SegmentTranslator) -> Rewrite:
    """The document translated, or the per-document failure that says why it cannot be."""
    try:
        return await rewrite(handler, data, engine)
    except Unrewritable as exc:
        raise DocumentFailure(exc.code, exc.message) from None
