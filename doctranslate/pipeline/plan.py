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
from doctranslate.formats.embedded_images import IMAGE_TEXT_FORMATS
from doctranslate.formats.image import is_image
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.estimate import check_budget, estimate_characters, estimate_images
from doctranslate.pipeline.existing import ExistingDecision, Pair, decide, existing_outputs
from doctranslate.pipeline.glossaries import GlossaryFile, select_glossaries
from doctranslate.pipeline.journal import SubmissionJournal
from doctranslate.pipeline.limits import Limits
from doctranslate.pipeline.request import OnExisting, TranslationRequest
from doctranslate.pipeline.scan import Scan, SourceDocument, StorageReader, scan, scan_blobs
from doctranslate.pricing import Pricing
from doctranslate.settings import ApiVersion, Settings
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.locations import StorageLocation, is_storage_spec


class BatchLayout(BaseModel):
    """Where a run's blobs live: plain names only, never SAS."""

    job: str
    source_container: str
    destination: Destination
    source_language: str | None = None
    category: str | None = None
    deployment: str | None = None
    translate_images: bool = False


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
    pricing: Pricing
    estimated_images: int = 0
    history: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="Of each output already translated: when and by which batch (manifests)."
    )

    @property
    def already_done(self) -> list[Pair]:
        return [p for b in self.batches for p in b.decision.already_done]

    @property
    def to_follow(self) -> list[BatchPlan]:
        return [b for b in self.batches if b.needs_following]

    def describe(self) -> str:
        """One line for people: what the run will do, naming only what there is (`4 to translate in 1 batch`;
        a re-run: `nothing new to translate; 10 already translated`)."""
        new = [b for b in self.batches if b.needs_submitting]
        resumed = [b for b in self.batches if b.submitted_as and b.needs_following]
        to_translate = sum(len(b.decision.translate) for b in new)
        parts = [f"{to_translate} to translate in {_count(len(new), 'batch', 'batches')}" if new else ""]
        if resumed:
            following = sum(len(b.decision.translate) for b in resumed)
            parts.append(f"{following} in {_count(len(resumed), 'batch', 'batches')} submitted earlier, followed again")
        if not new and not resumed:
            parts.append("nothing new to translate")
        if self.already_done:
            parts.append(f"{len(self.already_done)} already translated")
        if self.scan.skipped:
            parts.append(f"{_count(len(self.scan.skipped), 'file', 'files')} not submitted (see the report)")
        estimate = f"estimate {self.estimated_characters:,} characters"
        if self.estimated_images:
            estimate += f" and {_count(self.estimated_images, 'image', 'images')}"
        return (
            f"{len(self.scan.documents)} document(s) x {len(self.request.languages)} language(s): "
            f"{', '.join(p for p in parts if p)}; {estimate}, cost {self.pricing.amount(self.estimated_cost)}"
        )


def _count(number: int, one: str, many: str) -> str:
    return f"{number:,} {one if number == 1 else many}"


def plan_batches(
    documents: Sequence[SourceDocument],
    languages: Sequence[str],
    *,
    context: str = "",
    limits: Limits | None = None,
    folder: Callable[[SourceDocument], str] = lambda document: "",
) -> list[PlannedBatch]:
    """Split into batches within every limit at once; `context` (glossaries, target layout) joins the key.

    A batch never spans two `folder`s (storage sources: a folder under the source prefix), so a folder that
    fits the limits is a batch of its own, which the service's filter can select exactly."""
    limits = limits or Limits()
    language_groups = [list(languages[i : i + limits.languages]) for i in range(0, len(languages), limits.languages)]
    document_groups: list[list[SourceDocument]] = []
    current: list[SourceDocument] = []
    current_bytes = 0
    for document in sorted(documents, key=lambda d: (folder(d), d.relative_path)):
        full = len(current) == limits.documents or current_bytes + document.size > limits.bytes
        if current and (full or folder(current[-1]) != folder(document)):
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
    destination: Destination,
    pricing: Pricing,
    api_version: ApiVersion = ApiVersion.V2026_03_01,
    limits: Limits | None = None,
    listing: StorageReader | None = None,
) -> RunPlan:
    """Scan, choose glossaries, form batches, re-attach submitted ones, apply the policy to the rest, price it.

    `existing`: the outputs under the destination's root (`existing.existing_outputs`); `submitted`: the batch
    id recorded for a batch key, if any (`journal.SubmissionJournal.submitted`); `listing`: the account, for
    sources already in storage (`az://container/prefix`), which are planned from their listing alone."""
    found, folders = _scan_sources(request, listing, limits, destination)
    found = found.without(destination.unwritable(found.documents))
    request.check_api_version(api_version, [d.relative_path for d in found.documents])
    if not request.empty_ok:
        _require_documents(request, found)
    _require_image_formats(request, found)
    glossaries = select_glossaries(request.glossaries, request.languages, listing)
    layout = BatchLayout(
        job=request.job_name,
        source_container=source_container,
        destination=destination,
        source_language=request.source_language,
        category=request.category,
        deployment=request.deployment,
        translate_images=request.translate_images,
    )
    version = datetime.now(UTC).strftime("v%Y%m%dT%H%M%S") if request.on_existing is OnExisting.VERSION else None
    context = _context(layout, glossaries, request.on_existing, version)
    plans: list[BatchPlan] = []
    batches = plan_batches(found.documents, request.languages, context=context, limits=limits, folder=folders.folder_of)
    for batch in batches:
        batch_id = submitted(batch.key)
        # Ours already: gathered outputs are done; the rest is still to be followed, never deleted.
        policy = OnExisting.SKIP if batch_id else request.on_existing
        decision = decide(batch.documents, batch.languages, existing, policy, root=destination.root, version=version)
        if batch_id:
            decision.delete_first = []
        plans.append(
            BatchPlan(
                batch=batch, submitted_as=batch_id, decision=decision, selection=folders.selection(batch, decision)
            )
        )
    to_translate = [p for plan in plans if plan.needs_submitting for p in plan.decision.translate]
    characters = estimate_characters(to_translate)
    images = estimate_images(to_translate, text_in_images=request.translate_images)
    return RunPlan(
        request=request,
        layout=layout,
        scan=found,
        glossaries=glossaries,
        batches=plans,
        estimated_characters=characters,
        estimated_images=images,
        history={p.target: dict(existing.get(p.target, {})) for plan in plans for p in plan.decision.already_done},
        estimated_cost=check_budget(characters, pricing, request.budget, images=images),
        pricing=pricing,
    )


class Folders:
    """How the storage sources are cut into batches, and which parts the service's own filter would select
    exactly: nothing we leave out (an empty or oversized blob, a pattern match) lies under them, and
    `include` is at most one suffix. A source that fits in one batch is one part (its prefix); a larger one
    is cut at the first level of folders under its prefix."""

    def __init__(self, suffix: str | None, limits: Limits) -> None:
        self._suffix = suffix
        self._limits = limits
        self._of: dict[tuple[str, str], str] = {}
        self._selectable: dict[str, tuple[Selection, set[str]]] = {}

    def add(self, source: StorageLocation, found: Scan) -> None:
        fits = (
            len(found.documents) <= self._limits.documents
            and sum(d.size for d in found.documents) <= self._limits.bytes
        )

        def folder(name: str) -> str:
            rest = name[len(source.prefix) :]
            return source.prefix + rest.split("/", 1)[0] + "/" if "/" in rest and not fits else source.prefix

        members: dict[str, set[str]] = {}
        for document in found.documents:
            members.setdefault(folder(document.relative_path), set()).add(document.relative_path)
            self._of[(source.container, document.relative_path)] = (
                f"{source.container}/{folder(document.relative_path)}"
            )
        blocked = {folder(s.relative_path) for s in found.skipped if not _unsupported(s.reason)}
        loose_only = set(members) == {source.prefix}
        for prefix, names in members.items():
            loose = prefix == source.prefix
            if (
                self._suffix is not None
                and prefix not in blocked
                and (not loose or loose_only)
                and not (loose and blocked)
            ):
                selection = Selection(container=source.container, prefix=prefix, suffix=self._suffix or None)
                self._selectable[f"{source.container}/{prefix}"] = (selection, names)

    def folder_of(self, document: SourceDocument) -> str:
        return self._of.get((document.container or "", document.relative_path), "")

    def selection(self, batch: PlannedBatch, decision: ExistingDecision) -> Selection | None:
        """The filter form fits a batch that is one selectable folder whole, and translates all of it."""
        if decision.already_done or len(decision.translate) != len(batch.documents) * len(batch.languages):
            return None
        found = self._selectable.get(self.folder_of(batch.documents[0]))
        names = {d.relative_path for d in batch.documents}
        return found[0] if found is not None and found[1] == names else None


def plan_in_storage(request: TranslationRequest, account: StorageAccount, settings: Settings) -> RunPlan:
    """`plan_run` against the run's storage account: the outputs and submission records under the destination's
    root as they are there, and sources already in storage listed from it. What the plan task runs, and the
    benchmarks too."""
    destination = Destination.of(
        request.out_dir, job=request.job_name, target_container=settings.target_container, account_url=account.url
    )
    account.ensure_container(destination.container)
    return plan_run(
        request,
        existing_outputs(account, destination.container, destination.root),
        SubmissionJournal(account, destination.container, destination.root).submitted,
        source_container=settings.source_container,
        destination=destination,
        pricing=settings.pricing,
        listing=account,
        api_version=settings.api_version,
    )


def _scan_sources(
    request: TranslationRequest, listing: StorageReader | None, limits: Limits | None, destination: Destination
) -> tuple[Scan, Folders]:
    """Every source's documents in one scan, and the folders of those in storage."""
    local = [Path(spec) for spec in request.sources if not is_storage_spec(spec)]
    images = request.translate_images
    found = (
        scan(local, include=request.include, exclude=request.exclude, limits=limits, images=images) if local else Scan()
    )
    folders = Folders(_filter_suffix(request), limits or Limits())
    in_storage = [s for s in request.sources if is_storage_spec(s)]
    if not in_storage:
        return found, folders
    if listing is None:
        raise BadInputError(f"{in_storage[0]} is in storage, and no storage account is configured")
    sources = [StorageLocation.given(spec, listing.url) for spec in in_storage]
    destination.check_apart_from(sources)
    for source in sources:
        blobs = scan_blobs(
            source, listing.list_blobs(source.container, source.prefix), include=request.include,
            exclude=request.exclude, limits=limits, images=images,
        )  # fmt: skip
        folders.add(source, blobs)
        found = found.merged(blobs)
    return found, folders


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


def _context(layout: BatchLayout, glossaries: Sequence[GlossaryFile], policy: OnExisting, version: str | None) -> str:
    """Everything besides documents and languages that changes what a batch produces. `overwrite` asks for
    new work each time, so its batches get fresh keys."""
    nonce = datetime.now(UTC).isoformat() if policy is OnExisting.OVERWRITE else ""
    destination = layout.destination
    # The default destination (the job's folder in the target container) keeps the key it had before outputs
    # could go elsewhere: a run resumed across an upgrade then re-attaches to its batch, not submits it again.
    target = destination.container if destination.root == layout.job else f"{destination.container}/{destination.root}"
    parts = [layout.job, target, layout.source_language or "", version or "", nonce]
    parts += sorted(f"{g.language}:{g.md5}" for g in glossaries)
    # Another model, or text in images, is other work; without them the key stays what it was before they existed.
    model = [layout.category or "", layout.deployment or "", "images" if layout.translate_images else ""]
    if any(model):
        parts += model
    return "|".join(parts)


def _require_image_formats(request: TranslationRequest, found: Scan) -> None:
    """Text in images is read in image files and in .docx and .pptx: asked for with none of them, it would do
    nothing."""
    if request.translate_images and found.documents:
        formats = tuple(IMAGE_TEXT_FORMATS)
        names = [d.relative_path for d in found.documents]
        if not any(name.lower().endswith(formats) or is_image(name) for name in names):
            raise BadInputError(
                f"translate_images: the service reads text in images of image files and {' and '.join(formats)} "
                f"documents only, and none of the {len(found.documents)} document(s) is one",
                hint="drop --translate-images, or add .docx/.pptx documents or images",
            )


def _require_documents(request: TranslationRequest, found: Scan) -> None:
    if not found.documents:
        reasons = "; ".join(f"{s.relative_path}: {s.reason}" for s in found.skipped[:10]) or "no files found"
        raise BadInputError(
            f"nothing to translate in {', '.join(request.sources)} ({reasons})",
            hint="check the folder and the --include/--exclude patterns",
        )


def preflight(request: TranslationRequest) -> None:
    """The checks that need no service and no storage, done before a run starts (and again in `plan_run`):
    sources exist and hold something to translate, every glossary is readable and fits the languages, and an
    `az://` output is a container apart from the sources."""
    local = [s for s in request.sources if not is_storage_spec(s)]
    missing = [s for s in local if not Path(s).exists()]
    if missing:
        raise BadInputError(f"source {missing[0]} does not exist", hint="give existing folders or files")
    if local == request.sources:  # storage sources are listed when the run plans, with the account at hand
        found = scan(
            [Path(s) for s in local],
            include=request.include,
            exclude=request.exclude,
            hashed=False,
            images=request.translate_images,
        )
        _require_documents(request, found)
        _require_image_formats(request, found)
    select_glossaries(request.glossaries, request.languages)
    if request.out_dir.startswith("az://"):  # an https:// one needs the account's URL: checked when the run plans
        destination = Destination.of(request.out_dir, job=request.job_name, target_container="", account_url="")
        destination.check_apart_from([StorageLocation.given(s, "") for s in request.sources if s.startswith("az://")])
