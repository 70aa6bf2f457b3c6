"""The official SDK 2.0.0 with its default api-version (2026-03-01) against the local service: deployment names,
text in images, and the language check, read back through the SDK's own models."""

from __future__ import annotations

import io

import docx
import pytest
from azure.ai.translation.document import DocumentTranslationClient
from azure.core.exceptions import HttpResponseError

from tests.doctranslate.local.conftest import LocalStack
from tests.support.pictures import png

pytestmark = pytest.mark.e2e


def word_with_pictures(count: int) -> bytes:
    document = docx.Document()
    document.add_paragraph("The map below shows our offices.")
    for index in range(count):
        document.add_picture(png(("red", "green", "blue")[index % 3]))
    sink = io.BytesIO()
    document.save(sink)
    return sink.getvalue()


def test_deployment_name_and_text_in_images_are_reported_back(
    stack: LocalStack, sdk2: DocumentTranslationClient
) -> None:
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("fr")
    storage.upload(source, {"offices.docx": word_with_pictures(2), "notes.txt": b"Offices open at nine."})

    poller = sdk2.begin_translation(
        storage.container_url(source, "rl"),
        storage.container_url(target, "wl"),
        "fr",
        deployment_name="contoso-gpt-5",
        translate_text_within_image=True,
    )
    documents = {d.source_document_url.rsplit("/", 1)[-1]: d for d in poller.result()}

    assert {d.status for d in documents.values()} == {"Succeeded"}
    assert {d.deployment_name for d in documents.values()} == {"contoso-gpt-5"}
    word, text = documents["offices.docx"], documents["notes.txt"]
    assert (word.total_image_scans_succeeded, word.images_charged, word.image_characters_detected) == (2, 2, 0)
    assert (text.total_image_scans_succeeded, text.images_charged) == (0, 0)
    summary = sdk2.get_translation_status(poller.id).summary
    assert (summary.total_images_charged, summary.total_image_scans_succeeded) == (2, 2)
    assert len(docx.Document(io.BytesIO(storage.download(target, "offices.docx"))).inline_shapes) == 2


def test_without_the_new_options_their_fields_stay_empty(stack: LocalStack, sdk2: DocumentTranslationClient) -> None:
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("de")
    storage.upload(source, {"offices.docx": word_with_pictures(1)})

    poller = sdk2.begin_translation(storage.container_url(source, "rl"), storage.container_url(target, "wl"), "de")
    (document,) = poller.result()

    assert document.status == "Succeeded"
    assert (document.deployment_name, document.images_charged, document.total_image_scans_succeeded) == (
        None,
        None,
        None,
    )
    assert sdk2.get_translation_status(poller.id).summary.total_images_charged is None


@pytest.mark.parametrize(("target_language", "source_language"), [("xx-invalid", None), ("fr", "zz")])
def test_an_unknown_language_is_refused_before_anything_runs(
    stack: LocalStack, sdk2: DocumentTranslationClient, target_language: str, source_language: str | None
) -> None:
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("out")
    storage.upload(source, {"a.txt": b"Text."})

    with pytest.raises(HttpResponseError) as refused:
        sdk2.begin_translation(
            storage.container_url(source, "rl"),
            storage.container_url(target, "wl"),
            target_language,
            source_language=source_language,
        )

    assert refused.value.status_code == 400
    assert (source_language or target_language) in str(refused.value)
    assert storage.names(target) == []


def test_language_codes_match_case_insensitively(stack: LocalStack, sdk2: DocumentTranslationClient) -> None:
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("zh")
    storage.upload(source, {"a.txt": b"Text."})

    poller = sdk2.begin_translation(storage.container_url(source, "rl"), storage.container_url(target, "wl"), "ZH-hans")
    (document,) = poller.result()

    assert document.status == "Succeeded"
