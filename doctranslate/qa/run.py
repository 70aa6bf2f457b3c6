"""QA of a run: every translation it hands over, checked against its source before anyone opens it.

That is what the run translated and what was already translated from the same content (a re-run with
`--qa fail` must not pass an output an earlier run only warned about). Sources and outputs are read where
they are: local files from disk, blobs from storage (sources translated in place, outputs kept in storage),
a few at a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Final

from doctranslate.formats.glossaries import GlossaryTerms
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.glossaries import terms_for
from doctranslate.pipeline.outcomes import BatchResult, OutcomeStatus
from doctranslate.pipeline.plan import RunPlan
from doctranslate.pipeline.scan import StorageReader
from doctranslate.qa.check import QaResult, SourceReading, check_output
from doctranslate.qa.rules import Finding

READERS: Final = 4  # storage reads overlap; the parsing itself holds the GIL


def check_run(plan: RunPlan, results: Sequence[BatchResult], storage: StorageReader) -> QaResult:
    """Findings for every pair the run translated (outcome Succeeded) or found already translated."""
    succeeded = {
        (outcome.source, outcome.language)
        for _, outcomes in results
        for outcome in outcomes
        if outcome.status is OutcomeStatus.SUCCEEDED
    }
    pairs = [
        pair
        for batch in plan.batches
        for pair in batch.decision.translate
        if (pair.document.relative_path, pair.language) in succeeded
    ] + plan.already_done
    terms = {language: terms_for(plan.glossaries, language, storage) for language in {p.language for p in pairs}}
    destination = plan.layout.destination
    by_document: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_document.setdefault(pair.document.relative_path, []).append(pair)

    def one(document_pairs: list[Pair]) -> list[Finding]:
        return _check_document(document_pairs, destination, storage, terms)

    with ThreadPoolExecutor(READERS, thread_name_prefix="doctranslate-qa") as pool:
        findings = [finding for found in pool.map(one, by_document.values()) for finding in found]
    return QaResult.of(findings, len(pairs))


def _check_document(
    pairs: list[Pair],
    destination: Destination,
    storage: StorageReader,
    terms: Mapping[str, GlossaryTerms | None],
) -> list[Finding]:
    """One source, read once, against each of its outputs."""
    document = pairs[0].document
    if document.local_path is not None:
        data: bytes | None = document.local_path.read_bytes()
    else:
        assert document.container is not None
        data = storage.read_blob(document.container, document.relative_path)
    if data is None:
        return []  # gone since it was translated: nothing to compare
    source = SourceReading.of(document.relative_path, data)
    findings: list[Finding] = []
    for pair in pairs:
        local = destination.local_path(pair)
        if local is not None:
            output = local.read_bytes() if local.is_file() else None
        else:
            output = storage.read_blob(destination.container, pair.target)
        if output is not None:
            findings += check_output(source, output, language=pair.language, glossary=terms[pair.language])
    return findings
