"""Image files as batch inputs (API 2026-03-01) in the local service, through the official SDK: text read by
Tesseract OCR and painted back translated; an image over 5 MB fails alone; without Tesseract, an image fails
with a message that says what to install."""

from __future__ import annotations

import io
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from azure.ai.translation.document import DocumentTranslationClient
from azure.core.credentials import AzureKeyCredential
from PIL import Image, ImageChops, ImageDraw, ImageFont

from doctranslate.formats.fonts import unicode_font
from doctranslate.local.stack import ManagedProcess, free_port
from tests.doctranslate.local.conftest import LocalStack, start_service

pytestmark = pytest.mark.e2e


def sign(text: str, colour: str = "navy") -> bytes:
    font = unicode_font()
    assert font is not None, "scripts/setup --test installs fonts-dejavu-core"
    picture = Image.new("RGB", (640, 120), "white")
    ImageDraw.Draw(picture).text((20, 40), text, fill=colour, font=ImageFont.truetype(str(font), 36))
    sink = io.BytesIO()
    picture.save(sink, format="PNG")
    return sink.getvalue()


def noise(size: int) -> bytes:
    """A PNG over `size` bytes: random pixels do not compress."""
    side = int((size / 3) ** 0.5) + 10
    sink = io.BytesIO()
    Image.frombytes("RGB", (side, side), secrets.token_bytes(side * side * 3)).save(sink, format="PNG")
    return sink.getvalue()


def ocr(data: bytes, tmp_path: Path) -> str:
    tesseract = shutil.which("tesseract")
    assert tesseract, "scripts/setup --test installs tesseract-ocr"
    path = tmp_path / "read.png"
    path.write_bytes(data)
    return subprocess.run(  # noqa: S603
        [tesseract, str(path), "stdout"], capture_output=True, text=True, check=True
    ).stdout


def test_an_image_is_read_translated_and_painted_back(
    stack: LocalStack, sdk2: DocumentTranslationClient, tmp_path: Path
) -> None:
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("fr")
    original = sign("Welcome to the office")
    storage.upload(source, {"sign.png": original, "poster.png": noise(5 * 1024 * 1024 + 1)})

    poller = sdk2.begin_translation(storage.container_url(source, "rl"), storage.container_url(target, "wl"), "fr")
    documents = {d.source_document_url.rsplit("/", 1)[-1]: d for d in poller.result()}

    assert documents["sign.png"].status == "Succeeded", documents["sign.png"].error
    assert (documents["sign.png"].images_charged, documents["sign.png"].characters_charged) == (1, 0)
    output = storage.download(target, "sign.png")
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(output))
    assert (after.format, after.size) == ("PNG", before.size)
    assert ImageChops.difference(before.convert("RGB"), after.convert("RGB")).getbbox() is not None
    read_before, read_after = ocr(original, tmp_path), ocr(output, tmp_path)
    assert read_before.strip() == "Welcome to the office"
    assert read_after.startswith("[fr:") and "~~~" in read_after  # pseudo-translated (its padding), in its place
    poster = documents["poster.png"]
    assert poster.status == "Failed" and poster.error.code == "DocumentSizeExceeded"
    assert "5 MB" in poster.error.message


@pytest.fixture
def service_without_ocr(stack: LocalStack, tmp_path: Path) -> Iterator[ManagedProcess]:
    """The local service on a machine with no Tesseract: a PATH without it."""
    bare = tmp_path / "bin"
    bare.mkdir()
    python_dir = Path(os.__file__).parents[2] / "bin"
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "tesseract").exists())
    service = start_service(
        stack.azurite.port,
        port=free_port(),
        key=stack.key,
        log=tmp_path / "service.log",
        state_dir=None,
        extra_env={"PATH": os.pathsep.join([str(bare), str(python_dir), path])},
    )
    yield service
    service.stop()


def test_without_ocr_an_image_fails_alone_and_says_what_to_install(
    stack: LocalStack, service_without_ocr: ManagedProcess
) -> None:
    storage = stack.storage
    source, target = storage.new_container("src"), storage.new_container("de")
    storage.upload(source, {"sign.png": sign("Exit"), "note.txt": b"Exit on the left."})

    endpoint = f"http://127.0.0.1:{service_without_ocr.port}"
    with DocumentTranslationClient(endpoint, AzureKeyCredential(stack.key), polling_interval=0.2) as client:
        poller = client.begin_translation(
            storage.container_url(source, "rl"), storage.container_url(target, "wl"), "de"
        )
        documents = {d.source_document_url.rsplit("/", 1)[-1]: d for d in poller.result()}

    assert documents["note.txt"].status == "Succeeded"
    image = documents["sign.png"]
    assert image.status == "Failed" and image.error.code == "UnsupportedDocumentFormat"
    assert "Tesseract" in image.error.message and "apt-get install tesseract-ocr" in image.error.message
