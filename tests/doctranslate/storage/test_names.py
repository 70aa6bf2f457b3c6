"""Blob names: outputs mirror the source layout under their job."""

from __future__ import annotations

from doctranslate.storage.names import target_blob_name


def test_target_names_mirror_the_source_layout() -> None:
    assert target_blob_name("docs", "fr", "a/b.docx") == "docs/fr/a/b.docx"
    assert target_blob_name("docs", "fr", "a/b.docx", "v20261122T101010") == "docs/fr/v20261122T101010/a/b.docx"
