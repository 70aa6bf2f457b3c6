"""Blob names: outputs mirror the source layout under their job."""

from __future__ import annotations

from doctranslate.storage.names import report_blob_name, state_prefix, target_blob_name


def test_target_names_mirror_the_source_layout() -> None:
    assert target_blob_name("docs", "fr", "a/b.docx") == "docs/fr/a/b.docx"
    assert target_blob_name("docs", "fr", "a/b.docx", "v20261122T101010") == "docs/fr/v20261122T101010/a/b.docx"


def test_an_output_root_of_a_container_top_has_no_leading_slash() -> None:
    assert target_blob_name("", "fr", "a.docx") == "fr/a.docx"
    assert report_blob_name("", "md") == "report.md"
    assert report_blob_name("hb/2026", "json") == "hb/2026/report.json"
    assert state_prefix("") == ".doctranslate/"
