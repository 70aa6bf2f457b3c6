"""Plan a run: everything it will do, decided and priced before any money is spent.

Batches are formed from *all* documents first, within every service limit at once (1,000 documents,
250 MB, 10 target languages), and named by their content: the same work planned twice gets the same
batch key, and that key is what makes submitting idempotent. A batch the journal knows is re-attached;
only the others meet the existing-target policy. The plan reads state; it writes none.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from doctranslate.errors import BadInputError
from doctranslate.pipeline.estimate import check_budget, estimate_characters
from doctranslate.pipeline.existing import ExistingDecision, Pair, decide
from doctranslate.pipeline.glossaries import GlossaryFile, select_glossaries
from doctranslate.pipeline.limits import Limits
from doctranslate.pipeline.request import OnExisting, TranslationRequest
from doctranslate.pipeline.scan import Scan, SourceDocument, scan


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


class BatchPlan(BaseModel):
    """One planned batch and what the run does with it."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    batch: PlannedBatch
    submitted_as: str | None = Field(None, description="Batch id when an earlier run already submitted it.")
    decision: ExistingDecision

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


def plan_run(
    request: TranslationRequest,
    existing: Mapping[str, Mapping[str, str]],
    submitted: Callable[[str], str | None],
    *,
    source_container: str,
    target_container: str,
    price_per_million: float,
    limits: Limits | None = None,
) -> RunPlan:
    """Scan, choose glossaries, form batches, re-attach submitted ones, apply the policy to the rest, price it.

    `existing`: the job's outputs in the target container (`existing.existing_outputs`); `submitted`: the batch
    id recorded for a batch key, if any (`journal.SubmissionJournal.submitted`)."""
    found = scan(
        [Path(source) for source in request.sources], include=request.include, exclude=request.exclude, limits=limits
    )
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
        plans.append(BatchPlan(batch=batch, submitted_as=batch_id, decision=decision))
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
    missing = [s for s in request.sources if not Path(s).exists()]
    if missing:
        raise BadInputError(f"source {missing[0]} does not exist", hint="give existing folders or files")
    found = scan([Path(s) for s in request.sources], include=request.include, exclude=request.exclude, hashed=False)
    _require_documents(request, found)
    select_glossaries(request.glossaries, request.languages)
