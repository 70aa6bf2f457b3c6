"""Check one translated document against its source, or every translation in a folder against its source
folder (`doctranslate check SOURCE OUTPUT`: also for translations made elsewhere).

The output folder has the layout doctranslate writes, `<output>/<language>/<path under the source>`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from doctranslate.formats.glossaries import GlossaryTerms
from doctranslate.formats.registry import handler_for
from doctranslate.qa.rules import HINTS, Finding, QaRule, check_segments, shorten
from doctranslate.qa.segments import Unreadable, read_segments, structure_of


class QaSummary(BaseModel):
    documents: int = 0
    findings: int = 0
    by_rule: dict[str, int] = Field(default_factory=dict)


class QaResult(BaseModel):
    """What QA found in a set of outputs: every finding, and a count per rule."""

    findings: list[Finding] = Field(default_factory=list)
    summary: QaSummary = Field(default_factory=QaSummary)

    @classmethod
    def of(cls, findings: Sequence[Finding], documents: int) -> QaResult:
        by_rule = Counter(f.rule.value for f in findings)
        return cls(
            findings=list(findings),
            summary=QaSummary(documents=documents, findings=len(findings), by_rule=dict(sorted(by_rule.items()))),
        )

    def by_pair(self) -> dict[tuple[str, str], list[Finding]]:
        """The findings of each (document, language) that has any."""
        found: dict[tuple[str, str], list[Finding]] = {}
        for finding in self.findings:
            found.setdefault((finding.source, finding.language), []).append(finding)
        return found


@dataclass(frozen=True)
class SourceReading:
    """A source read once, for all its languages' outputs (None: the engine cannot read it, and so did not
    translate it either: there is nothing to compare)."""

    name: str
    segments: list[str] | None
    structure: Counter[str]

    @classmethod
    def of(cls, name: str, data: bytes) -> SourceReading:
        try:
            return cls(name, read_segments(name, data), structure_of(name, data))
        except Unreadable:
            return cls(name, None, Counter())


def check_document(
    name: str, source: bytes, output: bytes, *, language: str, glossary: GlossaryTerms | None = None
) -> list[Finding]:
    """Every finding for one output of `name` (a path under the source) in `language`."""
    return check_output(SourceReading.of(name, source), output, language=language, glossary=glossary)


def check_output(
    source: SourceReading, output: bytes, *, language: str, glossary: GlossaryTerms | None = None
) -> list[Finding]:
    """Every finding for one output of a source already read."""

    def finding(rule: QaRule, segment: str, detail: str) -> Finding:
        return Finding(
            source=source.name, language=language, rule=rule, segment=shorten(segment), detail=detail, hint=HINTS[rule]
        )

    if not output:
        return [finding(QaRule.EMPTY, "", "the output file is empty")]
    if source.segments is None:
        return []
    try:
        after = read_segments(source.name, output)
    except Unreadable as exc:
        return [finding(QaRule.OPENS, "", str(exc))]
    rows = check_segments(source.segments, after, glossary)
    found = [finding(rule, segment, detail) for rule, segment, detail in rows]
    lost = _structure_changes(source.structure, structure_of(source.name, output))
    if lost:
        found.append(finding(QaRule.STRUCTURE, "", lost))
    return found


def _structure_changes(before: Counter[str], after: Counter[str]) -> str | None:
    changed = sorted(kind for kind in before.keys() | after.keys() if before[kind] != after[kind])
    if not changed:
        return None
    return "; ".join(f"{kind}: {before[kind]} in the source, {after[kind]} in the output" for kind in changed[:5])


def check_folders(source: Path, output: Path, glossaries: Mapping[str, GlossaryTerms | None] | None = None) -> QaResult:
    """Every translation under `output/<language>/` against its source under `source` (`glossaries` by
    language: the terms each language's outputs should use)."""
    findings: list[Finding] = []
    documents = 0
    for language, relative in _outputs(output):
        original = source / relative
        if not original.is_file():
            continue
        documents += 1
        terms = (glossaries or {}).get(language)
        findings += check_document(
            relative.as_posix(),
            original.read_bytes(),
            (output / language / relative).read_bytes(),
            language=language,
            glossary=terms,
        )
    return QaResult.of(findings, documents)


def _outputs(output: Path) -> Iterator[tuple[str, Path]]:
    for folder in sorted(p for p in output.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and handler_for(path.name) is not None and not path.name.startswith("."):
                yield folder.name, path.relative_to(folder)
