"""Small documents without storage: the synchronous `document:translate` route, one call per document and language.

A user with a translator key and a few files under 10 MB (api-facts §6) needs no storage account, no staging,
no batch to follow: each file goes up in the request and its translation comes back in the answer. The rest
is the batch pipeline's, so a `--sync` run reads like any other: the same glossaries (sent with each call, the
ones for its language), the same `--on-existing` policy, the same report and QA, and outputs at
`<out>/<language>/<path>` (`--on-existing version`: `<out>/<language>/<version>/<path>`).

What `skip` compares with lives beside the outputs: `<out>/.doctranslate/made-from.json` maps each output to
the MD5 of the source it was made from, so a changed source is translated again and an unchanged one is not.
Text in images is batch-only at the service, and so is refused here.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from doctranslate.client import DocumentTranslationClient
from doctranslate.errors import BadInputError, DocTranslateError, RemoteError, hint_for
from doctranslate.pipeline.existing import Pair, targets_exist
from doctranslate.pipeline.glossaries import GlossaryFile, select_glossaries
from doctranslate.pipeline.limits import MAX_SYNC_DOCUMENT_BYTES, Limits
from doctranslate.pipeline.outcomes import DocumentOutcome, OutcomeStatus
from doctranslate.pipeline.request import OnExisting, TranslationRequest
from doctranslate.pipeline.scan import Scan, scan
from doctranslate.storage.atomic import write_atomically
from doctranslate.storage.locations import is_storage_spec
from doctranslate.storage.names import target_blob_name

MADE_FROM: Final = Path(".doctranslate") / "made-from.json"


@dataclass
class SinglePlan:
    """What a `--sync` run will do, decided before its first call."""

    request: TranslationRequest
    out: Path
    scan: Scan
    glossaries: list[GlossaryFile]
    translate: list[Pair] = field(default_factory=list)
    already_done: list[Pair] = field(default_factory=list)

    def output_of(self, pair: Pair) -> Path:
        return self.out / pair.target

    def describe(self) -> str:
        return (
            f"planned {len(self.scan.documents)} document(s) x {len(self.request.languages)} language(s): "
            f"{len(self.translate)} to translate one call each (synchronous, no storage), "
            f"{len(self.already_done)} already translated, {len(self.scan.skipped)} file(s) not submitted"
        )


def plan_single(request: TranslationRequest) -> SinglePlan:
    """Check a `--sync` request and sort its pairs by the policy; raises `BadInputError` before any call."""
    glossaries_in_storage = any(is_storage_spec(spec.partition("=")[2] or spec) for spec in request.glossaries)
    if any(is_storage_spec(source) for source in request.sources) or glossaries_in_storage or not request.out_dir:
        raise BadInputError(
            "--sync translates local files into a local folder, without storage",
            hint="give local files (and glossaries) and --out DIR, or drop --sync to translate in storage",
        )
    if is_storage_spec(request.out_dir):
        raise BadInputError(
            f"--sync writes translations to a local folder, not {request.out_dir}",
            hint="give --out DIR, or drop --sync to keep the translations in storage",
        )
    if request.translate_images:
        raise BadInputError(
            "the service translates text in images in batches only, not with --sync",
            hint="drop --sync, or drop --translate-images",
        )
    found = scan(
        [Path(s) for s in request.sources],
        include=request.include,
        exclude=request.exclude,
        limits=Limits(document_bytes=MAX_SYNC_DOCUMENT_BYTES),
    )
    if not found.documents:
        reasons = "; ".join(f"{s.relative_path}: {s.reason}" for s in found.skipped[:10]) or "no files found"
        raise BadInputError(
            f"nothing to translate with --sync in {', '.join(request.sources)} ({reasons})",
            hint=f"--sync takes documents up to {MAX_SYNC_DOCUMENT_BYTES // 1024 // 1024} MB; drop it for larger ones",
        )
    plan = SinglePlan(
        request=request,
        out=Path(request.out_dir),
        scan=found,
        glossaries=select_glossaries(request.glossaries, request.languages),
    )
    version = datetime.now(UTC).strftime("v%Y%m%dT%H%M%S") if request.on_existing is OnExisting.VERSION else None
    made_from = _made_from(plan.out)
    conflicts: list[str] = []
    for language in request.languages:
        for document in found.documents:
            pair = Pair(document, language, target_blob_name("", language, document.relative_path, version))
            output = plan.output_of(pair)
            if not output.exists() or request.on_existing in (OnExisting.OVERWRITE, OnExisting.VERSION):
                plan.translate.append(pair)
            elif request.on_existing is OnExisting.FAIL:
                conflicts.append(str(output))
            elif made_from.get(pair.target) == document.md5:
                plan.already_done.append(pair)
            else:  # skip, but the source changed since (or we do not know what it was made from)
                plan.translate.append(pair)
    if conflicts:
        raise targets_exist(conflicts, where="", sent="sent")
    return plan


def translate_single(
    plan: SinglePlan,
    client: DocumentTranslationClient,
    on_done: Callable[[DocumentOutcome], None] = lambda outcome: None,
) -> list[DocumentOutcome]:
    """One call per pair, in order; each output written whole (never a partial file) and recorded in
    `made-from.json` as it lands, so an interrupted run resumes from where it stopped."""
    request = plan.request
    outcomes: list[DocumentOutcome] = []
    made_from = _made_from(plan.out)
    for pair in plan.translate:
        assert pair.document.local_path is not None
        name = pair.document.local_path.name
        try:
            answer = client.translate_document(
                (name, pair.document.local_path.read_bytes(), _content_type(name)),
                pair.language,
                glossaries=_glossary_parts(plan.glossaries, pair.language),
                source_language=request.source_language,
                category=request.category,
                deployment_name=request.deployment,
            )
        except RemoteError as exc:
            outcome = _failed(pair, exc.most_specific_code, exc.message, exc.hint)
        except BadInputError:
            raise
        except DocTranslateError as exc:
            outcome = _failed(pair, None, exc.message, exc.hint)
        else:
            output = plan.output_of(pair)
            write_atomically(output, answer.content)
            made_from[pair.target] = pair.document.md5
            write_atomically(plan.out / MADE_FROM, json.dumps(made_from, indent=1, sort_keys=True).encode())
            outcome = DocumentOutcome(
                source=pair.document.relative_path,
                language=pair.language,
                status=OutcomeStatus.SUCCEEDED,
                output=str(output),
                characters_charged=answer.characters_charged or 0,
            )
        outcomes.append(outcome)
        on_done(outcome)
    return outcomes


def already_translated(plan: SinglePlan) -> list[DocumentOutcome]:
    return [
        DocumentOutcome(
            source=pair.document.relative_path,
            language=pair.language,
            status=OutcomeStatus.UP_TO_DATE,
            output=str(plan.output_of(pair)),
            message="already translated from the same content",
        )
        for pair in plan.already_done
    ]


def _failed(pair: Pair, code: str | None, message: str, hint: str | None) -> DocumentOutcome:
    return DocumentOutcome(
        source=pair.document.relative_path,
        language=pair.language,
        status=OutcomeStatus.FAILED,
        error=code,
        message=message,
        hint=hint or hint_for(code),
    )


def _glossary_parts(glossaries: Sequence[GlossaryFile], language: str) -> list[tuple[str, bytes, str]]:
    return [
        (g.path.name, g.path.read_bytes(), _content_type(g.path.name)) for g in glossaries if g.applies_to(language)
    ]


def _content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _made_from(out: Path) -> dict[str, str]:
    path = out / MADE_FROM
    try:
        loaded = json.loads(path.read_bytes())
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
