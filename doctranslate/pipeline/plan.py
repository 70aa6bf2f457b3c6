"""Plan a run: everything it will do, decided and priced before any money is spent.

Batches are formed from *all* documents first, within every service limit at once (1,000 documents,
250 MB, 10 target languages), and named by their content: the same work planned twice gets the same
batch key, and that key is what makes submitting idempotent. A batch the journal knows is re-attached;
only the others meet the existing-target policy. The plan reads state; it writes none.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from doctranslate.errors import BadInputError
from doctranslate.pipeline.estimate import check_budget, estimate_characters
from doctranslate.pipeline.existing import ExistingDecision, Pair, decide
from doctranslate.pipeline.glossaries import GlossaryFile, select_glossaries
from doctranslate.pipeline.limits import Limits
from doctranslate.pipeline.request import OnExisting, TranslationRequest
from doctranslate.pipeline.scan import Scan, SourceDocument, scan, scan_blobs
from doctranslate.storage.blobs import BlobInfo
from doctranslate.storage.locations import StorageSource, is_storage_spec


class BatchLayout(BaseModel):
    """Where a run's blobs live: plain names only, never SAS."""

    job: str
    source_container: str
    target_container: str
    source_language: str | None = None


class PlannedBatch(BaseModel):
    """Documents and languages that go to the service together, named by what they contain."""

    model_config = ConfigDict(frozen=True)

    key: str
    documents: list[SourceDocument]
    languages: list[str]

    @property
    def total_bytes(self) -> int:
        return sum(d.size for d in self.documents)


class Selection(BaseModel):
    """A batch that is exactly the supported blobs under a prefix (and suffix) of one container: submitted as
    one input with the service's own filter, instead of one input per document."""

    model_config = ConfigDict(frozen=True)

    container: str
    prefix: str
    suffix: str | None = None


class BatchPlan(BaseModel):
    """One planned batch and what the run does with it."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    batch: PlannedBatch
    submitted_as: str | None = Field(None, description="Batch id when an earlier run already submitted it.")
    decision: ExistingDecision
    selection: Selection | None = None

    @property
    def needs_submitting(self) -> bool:
        return self.submitted_as is None and bool(self.decision.translate)

    @property
    def needs_following(self) -> bool:
        """Submitted now, or submitted earlier with translations not yet gathered."""
        return bool(self.decision.translate)


class RunPlan(BaseModel):
    """Everything a run will do, decided up front. Holds names and paths, never SAS."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    request: TranslationRequest
    layout: BatchLayout
    scan: Scan
    glossaries: list[GlossaryFile]
    batches: list[BatchPlan]
    estimated_characters: int
    estimated_cost: float

    @property
    def already_done(self) -> list[Pair]:
        return [p for b in self.batches for p in b.decision.already_done]

    @property
    def to_follow(self) -> list[BatchPlan]:
        return [b for b in self.batches if b.needs_following]

    def describe(self) -> str:
        """One line for people: what the run will do."""
        new = [b for b in self.batches if b.needs_submitting]
        resumed = sum(1 for b in self.batches if b.submitted_as and b.needs_following)
        return (
            f"planned {len(self.scan.documents)} document(s) x {len(self.request.languages)} language(s): "
            f"{sum(len(b.decision.translate) for b in new)} to translate in {len(new)} new batch(es), "
            f"{len(self.already_done)} already translated, {resumed} batch(es) to resume, "
            f"{len(self.scan.skipped)} file(s) not submitted; estimate {self.estimated_characters} characters, "
            f"{self.estimated_cost:.4f}"
        )


def plan_batches(
    documents: Sequence[SourceDocument], languages: Sequence[str], *, context: str = "", limits: Limits | None = None
) -> list[PlannedBatch]:
    """Split into batches within every limit at once; `context` (glossaries, target layout) joins the key."""
    limits = limits or Limits()
    language_groups = [list(languages[i : i + limits.languages]) for i in range(0, len(languages), limits.languages)]
    document_groups: list[list[SourceDocument]] = []
    current: list[SourceDocument] = []
    current_bytes = 0
    for document in sorted(documents, key=lambda d: d.relative_path):
        if current and (len(current) == limits.documents or current_bytes + document.size > limits.bytes):
            document_groups.append(current)
            current, current_bytes = [], 0
        current.append(document)
        current_bytes += document.size
    if current:
        document_groups.append(current)
    return [
        PlannedBatch(key=batch_key(group, langs, context), documents=group, languages=langs)
        for langs in language_groups
        for group in document_groups
    ]


def batch_key(documents: Sequence[SourceDocument], languages: Sequence[str], context: str) -> str:
    """The business identity of a batch: which content, into which languages, under which settings."""
    identity = {
        "documents": sorted((d.relative_path, d.md5) for d in documents),
        "languages": sorted(languages),
        "context": context,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32]


class Listing(Protocol):
    """Where storage sources are listed (`storage.account.StorageAccount`)."""

    url: str

    def list_blobs(self, container: str, prefix: str = "") -> Iterable[BlobInfo]: ...


def plan_run(
    request: TranslationRequest,
    existing: Mapping[str, Mapping[str, str]],
    submitted: Callable[[str], str | None],
    *,
    source_container: str,
    target_container: str,
    price_per_million: float,
    limits: Limits | None = None,
    listing: Listing | None = None,
) -> RunPlan:
    """Scan, choose glossaries, form batches, re-attach submitted ones, apply the policy to the rest, price it.

    `existing`: the job's outputs in the target container (`existing.existing_outputs`); `submitted`: the batch
    id recorded for a batch key, if any (`journal.SubmissionJournal.submitted`); `listing`: the account, for
    sources already in storage (`az://container/prefix`), which are planned from their listing alone."""
    found, selectable = _scan_sources(request, listing, limits)
    _require_documents(request, found)
    glossaries = select_glossaries(request.glossaries, request.languages)
    layout = BatchLayout(
        job=request.job_name,
        source_container=source_container,
        target_container=target_container,
        source_language=request.source_language,
    )
    version = datetime.now(UTC).strftime("v%Y%m%dT%H%M%S") if request.on_existing is OnExisting.VERSION else None
    context = _context(layout, glossaries, request.on_existing, version)
    plans: list[BatchPlan] = []
    for batch in plan_batches(found.documents, request.languages, context=context, limits=limits):
        batch_id = submitted(batch.key)
        # Ours already: gathered outputs are done; the rest is still to be followed, never deleted.
        policy = OnExisting.SKIP if batch_id else request.on_existing
        decision = decide(batch.documents, batch.languages, existing, policy, job=layout.job, version=version)
        if batch_id:
            decision.delete_first = []
        plans.append(
            BatchPlan(
                batch=batch, submitted_as=batch_id, decision=decision, selection=_selection(batch, decision, selectable)
            )
        )
    characters = estimate_characters([p for plan in plans if plan.needs_submitting for p in plan.decision.translate])
    return RunPlan(
        request=request,
        layout=layout,
        scan=found,
        glossaries=glossaries,
        batches=plans,
        estimated_characters=characters,
        estimated_cost=check_budget(characters, price_per_million, request.budget),
    )


def _scan_sources(
    request: TranslationRequest, listing: Listing | None, limits: Limits | None
) -> tuple[Scan, dict[StorageSource, tuple[list[SourceDocument], str]]]:
    """Every source's documents in one scan; and, for each storage source whose whole selection the service's
    own filter would pick exactly (nothing we leave out lies under its prefix), that selection."""
    local = [Path(spec) for spec in request.sources if not is_storage_spec(spec)]
    found = scan(local, include=request.include, exclude=request.exclude, limits=limits) if local else Scan()
    selectable: dict[StorageSource, tuple[list[SourceDocument], str]] = {}
    suffix = _filter_suffix(request)
    for spec in (s for s in request.sources if is_storage_spec(s)):
        if listing is None:
            raise BadInputError(f"{spec} is in storage, and no storage account is configured")
        try:
            source = StorageSource.parse(spec, listing.url)
        except ValueError as exc:
            raise BadInputError(str(exc)) from None
        assert source is not None
        blobs = scan_blobs(
            source, listing.list_blobs(source.container, source.prefix), include=request.include,
            exclude=request.exclude, limits=limits,
        )  # fmt: skip
        if suffix is not None and all(_unsupported(s.reason) for s in blobs.skipped):
            selectable[source] = (blobs.documents, suffix)
        found = found.merged(blobs)
    return found, selectable


def _filter_suffix(request: TranslationRequest) -> str | None:
    """The suffix filter that selects what `include` selects ("" for everything), or None when none can."""
    if request.exclude or len(request.include) > 1:
        return None
    if not request.include:
        return ""
    pattern = request.include[0]
    rest = pattern.removeprefix("*")
    return rest if pattern.startswith("*") and rest and not any(ch in rest for ch in "*?[]/") else None


def _unsupported(reason: str) -> bool:
    return reason.startswith("unsupported file type")


def _selection(
    batch: PlannedBatch,
    decision: ExistingDecision,
    selectable: Mapping[StorageSource, tuple[list[SourceDocument], str]],
) -> Selection | None:
    """The filter form fits a batch that holds all of one selectable source and translates all of it."""
    if decision.already_done or len(decision.translate) != len(batch.documents) * len(batch.languages):
        return None
    names = sorted(d.relative_path for d in batch.documents)
    for source, (documents, suffix) in selectable.items():
        if (
            all(d.container == source.container for d in batch.documents)
            and sorted(d.relative_path for d in documents) == names
        ):
            return Selection(container=source.container, prefix=source.prefix, suffix=suffix or None)
    return None


def _context(layout: BatchLayout, glossaries: Sequence[GlossaryFile], policy: OnExisting, version: str | None) -> str:
    """Everything besides documents and languages that changes what a batch produces. `overwrite` asks for
    new work each time, so its batches get fresh keys."""
    nonce = datetime.now(UTC).isoformat() if policy is OnExisting.OVERWRITE else ""
    parts = [layout.job, layout.target_container, layout.source_language or "", version or "", nonce]
    parts += sorted(f"{g.language}:{g.md5}" for g in glossaries)
    return "|".join(parts)


def _require_documents(request: TranslationRequest, found: Scan) -> None:
    if not found.documents:
        reasons = "; ".join(f"{s.relative_path}: {s.reason}" for s in found.skipped[:10]) or "no files found"
        raise BadInputError(
            f"nothing to translate in {', '.join(request.sources)} ({reasons})",
            hint="check the folder and the --include/--exclude patterns",
        )


def preflight(request: TranslationRequest) -> None:
    """The checks that need no service and no storage, done before a run starts (and again in `plan_run`):
    sources exist and hold something to translate, and every glossary is readable and fits the languages."""
    local = [s for s in request.sources if not is_storage_spec(s)]
    missing = [s for s in local if not Path(s).exists()]
    if missing:
        raise BadInputError(f"source {missing[0]} does not exist", hint="give existing folders or files")
    if local == request.sources:  # storage sources are listed when the run plans, with the account at hand
        found = scan([Path(s) for s in local], include=request.include, exclude=request.exclude, hashed=False)
        _require_documents(request, found)
    select_glossaries(request.glossaries, request.languages)
