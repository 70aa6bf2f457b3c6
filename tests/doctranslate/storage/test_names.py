"""Blob names: outputs mirror the source layout under their job; no blob name climbs out of a local folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctranslate.storage.names import blob_path_under, target_blob_name


def test_target_names_mirror_the_source_layout() -> None:
    assert target_blob_name("docs", "fr", "a/b.docx") == "docs/fr/a/b.docx"
    assert target_blob_name("docs", "fr", "a/b.docx", "v20261122T101010") == "docs/fr/v20261122T101010/a/b.docx"


@pytest.mark.parametrize(
    ("name", "lands"),
    [
        ("a/b.txt", "a/b.txt"),
        ("contracts/2026 Q1/é.docx", "contracts/2026 Q1/é.docx"),
        ("../escape.txt", None),
        ("a/../../escape.txt", None),
        ("/etc/passwd", None),
        ("a\\..\\..\\escape.txt", None),
        ("a/./b.txt", None),
        ("a//b.txt", None),
    ],
)
def test_inbox_paths_never_leave_the_inbox(tmp_path: Path, name: str, lands: str | None) -> None:
    found = blob_path_under(tmp_path, name)
    assert (found.relative_to(tmp_path).as_posix() if found else None) == lands
