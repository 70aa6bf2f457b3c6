"""A translation run, Prefect-free: what the user asks for, and the plan that answers it.

`TranslationRequest` is the flow parameter (the Prefect UI renders it as a form), so it holds names
and paths only: no key, no SAS. `plan_run` turns it into a `RunPlan`: what to stage, what is already
translated, which batches to submit, and what it will cost — everything checked before any money is spent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from doctranslate.errors import BadInputError
from doctranslate.estimate import check_budget, estimate_characters
from doctranslate.existing import ExistingDecision, OnExisting, Pair, decide
from doctranslate.glossary_selection import GlossaryFile, select_glossaries
from doctranslate.manifests import is_manifest, made_from
from doctranslate.planning import Limits, PlannedBatch, Scan, plan_batches, scan
from doctranslate.storage import StorageAccount
from doctranslate.submission import BatchLayout, SubmissionJournal

_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_JOB = re.compile(r"[^a-z0-9-]+")


def _language(code: str) -> str:
    if not _LANGUAGE.match(code):
        raise ValueError(
            f"{code!r} is not a language code; use codes like fr, de, pt-BR, zh-Hans "
            "(see https://learn.microsoft.com/azure/ai-services/translator/language-support)"
        )
    return code


LanguageCode = Annotated[str, AfterValidator(_language)]


class TranslationRequest(BaseModel):
    """What to translate, into which languages, and how to treat what is already there."""

    model_config = ConfigDict(frozen=True)

    sources: list[str] = Field(min_length=1, description="Local folders or files with the documents.")
    languages: list[LanguageCode] = Field(min_length=1, description="Target languages, e.g. fr, de, ja.")
    source_language: LanguageCode | None = Field(None, description="Source language; empty to auto-detect.")
    out_dir: str = Field("translations", description="Where translations and the report are written.")
    glossaries: list[str] = Field(default_factory=list, description="Glossary files or folders; 'fr=terms.csv'.")
    on_existing: OnExisting = Field(OnExisting.SKIP, description="What to do with translations that exist.")
    include: list[str] = Field(default_factory=list, description="Only files matching these globs.")
    exclude: list[str] = Field(default_factory=list, description="Leave out files matching these globs.")
    job: str | None = Field(None, description="Name of this job's folder in storage; default: the source's name.")
    budget: float | None = Field(None, ge=0, description="Stop before submitting if the estimate costs more.")

    @model_validator(mode="after")
    def _distinct_languages(self) -> Self:
        seen = [code.lower() for code in self.languages]
        duplicates = sorted({code for code in seen if seen.count(code) > 1})
        if duplicates:
            raise ValueError(f"languages: {', '.join(duplicates)} given twice; each target needs its own output")
        return self

    @property
    def job_name(self) -> str:
        name = self.job or Path(self.sources[0]).resolve().name or "documents"
        cleaned = _JOB.sub("-", name.lower()).strip("-")
        return cleaned or "documents"


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


class LanguageSet(BaseModel):
    """A named group of target languages, translated into `<out_dir>/<name>/`."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$", description="Names the output subfolder, e.g. 'europe'.")
    languages: list[str] = Field(min_length=1)


class LanguageSetsRequest(BaseModel):
    base: TranslationRequest = Field(description="Sources and options shared by every set.")
    sets: list[LanguageSet] = Field(min_length=1)


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


def plan_run(
    request: TranslationRequest,
    account: StorageAccount,
    journal: SubmissionJournal,
    *,
    source_container: str,
    target_container: str,
    price_per_million: float,
    limits: Limits | None = None,
) -> RunPlan:
    """Batches are formed from *all* documents first, so their keys do not depend on what a crashed run
    left behind; a batch the journal knows is re-attached; only the others meet the existing-target policy."""
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
    existing = _existing_outputs(account, target_container, layout.job)
    plans: list[BatchPlan] = []
    for batch in plan_batches(found.documents, request.languages, context=context, limits=limits):
        submitted = journal.read(batch.key).get("batch_id")
        if submitted:
            # Ours already: gathered outputs are done; the rest is still to be followed, never deleted.
            decision = decide(
                batch.documents, batch.languages, existing, OnExisting.SKIP, job=layout.job, version=version
            )
            decision.delete_first = []
        else:
            decision = decide(
                batch.documents, batch.languages, existing, request.on_existing, job=layout.job, version=version
            )
        plans.append(BatchPlan(batch=batch, submitted_as=submitted, decision=decision))
    characters = estimate_characters([p for plan in plans if plan.needs_submitting for p in plan.decision.translate])
    cost = check_budget(characters, price_per_million, request.budget)
    return RunPlan(
        request=request,
        layout=layout,
        scan=found,
        glossaries=glossaries,
        batches=plans,
        estimated_characters=characters,
        estimated_cost=cost,
    )


def _existing_outputs(account: StorageAccount, container: str, job: str) -> dict[str, Mapping[str, str]]:
    """The job's outputs in storage, each with the source MD5 it was made from when that is known."""
    blobs = list(account.list_blobs(container, f"{job}/"))
    manifests = [(b, account.read_blob(container, b.name)) for b in blobs if is_manifest(job, b.name)]
    return made_from((b for b in blobs if not is_manifest(job, b.name)), manifests)


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


def describe_request_error(exc: ValidationError) -> str:
    """One line per problem, named by field: `languages: List should have at least 1 item`."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'request'}: {e['msg'].removeprefix('Value error, ')}"
        for e in exc.errors(include_url=False, include_input=False)
    )


def preflight(request: TranslationRequest) -> None:
    """The checks that need no service and no storage, done before a run starts (and again in `plan_run`):
    sources exist and hold something to translate, and every glossary is readable and fits the languages."""
    require_sources(request)
    found = scan([Path(s) for s in request.sources], include=request.include, exclude=request.exclude, hashed=False)
    _require_documents(request, found)
    select_glossaries(request.glossaries, request.languages)


def require_sources(request: TranslationRequest) -> None:
    missing = [s for s in request.sources if not Path(s).exists()]
    if missing:
        raise BadInputError(f"source {missing[0]} does not exist", hint="give existing folders or files")
