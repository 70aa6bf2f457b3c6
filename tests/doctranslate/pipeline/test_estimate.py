"""Estimates count what the service charges: the characters of translatable segments, once per document
whatever the number of languages; a format we cannot read counts its size, a broken one nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctranslate.errors import BudgetExceededError
from doctranslate.pipeline.estimate import check_budget, document_characters, estimate_characters
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.scan import SourceDocument
from doctranslate.pricing import Pricing


def document(tmp_path: Path, name: str, content: bytes) -> SourceDocument:
    path = tmp_path / name
    path.write_bytes(content)
    return SourceDocument(relative_path=name, local_path=path, size=len(content), md5="")


def test_text_formats_count_their_segments_and_skip_markup(tmp_path: Path) -> None:
    html = document(tmp_path, "a.html", b"<p class='x'>Hello <b>world</b></p><script>var x = 1;</script>")
    assert document_characters(html) == len("Hello") + len("world")  # segments, trimmed; no script


def test_unreadable_formats_count_their_size_and_broken_ones_nothing(tmp_path: Path) -> None:
    assert document_characters(document(tmp_path, "a.rtf", b"{\\rtf1 Hello}")) == len(b"{\\rtf1 Hello}")
    assert document_characters(document(tmp_path, "broken.docx", b"not a zip")) == 0


def test_each_document_is_read_once_and_counted_per_language(tmp_path: Path) -> None:
    notes = document(tmp_path, "notes.txt", b"Plain notes.")
    pairs = [Pair(notes, language, f"job/{language}/notes.txt") for language in ("fr", "de", "ja")]
    assert estimate_characters(pairs) == 3 * len("Plain notes.")


def test_the_cost_is_priced_per_million_and_names_the_budget_it_breaks() -> None:
    assert check_budget(2_000_000, Pricing(per_million_characters=15), None) == 30
    assert check_budget(2_000_000, Pricing(per_million_characters=15), 30) == 30
    with pytest.raises(BudgetExceededError, match=r"30\.00 USD \(2,000,000 characters at 15 per million\)"):
        check_budget(2_000_000, Pricing(per_million_characters=15), 29)


def test_images_are_priced_apart_and_every_amount_names_its_currency() -> None:
    pricing = Pricing(per_million_characters=15, per_image=0.5, currency="EUR")

    assert check_budget(1_000_000, pricing, None, images=4) == 17
    with pytest.raises(BudgetExceededError) as caught:
        check_budget(1_000_000, pricing, 16.5, images=4)

    assert "the estimated cost 17.00 EUR" in str(caught.value)
    assert "and 4 image(s) at 0.5 each" in str(caught.value)
    assert "over the budget of 16.50 EUR" in str(caught.value)
    assert Pricing(per_million_characters=15).amount(0.00001) == "0.00001 USD"
