"""The official `azure-ai-translation-document` SDK, unmodified, against the local service + Azurite.

If the SDK's begin_translation -> result -> list/get/cancel -> formats work here, code written for
Azure works here, and the other way round.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import openpyxl
import pytest
from azure.ai.translation.document import (
    DocumentTranslationApiVersion,
    DocumentTranslationClient,
    SingleDocumentTranslationClient,
)
from azure.ai.translation.document.models import DocumentTranslateContent, TranslationGlossary
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError

from doctranslate.local.engines import unpseudo
from tests.doctranslate.local.conftest import LocalStack

pytestmark = pytest.mark.e2e


@pytest.fixture
def sdk(stack: LocalStack) -> Iterator[DocumentTranslationClient]:
    client = DocumentTranslationClient(
        stack.endpoint,
        AzureKeyCredential(stack.key),
        api_version=DocumentTranslationApiVersion.V2024_05_01,
        polling_interval=0.2,
    )
    yield client
    client.close()


def test_folder_with_prefix_suffix_and_glossary(stack: LocalStack, sdk: DocumentTranslationClient) -> None:
    storage = stack.storage
    source, target, glossaries = storage.new_container("src"), storage.new_container("fr"), storage.new_container("g")
    storage.upload(
        source,
        {
            "docs/a.txt": b"Hello world.\n\nThe world is big.\n",
            "docs/guide.md": b"# Title\n\nRead `code` and [the world](https://example.com/world).\n",
            "docs/page.html": b"<p>Hello <b>world</b></p><img alt='A world map' src='w.png'>",
            "docs/photo.jpg": b"\xff\xd8\xff",  # unsupported: silently skipped
            "other/b.txt": b"Not in the folder.",  # outside the prefix
        },
    )
    storage.upload(glossaries, {"fr.csv": b"world,monde\n"})
    glossary = TranslationGlossary(glossary_url=storage.blob_url(glossaries, "fr.csv", "r"), file_format="csv")

    poller = sdk.begin_translation(
        storage.container_url(source, "rl"),
        storage.container_url(target, "wl"),
        "fr",
        source_language="en",
        prefix="docs/",
        glossaries=[glossary],
    )
    documents = {d.source_document_url.rsplit("/", 1)[-1]: d for d in poller.result()}

    assert poller.status() == "Succeeded"
    assert set(documents) == {"a.txt", "guide.md", "page.html"}
    assert all(d.status == "Succeeded" and d.translated_document_url for d in documents.values())
    assert storage.names(target) == ["docs/a.txt", "docs/guide.md", "docs/page.html"]
    text = storage.download(target, "docs/a.txt").decode()
    first, blank, second, end = text.split("\n")
    assert (blank, end) == ("", "")
    assert "monde" in first and "monde" in second  # the glossary term, verbatim
    assert unpseudo(first.replace("monde", "world")) == "Hello world."
    assert documents["a.txt"].characters_charged == len("Hello world.") + len("The world is big.")
    markdown = storage.download(target, "docs/guide.md").decode()
    assert "`code`" in markdown and "(https://example.com/world)" in markdown and "monde" in markdown
    assert poller.details.total_characters_charged == sum(d.characters_charged for d in documents.values())


def test_list_get_and_formats(stack: LocalStack, sdk: DocumentTranslationClient) -> None:
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("de")
    storage.upload(source, {"one.txt": b"One.", "two.txt": b"Two."})

    poller = sdk.begin_translation(storage.container_url(source, "rl"), storage.container_url(target, "wl"), "de")
    poller.result()

    listed = [t.id for t in sdk.list_translation_statuses(translation_ids=[poller.id])]
    status = sdk.get_translation_status(poller.id)
    documents = list(sdk.list_document_statuses(poller.id))
    one = sdk.get_document_status(poller.id, documents[0].id)
    assert listed == [poller.id]
    assert (status.status, status.documents_total_count, status.documents_succeeded_count) == ("Succeeded", 2, 2)
    assert one.id == documents[0].id and one.translated_to == "de"
    assert len(sdk.get_supported_document_formats()) == 21
    assert {f.file_format for f in sdk.get_supported_glossary_formats()} == {"XLIFF", "TSV", "CSV"}
    with pytest.raises(HttpResponseError) as finished:
        sdk.cancel_translation(poller.id)  # already finished: the service answers 400
    assert finished.value.status_code == 400


def test_cancel_a_running_batch(stack: LocalStack, sdk: DocumentTranslationClient) -> None:
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("es")
    storage.upload(source, {f"doc-{i:03}.txt": f"Document number {i}.".encode() for i in range(120)})

    poller = sdk.begin_translation(storage.container_url(source, "rl"), storage.container_url(target, "wl"), "es")
    sdk.cancel_translation(poller.id)
    poller.wait()
    final = sdk.get_translation_status(poller.id)
    while final.status == "Canceling":  # the SDK shows the wire's British spelling the American way
        time.sleep(0.1)
        final = sdk.get_translation_status(poller.id)

    assert final.status == "Canceled"
    summary = (final.documents_total_count, final.documents_canceled_count, final.documents_succeeded_count)
    assert summary[0] == 120 and summary[1] > 0 and summary[1] + summary[2] == 120
    assert len(storage.names(target)) == summary[2]  # finished documents stay (and stay charged)


def test_single_file_storage_type(stack: LocalStack, sdk: DocumentTranslationClient) -> None:
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("it")
    storage.upload(source, {"report.txt": b"Quarterly report."})

    poller = sdk.begin_translation(
        storage.blob_url(source, "report.txt", "r"),
        storage.target_blob_url(target, "report-it.txt", "wl"),
        "it",
        storage_type="File",
    )
    (document,) = poller.result()

    assert document.status == "Succeeded"
    assert storage.names(target) == ["report-it.txt"]
    assert unpseudo(storage.download(target, "report-it.txt").decode()) == "Quarterly report."


@pytest.mark.parametrize(
    ("source_permission", "target_permission", "code"),
    [
        ("r", "wl", "InvalidDocumentAccessLevel"),  # the classic: no list permission on the source
        ("rl", "w", "InvalidTargetDocumentAccessLevel"),
    ],
)
def test_missing_sas_permissions_fail_validation(
    stack: LocalStack, sdk: DocumentTranslationClient, source_permission: str, target_permission: str, code: str
) -> None:
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("nl")
    storage.upload(source, {"a.txt": b"Text."})

    poller = sdk.begin_translation(
        storage.container_url(source, source_permission), storage.container_url(target, target_permission), "nl"
    )
    with pytest.raises(HttpResponseError) as caught:
        poller.result()

    assert caught.value.error is not None and caught.value.error.code == code
    assert storage.names(target) == []


def test_existing_targets_and_empty_documents_fail_per_document(
    stack: LocalStack, sdk: DocumentTranslationClient
) -> None:
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("pt")
    storage.upload(source, {"kept.txt": b"Some text.", "empty.txt": b"", "spaces.txt": b"   \n 42 \n"})
    storage.upload(target, {"kept.txt": b"already here"})

    poller = sdk.begin_translation(storage.container_url(source, "rl"), storage.container_url(target, "wl"), "pt")
    documents = {d.source_document_url.rsplit("/", 1)[-1]: d for d in poller.result()}

    assert poller.details.status == "Failed"  # every document failed
    assert documents["kept.txt"].error.code == "TargetFileAlreadyExists"
    assert documents["empty.txt"].error.code == "NoTranslatableText"
    assert documents["spaces.txt"].error.code == "NoTranslatableText"
    assert storage.download(target, "kept.txt") == b"already here"  # never overwritten
    assert all(d.characters_charged == 0 for d in documents.values())


def test_wrong_key_is_refused(stack: LocalStack) -> None:
    client = DocumentTranslationClient(stack.endpoint, AzureKeyCredential("wrong"), api_version="2024-05-01")
    with pytest.raises(ClientAuthenticationError):
        client.get_supported_document_formats()


def test_synchronous_translation_with_glossary(stack: LocalStack) -> None:
    client = SingleDocumentTranslationClient(stack.endpoint, AzureKeyCredential(stack.key), api_version="2024-05-01")
    body = DocumentTranslateContent(
        document=("note.txt", b"Ship the product.", "text/plain"),
        glossary=[("g.csv", b"product,produit", "text/csv")],
    )

    answer = client.translate(body, target_language="fr")
    translated = answer if isinstance(answer, bytes) else b"".join(answer)  # typed as chunks; 2.0 gives bytes

    assert "produit" in translated.decode()
    assert unpseudo(translated.decode().replace("produit", "product")) == "Ship the product."


def test_sdk_1_0_on_the_v1_routes(stack: LocalStack) -> None:
    """azure-ai-translation-document 1.0.0 speaks only v1.0 (1.1.0 already moved to 2024-05-01)."""
    sdk1 = Path(__file__).resolve().parents[3] / ".venv" / "sdk1"
    assert (sdk1 / "azure").is_dir(), "scripts/setup installs SDK 1.0.0 into .venv/sdk1"
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("fr")
    storage.upload(source, {"a.txt": b"Good morning.", "b.html": b"<p>Good night.</p>"})
    script = Path(__file__).resolve().parents[2] / "support" / "sdk1_session.py"

    finished = subprocess.run(  # noqa: S603
        [
            sys.executable,
            str(script),
            stack.endpoint,
            stack.key,
            storage.container_url(source, "rl"),
            storage.container_url(target, "wl"),
        ],
        env={**os.environ, "PYTHONPATH": str(sdk1)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert finished.returncode == 0, finished.stderr[-3000:]
    result = json.loads(finished.stdout.strip().splitlines()[-1])
    assert result["version"] == "1.0.0"
    assert (result["status"], result["total"], result["succeeded"]) == ("Succeeded", 2, 2)
    assert result["characters"] == len("Good morning.") + len("Good night.")
    assert result["one"] and result["listed"] and result["cancel_finished"] == 400
    assert result["formats"] == 21 and result["glossary_formats"] == ["CSV", "TSV", "XLIFF"]


def office_files() -> dict[str, bytes]:
    """A Word document and an Excel workbook as their own libraries write them, and a zip bomb."""
    word = docx.Document()
    word.add_paragraph("The annual report is ready.")
    word.add_table(rows=1, cols=2).rows[0].cells[0].text = "Revenue"
    workbook = openpyxl.Workbook()
    workbook.active.append(["Region", 1200, "=B1*2"])
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", bytes(50 * 1024 * 1024))
    files = {"bomb.docx": bomb.getvalue()}
    for name, document in (("report.docx", word), ("figures.xlsx", workbook)):
        sink = io.BytesIO()
        document.save(sink)
        files[name] = sink.getvalue()
    return files


def test_office_documents_are_rewritten_and_a_zip_bomb_fails_alone(
    stack: LocalStack, sdk: DocumentTranslationClient
) -> None:
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("it")
    storage.upload(source, office_files())

    poller = sdk.begin_translation(storage.container_url(source, "rl"), storage.container_url(target, "wl"), "it")
    documents = {d.source_document_url.rsplit("/", 1)[-1]: d for d in poller.result()}

    assert documents["report.docx"].status == "Succeeded"
    assert documents["figures.xlsx"].status == "Succeeded"
    assert documents["bomb.docx"].status == "Failed"
    assert "zip bomb" in documents["bomb.docx"].error.message
    word = docx.Document(io.BytesIO(storage.download(target, "report.docx")))
    assert unpseudo(word.paragraphs[0].text) == "The annual report is ready."
    assert unpseudo(word.tables[0].rows[0].cells[0].text) == "Revenue"
    sheet = openpyxl.load_workbook(io.BytesIO(storage.download(target, "figures.xlsx"))).active
    assert [unpseudo(sheet["A1"].value), sheet["B1"].value, sheet["C1"].value] == ["Region", 1200, "=B1*2"]
    assert documents["report.docx"].characters_charged == len("The annual report is ready.") + len("Revenue")
    assert "bomb.docx" not in storage.names(target)
