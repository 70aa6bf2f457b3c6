"""API 2026-03-01 answers, in the shape of the official SDK 2.0.0's models (no recording of that version
exists, api-facts §13.9): the new fields read, both spellings of cancelled and of the continuation key."""

from __future__ import annotations

from doctranslate.wire import DocumentStatus, DocumentStatusPage, Status, TranslationStatus

DOCUMENT = {
    "path": "https://acct.blob.core.windows.net:443/out/fr/deck.pptx",
    "sourcePath": "https://acct.blob.core.windows.net:443/src/deck.pptx",
    "createdDateTimeUtc": "2026-11-30T08:00:00.1234567Z",
    "lastActionDateTimeUtc": "2026-11-30T08:00:09Z",
    "status": "Succeeded",
    "to": "fr",
    "progress": 1,
    "id": "0a0b0c0d-0000-0000-0000-000000000000",
    "characterCharged": 420,
    "totalImageScansSucceeded": 3,
    "totalImageScansFailed": 1,
    "imageCharged": 3,
    "imageCharacterDetected": 57,
    "deploymentName": "contoso-gpt-5",
}


def test_a_document_reads_its_deployment_and_image_counters() -> None:
    document = DocumentStatus.model_validate(DOCUMENT)
    assert document.deployment_name == "contoso-gpt-5"
    assert (document.total_image_scans_succeeded, document.total_image_scans_failed) == (3, 1)
    assert (document.image_charged, document.image_character_detected) == (3, 57)
    assert document.to_wire() == DOCUMENT | {"createdDateTimeUtc": "2026-11-30T08:00:00.123456Z"}


def test_both_spellings_of_cancelled_are_read_and_the_wire_spelling_kept() -> None:
    batch = TranslationStatus.model_validate(
        {
            "id": "5e2d1c7a-0f3b-4a52-9a1d-3c6f0b8e9d21",
            "createdDateTimeUtc": "2026-11-30T08:00:00Z",
            "lastActionDateTimeUtc": "2026-11-30T08:01:00Z",
            "status": "Canceled",
            "summary": {
                "total": 4,
                "failed": 0,
                "success": 1,
                "inProgress": 0,
                "notYetStarted": 0,
                "canceled": 3,
                "totalCharacterCharged": 10,
                "totalImageCharged": 2,
            },
        }
    )
    assert batch.status is Status.CANCELLED and Status("Canceling") is Status.CANCELLING
    assert (batch.summary.cancelled, batch.summary.total_image_charged) == (3, 2)
    assert batch.summary.finished == 4


def test_pages_continue_with_either_spelling_of_the_next_link() -> None:
    for key in ("@nextLink", "nextLink"):
        page = DocumentStatusPage.model_validate({"value": [DOCUMENT], key: "https://next"})
        assert page.next_link == "https://next" and page.value[0].deployment_name == "contoso-gpt-5"
