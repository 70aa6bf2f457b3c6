"""The per-document report of a run: what happened to every document x language, and what it cost.

Written as `report.json` (for machines and for `rerun failed`) and `report.md` (for people) in the
output folder, and published as Prefect artifacts by the flow. It holds blob names and local paths,
never a SAS URL.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from doctranslate.errors import hint_for
from doctranslate.transfer import write_atomically


class DocumentOutcome(BaseModel):
    source: str = Field(description="Path relative to the source folder.")
    language: str
    status: str = Field(description="Succeeded, Failed, Cancelled, Skipped (already translated), NotSubmitted.")
    output: str | None = None
    characters_charged: int = 0
    error: str | None = Field(None, description="The service's most specific error code.")
    message: str | None = None
    hint: str | None = None
    batch: str | None = None


class BatchOutcome(BaseModel):
    id: str
    status: str
    documents: int
    characters_charged: int


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
    estimated_characters: int = 0
    price_per_million_characters: float = 0.0
    cost: float = 0.0


class RunReport(BaseModel):
    request: dict[str, Any] | None = Field(None, description="The run's parameters (no secrets), for reruns.")
    documents: list[DocumentOutcome] = Field(default_factory=list)
    batches: list[BatchOutcome] = Field(default_factory=list)
    skipped_files: list[SkippedFile] = Field(default_factory=list)
    summary: ReportSummary = Field(default_factory=ReportSummary)

    @property
    def failures(self) -> list[DocumentOutcome]:
        return [d for d in self.documents if d.status not in ("Succeeded", "Skipped")]


def outcome_error(code: str | None, message: str | None) -> dict[str, str | None]:
    return {"error": code, "message": message, "hint": hint_for(code)}


def summarize(report: RunReport, *, estimated_characters: int, price_per_million: float) -> RunReport:
    charged = sum(d.characters_charged for d in report.documents)
    report.summary = ReportSummary(
        documents=len(report.documents),
        succeeded=sum(d.status == "Succeeded" for d in report.documents),
        failed=len(report.failures),
        already_translated=sum(d.status == "Skipped" for d in report.documents),
        skipped_files=len(report.skipped_files),
        characters_charged=charged,
        estimated_characters=estimated_characters,
        price_per_million_characters=price_per_million,
        cost=round(charged * price_per_million / 1_000_000, 4),
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
        f"- cost at {s.price_per_million_characters:g} per million characters: {s.cost:.4f}",
        "",
    ]
    if report.failures:
        lines += ["## Failed", "", "| source | language | error | what to do |", "|---|---|---|---|"]
        lines += [
            f"| {d.source} | {d.language} | {d.error or d.status} | {d.hint or d.message or ''} |"
            for d in report.failures
        ]
        lines.append("")
    if report.skipped_files:
        lines += ["## Not submitted", "", "| file | reason |", "|---|---|"]
        lines += [f"| {f.source} | {f.reason} |" for f in report.skipped_files]
        lines.append("")
    lines += ["## Documents", "", "| source | language | status | output | characters |", "|---|---|---|---|---|"]
    lines += [
        f"| {d.source} | {d.language} | {d.status} | {d.output or ''} | {d.characters_charged} |"
        for d in report.documents
    ]
    return "\n".join(lines) + "\n"


def write_report(report: RunReport, out_dir: Path) -> tuple[Path, Path]:
    json_path, markdown_path = out_dir / "report.json", out_dir / "report.md"
    write_atomically(json_path, json.dumps(report.model_dump(mode="json"), indent=2).encode())
    write_atomically(markdown_path, render_markdown(report).encode())
    return json_path, markdown_path


def read_report(path: Path) -> RunReport:
    return RunReport.model_validate_json(path.read_bytes())
