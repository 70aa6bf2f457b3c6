"""The existing-target policy, decided before submitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctranslate.existing import OnExisting, TargetsExistError, decide
from doctranslate.planning import SourceDocument
from doctranslate.storage import SOURCE_MD5_METADATA

A = SourceDocument(relative_path="a.txt", local_path=Path("a.txt"), size=1, md5="a" * 32)
B = SourceDocument(relative_path="b.txt", local_path=Path("b.txt"), size=1, md5="b" * 32)
EXISTING = {"fr/a.txt": {SOURCE_MD5_METADATA: "a" * 32}, "fr/b.txt": {SOURCE_MD5_METADATA: "old"}}


def names(pairs: list) -> list[str]:
    return sorted(p.target for p in pairs)


def test_skip_keeps_current_outputs_and_replaces_stale_ones() -> None:
    decision = decide([A, B], ["fr", "de"], EXISTING, OnExisting.SKIP)
    assert names(decision.already_done) == ["fr/a.txt"]
    assert names(decision.delete_first) == ["fr/b.txt"]
    assert names(decision.translate) == ["de/a.txt", "de/b.txt", "fr/b.txt"]


def test_overwrite_redoes_everything_that_exists() -> None:
    decision = decide([A, B], ["fr"], EXISTING, OnExisting.OVERWRITE)
    assert names(decision.delete_first) == ["fr/a.txt", "fr/b.txt"] == names(decision.translate)


def test_version_writes_beside_and_touches_nothing() -> None:
    decision = decide([A, B], ["fr"], EXISTING, OnExisting.VERSION, version="v1")
    assert names(decision.translate) == ["fr/v1/a.txt", "fr/v1/b.txt"] and not decision.delete_first


def test_fail_lists_conflicts_before_anything_is_submitted() -> None:
    with pytest.raises(TargetsExistError, match=r"2 translation\(s\) already exist.*fr/a.txt, fr/b.txt"):
        decide([A, B], ["fr", "de"], EXISTING, OnExisting.FAIL)
    assert decide([A, B], ["de"], EXISTING, OnExisting.FAIL).translate  # no conflict, no error
