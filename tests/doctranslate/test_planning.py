"""Scanning, pre-flight and batching: every limit at once, stable keys, reasons for every skip."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from doctranslate.errors import BadInputError
from doctranslate.planning import Limits, SourceDocument, batch_key, plan_batches, scan, target_blob_name


def docs(count: int, size: int = 1000) -> list[SourceDocument]:
    return [
        SourceDocument(relative_path=f"d/{i:05}.txt", local_path=Path(f"/x/{i}"), size=size, md5=f"{i:032x}")
        for i in range(count)
    ]


def test_2500_documents_into_3_languages_make_3_batches_of_at_most_1000() -> None:
    batches = plan_batches(docs(2500), ["fr", "de", "ja"])
    assert [len(b.documents) for b in batches] == [1000, 1000, 500]
    assert all(b.languages == ["fr", "de", "ja"] for b in batches)
    assert len({d.relative_path for b in batches for d in b.documents}) == 2500  # each exactly once


def test_more_than_10_languages_and_250_mb_split_too() -> None:
    twelve = [f"l{i}" for i in range(12)]
    batches = plan_batches(docs(600, size=1024 * 1024), twelve)  # 600 MB
    assert {len(b.languages) for b in batches} == {10, 2}
    assert all(b.total_bytes <= 250 * 1024 * 1024 and len(b.documents) <= 1000 for b in batches)
    assert len(batches) == 2 * 3  # two language groups x (250 + 250 + 100 documents)


def test_batch_keys_depend_on_content_languages_and_context_only() -> None:
    a = docs(3)
    assert batch_key(a, ["fr", "de"], "ctx") == batch_key(list(reversed(a)), ["de", "fr"], "ctx")
    changed = [*a[:2], a[2].model_copy(update={"md5": "f" * 32})]
    assert batch_key(changed, ["fr", "de"], "ctx") != batch_key(a, ["fr", "de"], "ctx")
    assert batch_key(a, ["fr"], "ctx") != batch_key(a, ["fr"], "other glossary")


def test_scan_preflights_and_gives_a_reason_for_every_skip(tmp_path: Path) -> None:
    root = tmp_path / "src"
    (root / "sub").mkdir(parents=True)
    (root / "ok.txt").write_text("hello")
    (root / "sub" / "page.html").write_text("<p>hi</p>")
    (root / "image.png").write_bytes(b"\x89PNG")
    (root / "empty.md").write_text("")
    (root / "draft.txt").write_text("draft")
    outside = tmp_path / "secret.txt"
    outside.write_text("not yours")
    os.symlink(outside, root / "link.txt")
    os.symlink(root / "ok.txt", root / "inside-link.txt")

    found = scan([root], exclude=["draft*"], limits=Limits(document_bytes=4))

    assert [d.relative_path for d in found.documents] == []  # 4-byte limit: everything real is too big
    found = scan([root], exclude=["draft*"])
    assert sorted(d.relative_path for d in found.documents) == ["inside-link.txt", "ok.txt", "sub/page.html"]
    reasons = {s.relative_path: s.reason for s in found.skipped}
    assert "unsupported file type .png" in reasons["image.png"]
    assert "empty file" in reasons["empty.md"]
    assert "outside the source folder" in reasons["link.txt"]
    assert "draft.txt" not in reasons  # excluded on purpose, not a problem


def test_missing_sources_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="does not exist"):
        scan([tmp_path / "nope"])


def test_target_names_mirror_the_source_layout() -> None:
    assert target_blob_name("docs", "fr", "a/b.docx") == "docs/fr/a/b.docx"
    assert target_blob_name("docs", "fr", "a/b.docx", "v20261122T101010") == "docs/fr/v20261122T101010/a/b.docx"
