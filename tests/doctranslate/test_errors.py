"""Errors name the file and the next step."""

from __future__ import annotations

from doctranslate.errors import ServiceError, describe_document_error


def test_target_exists_names_the_file_and_the_choices() -> None:
    line = describe_document_error(
        "https://acct.blob.core.windows.net/src/docs/a.docx",
        "fr",
        "TargetFileAlreadyExists",
        "Target document file already exists.",
    )
    assert line.startswith("https://acct.blob.core.windows.net/src/docs/a.docx -> fr: TargetFileAlreadyExists")
    assert "--on-existing skip" in line and "overwrite" in line and "version" in line and "fail" in line


def test_unknown_codes_get_no_invented_hint() -> None:
    assert describe_document_error("a.txt", "de", "SomethingNew", "msg") == "a.txt -> de: SomethingNew (msg)"
    assert ServiceError("boom", code="SomethingNew").hint is None


def test_service_error_text_carries_the_hint() -> None:
    error = ServiceError("batch failed", code="InvalidRequest", inner_code="InvalidDocumentAccessLevel")
    assert error.most_specific_code == "InvalidDocumentAccessLevel"
    assert "sp=rl" in str(error)
