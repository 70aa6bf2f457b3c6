"""Which glossary goes with which language, decided and checked before anything is submitted."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctranslate.errors import BadInputError
from doctranslate.pipeline.glossaries import select_glossaries

XLIFF = b"""<?xml version="1.0"?>
<xliff version="1.2"><file source-language="en" target-language="de" datatype="plaintext" original="x">
<body><trans-unit id="1"><source>flow</source><target>Fluss</target></trans-unit></body></file></xliff>"""


def test_the_language_comes_from_the_spec_the_xliff_or_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "terms.fr.csv").write_text("flow,flux\n")
    (tmp_path / "all.csv").write_text("flow,flow\n")
    (tmp_path / "de.xlf").write_bytes(XLIFF)
    (tmp_path / "ja.tsv").write_text("flow\tフロー\n")

    chosen = select_glossaries(
        [
            str(tmp_path / "terms.fr.csv"),
            str(tmp_path / "all.csv"),
            str(tmp_path / "de.xlf"),
            f"ja={tmp_path / 'ja.tsv'}",
        ],
        ["fr", "de", "ja"],
    )

    assert [(g.path.name, g.language, g.format) for g in chosen] == [
        ("terms.fr.csv", "fr", "CSV"),
        ("all.csv", None, "CSV"),
        ("de.xlf", "de", "XLIFF"),
        ("ja.tsv", "ja", "TSV"),
    ]
    assert [g.path.name for g in chosen if g.applies_to("de-CH")] == ["all.csv", "de.xlf"]


def test_a_glossary_for_a_language_not_translated_is_an_error_not_a_silent_no_op(tmp_path: Path) -> None:
    (tmp_path / "de.xlf").write_bytes(XLIFF)
    with pytest.raises(BadInputError, match="not among the targets fr"):
        select_glossaries([str(tmp_path / "de.xlf")], ["fr"])


def test_unreadable_or_unknown_glossaries_are_named(tmp_path: Path) -> None:
    (tmp_path / "terms.docx").write_bytes(b"x")
    (tmp_path / "broken.csv").write_text("a,b,c\n")
    with pytest.raises(BadInputError, match=r"unsupported file type \.docx"):
        select_glossaries([str(tmp_path / "terms.docx")], ["fr"])
    with pytest.raises(BadInputError, match=r"broken\.csv, line 1: expected 2 columns"):
        select_glossaries([str(tmp_path / "broken.csv")], ["fr"])
    with pytest.raises(BadInputError, match="does not exist"):
        select_glossaries([str(tmp_path / "missing.csv")], ["fr"])
