"""QA while the batches run: pairs checked as they are handed over, the rest at the end, each pair once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.scan import SourceDocument
from doctranslate.qa.live import LiveChecker
from doctranslate.qa.rules import QaRule
from tests.doctranslate.qa.test_check import pseudo


def pair(folder: Path, name: str, text: str, language: str, output: bytes | None) -> Pair:
    source = folder / "src" / name
    source.parent.mkdir(exist_ok=True)
    source.write_text(text)
    document = SourceDocument(relative_path=name, local_path=source, size=len(text), md5="")
    if output is not None:
        target = folder / "out" / language / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output)
    return Pair(document, language, f"{language}/{name}")


def test_pairs_are_checked_on_the_way_and_the_rest_at_the_end_each_once(tmp_path: Path) -> None:
    good = "The office opens at nine every morning."
    fine = pair(tmp_path, "fine.txt", good, "fr", pseudo("fine.txt", good.encode()))
    untranslated = pair(tmp_path, "same.txt", good, "fr", good.encode())
    earlier = pair(tmp_path, "old.txt", good, "fr", good.encode())  # already there from an earlier run
    failed = pair(tmp_path, "failed.txt", good, "fr", good.encode())  # gathered, but not handed over

    def output_of(p: Pair) -> bytes | None:
        path = tmp_path / "out" / p.target
        return path.read_bytes() if path.is_file() else None

    checker = LiveChecker([], ["fr"], output_of)
    checker.check_soon([fine, untranslated, failed])
    checker.check_soon([fine])  # handed over twice (a follow resumed): checked once
    wanted = {(p.document.relative_path, p.language) for p in (fine, untranslated, earlier)}
    result = asyncio.run(checker.result([earlier, fine], wanted=wanted))

    assert result.summary.documents == 3
    assert {(f.source, f.rule) for f in result.findings} == {
        ("same.txt", QaRule.UNTRANSLATED),
        ("old.txt", QaRule.UNTRANSLATED),
    }
