"""Scanning and pre-flight: a reason for every skip, missing sources refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from doctranslate.errors import BadInputError
from doctranslate.pipeline.limits import Limits
from doctranslate.pipeline.scan import scan, scan_blobs
from doctranslate.storage.blobs import BlobInfo
from doctranslate.storage.locations import StorageLocation


def test_scan_preflights_and_gives_a_reason_for_every_skip(tmp_path: Path) -> None:
    root = tmp_path / "src"
    (root / "sub").mkdir(parents=True)
    (root / "ok.txt").write_text("hello")
    (root / "sub" / "page.html").write_text("<p>hi</p>")
    (root / "image.png").write_bytes(b"\x89PNG")
    (root / "tool.exe").write_bytes(b"MZ")
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
    assert "unsupported file type .exe" in reasons["tool.exe"]
    assert "only with --translate-images" in reasons["image.png"]
    with_images = scan([root], exclude=["draft*"], images=True)
    assert "image.png" in {d.relative_path for d in with_images.documents}
    assert "empty file" in reasons["empty.md"]
    assert "outside the source folder" in reasons["link.txt"]
    assert "draft.txt" not in reasons  # excluded on purpose, not a problem


def test_missing_sources_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="does not exist"):
        scan([tmp_path / "nope"])


def test_blob_names_against_the_rules_are_skipped_with_a_reason_never_acted_on() -> None:
    blobs = [
        BlobInfo("docs/ok.txt", 5, {}),
        BlobInfo("docs/../../etc/passwd.txt", 5, {}),
        BlobInfo("docs/bell\x07.txt", 5, {}),
    ]
    found = scan_blobs(StorageLocation("c", "docs/"), blobs)

    assert [d.relative_path for d in found.documents] == ["docs/ok.txt"]
    reasons = {s.relative_path: s.reason for s in found.skipped}
    assert "'..' segment" in reasons["docs/../../etc/passwd.txt"]
    assert "control character" in reasons["docs/bell\x07.txt"]
