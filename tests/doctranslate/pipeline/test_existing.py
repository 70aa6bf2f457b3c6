"""The existing-target policy, decided before submitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctranslate.errors import TargetsExistError
from doctranslate.pipeline.existing import decide
from doctranslate.pipeline.request import OnExisting
from doctranslate.pipeline.scan import SourceDocument
from doctranslate.storage.names import SOURCE_MD5_METADATA

A = SourceDocument(relative_path="a.txt", local_path=Path("a.txt"), size=1, md5="a" * 32)
B = SourceDocument(relative_path="b.txt", local_path=Path("b.txt"), size=1, md5="b" * 32)
EXISTING = {
    "docs/fr/a.txt": {SOURCE_MD5_METADATA: "a" * 32},
    "docs/fr/b.txt": {SOURCE_MD5_METADATA: "old"},
    "other-job/de/a.txt": {SOURCE_MD5_METADATA: "a" * 32},  # another job's: not ours to keep or replace
}


def names(pairs: list) -> list[str]:
    return sorted(p.target for p in pairs)


def test_skip_keeps_current_outputs_and_replaces_stale_ones() -> None:
    decision = decide([A, B], ["fr", "de"], EXISTING, OnExisting.SKIP, root="docs")
    assert names(decision.already_done) == ["docs/fr/a.txt"]
    assert names(decision.delete_first) == ["docs/fr/b.txt"]
    assert names(decision.translate) == ["docs/de/a.txt", "docs/de/b.txt", "docs/fr/b.txt"]


def test_overwrite_redoes_everything_that_exists() -> None:
    decision = decide([A, B], ["fr"], EXISTING, OnExisting.OVERWRITE, root="docs")
    assert names(decision.delete_first) == ["docs/fr/a.txt", "docs/fr/b.txt"] == names(decision.translate)


def test_version_writes_beside_and_touches_nothing() -> None:
    decision = decide([A, B], ["fr"], EXISTING, OnExisting.VERSION, root="docs", version="v1")
    assert names(decision.translate) == ["docs/fr/v1/a.txt", "docs/fr/v1/b.txt"] and not decision.delete_first


def test_fail_lists_conflicts_before_anything_is_submitted() -> None:
    with pytest.raises(TargetsExistError, match=r"2 translation\(s\) already exist.*docs/fr/a.txt, docs/fr/b.txt"):
        decide([A, B], ["fr", "de"], EXISTING, OnExisting.FAIL, root="docs")
    assert decide([A, B], ["de"], EXISTING, OnExisting.FAIL, root="docs").translate  # no conflict, no error
