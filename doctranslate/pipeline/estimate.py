"""Characters a run will be charged for, estimated before submitting, and the budget check.

For formats we can read (text, HTML, Markdown) the estimate counts exactly what the service charges:
the characters of the translatable segments. For others it falls back to the file size, an upper
bound for text-heavy documents.
"""

from __future__ import annotations

from collections.abc import Sequence

from doctranslate.errors import BudgetExceededError, DocumentFormatError, NoTranslatableTextError
from doctranslate.formats.registry import handler_for
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.scan import SourceDocument


def document_characters(document: SourceDocument) -> int:
    """What the service will charge for one document; a blob in storage counts its size (an upper bound for
    text): reading it to count would be the download that translating in place avoids."""
    handler = handler_for(document.relative_path)
    if handler is None or document.local_path is None:
        return document.size
    try:
        return handler.rewrite(document.local_path.read_bytes(), list).characters
    except (NoTranslatableTextError, DocumentFormatError):
        return 0


def estimate_characters(pairs: Sequence[Pair]) -> int:
    per_document: dict[str, int] = {}
    total = 0
    for pair in pairs:
        path = pair.document.relative_path
        if path not in per_document:
            per_document[path] = document_characters(pair.document)
        total += per_document[path]
    return total


def check_budget(characters: int, price_per_million: float, budget: float | None) -> float:
    cost = characters * price_per_million / 1_000_000
    if budget is not None and cost > budget:
        raise BudgetExceededError(
            f"the estimated cost {cost:.2f} ({characters:,} characters at {price_per_million:g} per million) is over "
            f"the budget of {budget:.2f}",
            hint="nothing was submitted; raise --budget or translate fewer documents or languages",
        )
    return cost
