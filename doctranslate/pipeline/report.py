"""The per-document report of a run: what happened to every document x language, and what it cost.

Written as `report.json` (for machines and for `rerun-failed`) and `report.md` (for people) in the
output folder, and published as Prefect artifacts by the flow. It holds blob names and local paths,
never a SAS URL. Assembling it (from a plan and what following each batch produced) and merging a rerun
into an earlier report are done here, so every flow reports the same way.
"""

from __future__ import annotations

import glob
import html
import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, Field, ValidationError

from doctranslate.errors import BadInputError
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.manifests import MADE_AT, MADE_BY_BATCH
from doctranslate.pipeline.outcomes import BatchOutcome, BatchResult, DocumentOutcome, OutcomeStatus
from doctranslate.pipeline.plan import RunPlan
from doctranslate.pipeline.request import OnExisting, QaPolicy, TranslationRequest
from doctranslate.pipeline.scan import SkippedDocument
from doctranslate.pricing import Pricing, format_amount
from doctranslate.qa.check import QaResult
from doctranslate.qa.rules import Finding
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.atomic import write_atomically
from doctranslate.storage.locations import StorageLocation, is_storage_spec
from doctranslate.storage.names import report_blob_name


class SkippedFile(BaseModel):
    source: str
    reason: str


class ReportSummary(BaseModel):
    documents: int = 0
    succeeded: int = 0
    failed: int = 0
    already_translated: int = 0
    skipped_files: int = 0
    characters_charged: int = 0
    images_charged: int = 0
    estimated_characters: int = 0
    price_per_million_characters: float = 0.0
    price_per_image: float = 0.0
    currency: str = Field("", description="Of the prices and the cost (reports before 2026-12 have none).")
    cost: float = 0.0

    @property
    def cost_text(self) -> str:
        """The cost with its currency, as estimates show it (a report from before currencies has none)."""
        return format_amount(self.cost, self.currency)


class RunReport(BaseModel):
    request: dict[str, Any] | None = Field(None, description="The run's parameters (no secrets), for reruns.")
    documents: list[DocumentOutcome] = Field(default_factory=list)
    batches: list[BatchOutcome] = Field(default_factory=list)
    skipped_files: list[SkippedFile] = Field(default_factory=list)
    qa: QaResult | None = Field(None, description="What QA found in this run's translations (None: not checked).")
    summary: ReportSummary = Field(default_factory=ReportSummary)

    @property
    def failures(self) -> list[DocumentOutcome]:
        return [d for d in self.documents if d.status.is_failure]


def assemble_report(plan: RunPlan, results: Sequence[BatchResult], *, qa: QaResult | None = None) -> RunReport:
    """The run's report: followed batches, what was already translated, the files not submitted, and what QA
    found (under the `fail` policy, a translation with findings is a failure: `FailedQA`)."""
    already = [
        _up_to_date(pair, plan.layout.destination, plan.history.get(pair.target, {})) for pair in plan.already_done
    ]
    return compose_report(
        plan.request,
        [outcome for _, outcomes in results for outcome in outcomes] + already,
        batches=[batch for batch, _ in results],
        skipped=plan.scan.skipped,
        qa=qa,
        estimated_characters=plan.estimated_characters,
        pricing=plan.pricing,
    )


def _up_to_date(pair: Pair, destination: Destination, made: Mapping[str, str]) -> DocumentOutcome:
    """A translation already made from the same content: where it is, and when and by which batch it was made
    (when the manifests say so)."""
    at = made.get(MADE_AT)
    return DocumentOutcome(
        source=pair.document.relative_path,
        language=pair.language,
        status=OutcomeStatus.UP_TO_DATE,
        output=destination.location_of(pair),
        message="up to date: already translated from the same content",
        batch=made.get(MADE_BY_BATCH),
        translated_at=datetime.fromisoformat(at) if at else None,
    )


def compose_report(
    request: TranslationRequest,
    documents: Sequence[DocumentOutcome],
    *,
    batches: Sequence[BatchOutcome],
    skipped: Sequence[SkippedDocument],
    qa: QaResult | None,
    estimated_characters: int,
    pricing: Pricing,
) -> RunReport:
    """A report from every document x language's outcome, however the run translated them (batches, or one
    call each with `--sync`)."""
    outcomes = list(documents)
    if qa is not None and request.qa is QaPolicy.FAIL:
        findings = qa.by_pair()
        outcomes = [_failed_qa(outcome, findings.get((outcome.source, outcome.language), [])) for outcome in outcomes]
    report = RunReport(
        request=request.model_dump(mode="json"),
        documents=_sorted(outcomes),
        batches=list(batches),
        skipped_files=[SkippedFile(source=s.relative_path, reason=s.reason) for s in skipped],
        qa=qa,
    )
    return summarize(report, estimated_characters=estimated_characters, pricing=pricing)


def rerun_requests(original: RunReport) -> list[TranslationRequest]:
    """One request per language with failed pairs, limited to exactly those documents (`include` globs). Pairs
    that failed QA have an output made from the current source, so theirs replace it (`overwrite`)."""
    if original.request is None:
        return []
    base = TranslationRequest.model_validate(original.request)
    failed: dict[tuple[str, bool], list[str]] = defaultdict(list)
    for document in original.failures:
        failed[(document.language, document.status is OutcomeStatus.FAILED_QA)].append(document.source)
    return [
        TranslationRequest.model_validate(
            base.model_copy(
                update={
                    "languages": [language],
                    "include": [glob.escape(s) for s in sources],
                    "on_existing": OnExisting.OVERWRITE if qa_failed else base.on_existing,
                }
            ).model_dump()
        )
        for (language, qa_failed), sources in sorted(failed.items())
    ]


def _failed_qa(outcome: DocumentOutcome, found: Sequence[Finding]) -> DocumentOutcome:
    if not found or outcome.status not in (OutcomeStatus.SUCCEEDED, OutcomeStatus.UP_TO_DATE):
        return outcome
    rules = ", ".join(sorted({f.rule.value for f in found}))
    return outcome.model_copy(
        update={
            "status": OutcomeStatus.FAILED_QA,
            "error": f"QA:{found[0].rule.value}",
            "message": f"{len(found)} QA finding(s): {rules}",
            "hint": found[0].hint,
        }
    )


def merge_rerun(original: RunReport, retried: Sequence[DocumentOutcome], *, pricing: Pricing) -> RunReport:
    """`original` with the outcomes of its rerun pairs replaced by the new ones."""
    again = {(d.source, d.language) for d in retried}
    merged = RunReport(
        request=original.request,
        documents=_sorted([d for d in original.documents if (d.source, d.language) not in again] + list(retried)),
        batches=original.batches,
        skipped_files=original.skipped_files,
    )
    return summarize(merged, estimated_characters=original.summary.estimated_characters, pricing=pricing)


def _sorted(documents: list[DocumentOutcome]) -> list[DocumentOutcome]:
    return sorted(documents, key=lambda d: (d.source, d.language))


def summarize(report: RunReport, *, estimated_characters: int, pricing: Pricing) -> RunReport:
    charged = sum(d.characters_charged for d in report.documents)
    images = sum(d.images_charged for d in report.documents)
    report.summary = ReportSummary(
        documents=len(report.documents),
        succeeded=sum(d.status is OutcomeStatus.SUCCEEDED for d in report.documents),
        failed=len(report.failures),
        already_translated=sum(d.status is OutcomeStatus.UP_TO_DATE for d in report.documents),
        skipped_files=len(report.skipped_files),
        characters_charged=charged,
        images_charged=images,
        estimated_characters=estimated_characters,
        price_per_million_characters=pricing.per_million_characters,
        price_per_image=pricing.per_image,
        currency=pricing.currency,
        cost=round(pricing.cost(charged, images), 6),
    )
    return report


def render_markdown(report: RunReport) -> str:
    s = report.summary
    lines = [
        "# Translation report",
        "",
        f"- documents x languages: **{s.documents}** — succeeded {s.succeeded}, failed {s.failed}, "
        f"already translated {s.already_translated}",
        f"- files not submitted: {s.skipped_files}",
        f"- characters charged: {s.characters_charged:,} (estimated before submitting: {s.estimated_characters:,})",
        _cost_line(s),
        "",
    ]
    if s.images_charged:
        lines.insert(-1, f"- images charged (text in images, priced apart): {s.images_charged:,}")
    lines += _language_lines(report.documents)
    if report.failures:
        lines += ["## Failed", "", "| source | language | error | message | what to do |", "|---|---|---|---|---|"]
        lines += [
            _row(d.source, d.language, d.error or d.status, d.message or "", d.hint or "") for d in report.failures
        ]
        lines.append("")
    if report.skipped_files:
        lines += ["## Not submitted", "", "| file | reason |", "|---|---|"]
        lines += [_row(f.source, f.reason) for f in report.skipped_files]
        lines.append("")
    lines += _qa_lines(report.qa)
    lines += [
        "## Documents",
        "",
        "| source | language | status | output | characters | translated |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        _row(d.source, d.language, d.status, d.output or "", d.characters_charged, _made(d)) for d in report.documents
    ]
    return "\n".join(lines) + "\n"


def _cost_line(s: ReportSummary) -> str:
    images = f" and {s.price_per_image:g} per image" if s.price_per_image else ""
    prices = f"{s.price_per_million_characters:g} per million characters{images}"
    return f"- cost at {f'{s.currency} ' if s.currency else ''}{prices}: **{s.cost_text}**"


def _language_lines(documents: Sequence[DocumentOutcome]) -> list[str]:
    """A row per language: how many of its documents ended in each way, and the characters charged."""
    if not documents:
        return []
    counted: dict[str, Counter[OutcomeStatus]] = defaultdict(Counter)
    characters: Counter[str] = Counter()
    for d in documents:
        counted[d.language][d.status] += 1
        characters[d.language] += d.characters_charged
    statuses = [status for status in OutcomeStatus if any(c[status] for c in counted.values())]
    lines = ["## By language", "", "| language | " + " | ".join(statuses) + " | characters |"]
    lines.append("|---|" + "---|" * len(statuses) + "---|")
    for language in sorted(counted):
        counts = [str(counted[language][status]) for status in statuses]
        lines.append(_row(language, *counts, f"{characters[language]:,}"))
    return [*lines, ""]


def _made(outcome: DocumentOutcome) -> str:
    """When, and in which batch, a translation was made: this run's, or an earlier one's still up to date."""
    when = f"{outcome.translated_at:%Y-%m-%d %H:%M} UTC" if outcome.translated_at else ""
    batch = f"batch {outcome.batch[:8]}" if outcome.batch else ""
    return ", ".join(part for part in (when, batch) if part)


QA_ROWS_SHOWN: Final = 200


def _qa_lines(qa: QaResult | None) -> list[str]:
    if qa is None:
        return []
    s = qa.summary
    counts = ", ".join(f"{rule} {count}" for rule, count in s.by_rule.items()) or "none"
    lines = ["## QA", "", f"- outputs checked: {s.documents}; findings: **{s.findings}** ({counts})", ""]
    if qa.findings:
        lines += ["| source | language | rule | segment | finding | what to do |", "|---|---|---|---|---|---|"]
        lines += [_row(f.source, f.language, f.rule, f.segment, f.detail, f.hint) for f in qa.findings[:QA_ROWS_SHOWN]]
        if len(qa.findings) > QA_ROWS_SHOWN:
            lines.append(f"\n{len(qa.findings) - QA_ROWS_SHOWN} more in report.json")
        lines.append("")
    return lines


def _row(*cells: object) -> str:
    """A table row whose cells cannot break out of it: file names and the service's messages are not ours, and
    a `|`, a line break or markup in one must not add a column, a heading or a script to report.md."""
    escaped = (
        html.escape(" ".join(str(cell).split()), quote=False).replace("|", "\\|").replace("`", "\\`") for cell in cells
    )
    return "| " + " | ".join(escaped) + " |"


def write_report(report: RunReport, out_dir: Path) -> tuple[Path, Path]:
    json_path, markdown_path = out_dir / "report.json", out_dir / "report.md"
    write_atomically(json_path, json.dumps(report.model_dump(mode="json"), indent=2).encode())
    write_atomically(markdown_path, render_markdown(report).encode())
    return json_path, markdown_path


def save_report(report: RunReport, account: StorageAccount | None, destination: Destination) -> str:
    """The report beside the translations: in storage always (the fleet's copy, whichever worker ran the job),
    and in the local output folder when there is one; only there for a run that used no storage (`--sync`:
    no `account`). Returns where people should look: report.md."""
    if destination.local is not None:
        write_report(report, destination.local)
    if account is None:
        return destination.report_location("md")
    container, root = destination.container, destination.root
    account.write_blob(container, report_blob_name(root, "json"), report.model_dump_json(indent=2).encode())
    account.write_blob(container, report_blob_name(root, "md"), render_markdown(report).encode())
    return destination.report_location("md")


def read_report(path: Path) -> RunReport:
    return RunReport.model_validate_json(path.read_bytes())


def load_report(spec: str, account: StorageAccount | None) -> RunReport:
    """A report.json named by its local path or its place in storage (`az://<container>/<prefix>/report.json`)."""
    found = _report_bytes(spec, account)
    if found is None:
        raise BadInputError(f"report {spec} does not exist", hint="give the report.json of an earlier run")
    try:
        return RunReport.model_validate_json(found)
    except ValidationError:
        raise BadInputError(f"{spec} is not a doctranslate report.json", hint="give the report.json of a run") from None


def _report_bytes(spec: str, account: StorageAccount | None) -> bytes | None:
    if not is_storage_spec(spec):
        return Path(spec).read_bytes() if Path(spec).is_file() else None
    if account is None:
        raise BadInputError(f"{spec} is in storage, and no storage account is configured")
    location = StorageLocation.given(spec, account.url)
    return account.read_blob(location.container, location.prefix)
