"""The report: assembled from the plan and each batch's outcomes, merged after a rerun, written atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.outcomes import BatchOutcome, DocumentOutcome, OutcomeStatus
from doctranslate.pipeline.plan import plan_run
from doctranslate.pipeline.report import (
    RunReport,
    assemble_report,
    merge_rerun,
    read_report,
    render_markdown,
    rerun_requests,
    summarize,
    write_report,
)
from doctranslate.pipeline.request import OnExisting, QaPolicy, TranslationRequest
from doctranslate.pipeline.scan import file_md5
from doctranslate.pricing import Pricing
from doctranslate.qa.check import QaResult
from doctranslate.qa.rules import Finding, QaRule
from doctranslate.storage.names import SOURCE_MD5_METADATA


def outcome(source: str, language: str, status: OutcomeStatus, charged: int = 0, **extra: str) -> DocumentOutcome:
    return DocumentOutcome(source=source, language=language, status=status, characters_charged=charged, **extra)


def test_a_report_counts_every_pair_once_with_cost_and_the_files_not_submitted(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (docs / name).write_text(f"Text of {name}.")
    (docs / "empty.txt").write_text("")
    request = TranslationRequest(sources=[str(docs)], languages=["fr"], job="docs")  # type: ignore[call-arg]
    done = {"docs/fr/c.txt": {SOURCE_MD5_METADATA: file_md5(docs / "c.txt")}}
    plan = plan_run(
        request,
        done,
        {}.get,
        source_container="s",
        destination=Destination(container="t", root="docs"),
        pricing=Pricing(per_million_characters=10, currency="EUR"),
    )
    followed = [
        outcome("b.txt", "fr", OutcomeStatus.FAILED, error="NoTranslatableText", hint="fix it"),
        outcome("a.txt", "fr", OutcomeStatus.SUCCEEDED, charged=500_000, output="out/fr/a.txt"),
    ]
    batch = BatchOutcome(id="b-1", status="Succeeded", documents=2, characters_charged=500_000)

    report = assemble_report(plan, [(batch, followed)])

    assert [(d.source, d.status) for d in report.documents] == [
        ("a.txt", OutcomeStatus.SUCCEEDED),
        ("b.txt", OutcomeStatus.FAILED),
        ("c.txt", OutcomeStatus.UP_TO_DATE),
    ]
    s = report.summary
    assert (s.documents, s.succeeded, s.failed, s.already_translated, s.skipped_files) == (3, 1, 1, 1, 1)
    assert (s.cost, s.currency) == (5.0, "EUR")
    assert report.request is not None and report.request["languages"] == ["fr"]
    markdown = render_markdown(report)
    assert "- cost at EUR 10 per million characters: **5.00 EUR**" in markdown
    assert "| b.txt | fr | NoTranslatableText |  | fix it |" in markdown
    by_language = "| language | Succeeded | Failed | UpToDate | characters |\n|---|---|---|---|---|\n"
    assert by_language + "| fr | 1 | 1 | 1 | 500,000 |" in markdown


@pytest.mark.parametrize("policy", [QaPolicy.WARN, QaPolicy.FAIL])
def test_qa_findings_are_reported_and_under_fail_they_are_failures_a_rerun_overwrites(
    tmp_path: Path, policy: QaPolicy
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Text of a.")
    request = TranslationRequest(sources=[str(docs)], languages=["fr"], job="docs", qa=policy)  # type: ignore[call-arg]
    plan = plan_run(
        request,
        {},
        {}.get,
        source_container="s",
        destination=Destination(container="t", root="docs"),
        pricing=Pricing(per_million_characters=0),
    )
    followed = [outcome("a.txt", "fr", OutcomeStatus.SUCCEEDED, charged=10, output="out/fr/a.txt")]
    finding = Finding(
        source="a.txt", language="fr", rule=QaRule.NUMBERS, segment="Text of a.", detail="missing: 7", hint="check it"
    )
    batch = BatchOutcome(id="b-1", status="Succeeded", documents=1, characters_charged=10)

    report = assemble_report(plan, [(batch, followed)], qa=QaResult.of([finding], 1))

    (document,) = report.documents
    markdown = render_markdown(report)
    assert "- outputs checked: 1; findings: **1** (numbers 1)" in markdown
    assert "| a.txt | fr | numbers | Text of a. | missing: 7 | check it |" in markdown
    if policy is QaPolicy.WARN:
        assert document.status is OutcomeStatus.SUCCEEDED and rerun_requests(report) == []
        return
    assert (document.status, document.error, report.summary.failed) == (OutcomeStatus.FAILED_QA, "QA:numbers", 1)
    (again,) = rerun_requests(report)
    assert (again.include, again.on_existing) == (["a.txt"], OnExisting.OVERWRITE), "its output is current: replace it"


def test_a_rerun_asks_for_exactly_the_failed_pairs_and_merges_its_outcomes_in() -> None:
    request = TranslationRequest(sources=["docs"], languages=["fr", "de"], job="docs")  # type: ignore[call-arg]
    report = _report(
        request,
        [
            outcome("a[1].txt", "fr", OutcomeStatus.FAILED),
            outcome("a[1].txt", "de", OutcomeStatus.SUCCEEDED, charged=10),
            outcome("b.txt", "de", OutcomeStatus.CANCELLED),
        ],
    )
    requests = rerun_requests(report)
    assert [(r.languages, r.include) for r in requests] == [(["de"], ["b.txt"]), (["fr"], ["a[[]1].txt"])]

    merged = merge_rerun(
        report, [outcome("b.txt", "de", OutcomeStatus.SUCCEEDED, charged=7)], pricing=Pricing(per_million_characters=0)
    )
    assert [(d.source, d.language, d.status) for d in merged.documents] == [
        ("a[1].txt", "de", OutcomeStatus.SUCCEEDED),
        ("a[1].txt", "fr", OutcomeStatus.FAILED),
        ("b.txt", "de", OutcomeStatus.SUCCEEDED),
    ]
    assert merged.summary.characters_charged == 17


def test_reports_round_trip_through_their_files(tmp_path: Path) -> None:
    request = TranslationRequest(sources=["docs"], languages=["fr"], job="docs")  # type: ignore[call-arg]
    report = _report(request, [outcome("a.txt", "fr", OutcomeStatus.NOT_TRANSLATED, message="skipped silently")])
    json_path, markdown_path = write_report(report, tmp_path)
    assert read_report(json_path) == report
    assert json.loads(json_path.read_text())["documents"][0]["status"] == "NotTranslated"
    assert "NotTranslated" in markdown_path.read_text()


def _report(request: TranslationRequest, documents: list[DocumentOutcome]) -> RunReport:
    return summarize(
        RunReport(request=request.model_dump(mode="json"), documents=documents),
        estimated_characters=0,
        pricing=Pricing(per_million_characters=0),
    )


def test_text_from_the_service_or_a_file_name_cannot_break_out_of_report_md() -> None:
    """Probe: an error message with a line break, `|` and `<script>` became a heading and a broken table."""
    hostile = DocumentOutcome(
        source="a|b.txt",
        language="fr",
        status=OutcomeStatus.FAILED,
        error="Bad|Code",
        message="first\n# Owned\n<script>alert(1)</script>",
    )
    markdown = render_markdown(
        summarize(RunReport(documents=[hostile]), estimated_characters=0, pricing=Pricing(per_million_characters=0))
    )

    assert "\n# Owned" not in markdown
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    failed_row = next(line for line in markdown.splitlines() if line.startswith("| a"))
    assert failed_row == "| a\\|b.txt | fr | Bad\\|Code | first # Owned &lt;script&gt;alert(1)&lt;/script&gt; |  |"
