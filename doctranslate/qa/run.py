"""QA of a run: every translation it hands over, checked against its source before anyone opens it
(`live.LiveChecker` does it while the batches run; this module holds what it is made of).

That is what the run translated and what was already translated from the same content (a re-run with
`--qa fail` must not pass an output an earlier run only warned about). Sources and outputs are read where
they are: local files from disk, blobs from storage (sources translated in place, outputs kept in storage),
a few at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Final

from doctranslate.formats.glossaries import GlossaryTerms
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.glossaries import GlossaryFile, terms_for
from doctranslate.pipeline.outcomes import BatchResult, OutcomeStatus
from doctranslate.pipeline.plan import RunPlan
from doctranslate.pipeline.scan import StorageReader
from doctranslate.qa.check import QaResult, SourceReading, check_output
from doctranslate.qa.rules import Finding

READERS: Final = 4  # storage reads overlap; the parsing itself holds the GIL


def handed_over(plan: RunPlan, results: Sequence[BatchResult]) -> list[Pair]:
    """The pairs a run hands over: what it translated (outcome Succeeded) and what was already translated."""
    succeeded = {
        (outcome.source, outcome.language)
        for _, outcomes in results
        for outcome in outcomes
        if outcome.status is OutcomeStatus.SUCCEEDED
    }
    return [
        pair
        for batch in plan.batches
        for pair in batch.decision.translate
        if (pair.document.relative_path, pair.language) in succeeded
    ] + plan.already_done


def output_reader(destination: Destination, storage: StorageReader) -> Callable[[Pair], bytes | None]:
    """How QA reads a pair's translation: the downloaded file, or the blob where it is kept in storage."""

    def output_of(pair: Pair) -> bytes | None:
        local = destination.local_path(pair)
        if local is not None:
            return local.read_bytes() if local.is_file() else None
        return storage.read_blob(destination.container, pair.target)

    return output_of


def check_pairs(
    pairs: Sequence[Pair],
    terms: Mapping[str, GlossaryTerms | None],
    output_of: Callable[[Pair], bytes | None],
    storage: StorageReader | None = None,
    *,
    readers: int = READERS,
) -> QaResult:
    """Findings for these pairs: each source read once (from disk, or from storage for a blob) against each
    of its outputs, as `output_of` finds them (None: the output is gone, nothing to compare), with the glossary
    `terms` of each language (`glossary_terms`)."""
    by_document: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_document.setdefault(pair.document.relative_path, []).append(pair)

    def one(document_pairs: list[Pair]) -> list[Finding]:
        return _check_document(document_pairs, output_of, storage, terms)

    with ThreadPoolExecutor(readers, thread_name_prefix="doctranslate-qa") as pool:
        findings = [finding for found in pool.map(one, by_document.values()) for finding in found]
    return QaResult.of(findings, len(pairs))


def glossary_terms(
    glossaries: Sequence[GlossaryFile], languages: Iterable[str], storage: StorageReader | None = None
) -> dict[str, GlossaryTerms | None]:
    """The terms each language's outputs should use: its glossaries merged, read once for the whole check."""
    return {language: terms_for(glossaries, language, storage) for language in set(languages)}


def _check_document(
    pairs: list[Pair],
    output_of: Callable[[Pair], bytes | None],
    storage: StorageReader | None,
    terms: Mapping[str, GlossaryTerms | None],
) -> list[Finding]:
    """One source, read once, against each of its outputs."""
    document = pairs[0].document
    if document.local_path is not None:
        data: bytes | None = document.local_path.read_bytes()
    else:
        assert document.container is not None and storage is not None
        data = storage.read_blob(document.container, document.relative_path)
    if data is None:
        return []  # gone since it was translated: nothing to compare
    source = SourceReading.of(document.relative_path, data)
    findings: list[Finding] = []
    for pair in pairs:
        output = output_of(pair)
        if output is not None:
            findings += check_output(source, output, language=pair.language, glossary=terms[pair.language])
    return findings
