"""Characters a run will be charged for, estimated before submitting, and the budget check.

For formats we can read (text, HTML, Markdown) the estimate counts exactly what the service charges:
the characters of the translatable segments. For others it falls back to the file size, an upper
bound for text-heavy documents.
"""

from __future__ import annotations

from collections.abc import Sequence

from doctranslate.errors import BudgetExceededError, DocumentFormatError, NoTranslatableTextError
from doctranslate.formats.embedded_images import images_scanned
from doctranslate.formats.image import is_image
from doctranslate.formats.registry import handler_for
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.scan import SourceDocument
from doctranslate.pricing import Pricing


def document_characters(document: SourceDocument) -> int:
    """What the service will charge for one document; a blob in storage counts its size (an upper bound for
    text): reading it to count would be the download that translating in place avoids. An image file is priced
    per image, not by its characters (see `estimate_images`)."""
    if is_image(document.relative_path):
        return 0
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


def estimate_images(pairs: Sequence[Pair], *, text_in_images: bool) -> int:
    """Images the service will charge, per language: each image file, and with text in images the pictures of
    local .docx and .pptx documents (a blob in storage is not opened to count them)."""
    per_document: dict[str, int] = {}
    for pair in pairs:
        path, local = pair.document.relative_path, pair.document.local_path
        if path in per_document:
            continue
        if is_image(path):
            per_document[path] = 1
        elif text_in_images and local is not None:
            per_document[path] = images_scanned(path, local.read_bytes())
        else:
            per_document[path] = 0
    return sum(per_document[pair.document.relative_path] for pair in pairs)


def check_budget(characters: int, pricing: Pricing, budget: float | None, *, images: int = 0) -> float:
    """The estimated cost; over the `budget` (in the pricing's currency), the error that stops the run."""
    cost = pricing.cost(characters, images)
    if budget is not None and cost > budget:
        per_image = pricing.per_image
        pictures = f" and {images:,} image(s) at {per_image:g} each" if images and per_image else ""
        raise BudgetExceededError(
            f"the estimated cost {pricing.amount(cost)} ({characters:,} characters at "
            f"{pricing.per_million_characters:g} per million{pictures}) is over the budget of {pricing.amount(budget)}",
            hint="nothing was submitted; raise --budget or translate fewer documents or languages",
        )
    return cost
