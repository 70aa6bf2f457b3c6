"""The hand-written alternative: a minimal script with the official SDKs, as the samples teach it.

Upload a folder (async, 16 at a time), start one batch over the source container with one target
container per language, wait for it, download every output (async, 16 at a time). No report, no resume.

    python bench/sdk_baseline.py SOURCE_FOLDER OUT_FOLDER fr,de
Reads AZURE_DOCUMENT_TRANSLATION_ENDPOINT, AZURE_DOCUMENT_TRANSLATION_KEY and AZURE_STORAGE_CONNECTION_STRING.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from azure.ai.translation.document import DocumentTranslationClient
from azure.ai.translation.document.models import DocumentTranslationInput, TranslationTarget
from azure.core.credentials import AzureKeyCredential
from azure.storage.blob import BlobServiceClient, generate_container_sas
from azure.storage.blob.aio import ContainerClient

CONCURRENCY = 16


async def upload(connection: str, container: str, folder: Path) -> None:
    async with ContainerClient.from_connection_string(connection, container) as client:
        slots = asyncio.Semaphore(CONCURRENCY)

        async def one(path: Path) -> None:
            async with slots:
                with path.open("rb") as data:
                    await client.upload_blob(path.relative_to(folder).as_posix(), data, overwrite=True)

        await asyncio.gather(*(one(p) for p in folder.rglob("*") if p.is_file()))


async def download(connection: str, container: str, out: Path) -> None:
    async with ContainerClient.from_connection_string(connection, container) as client:
        slots = asyncio.Semaphore(CONCURRENCY)

        async def one(name: str) -> None:
            async with slots:
                data = await (await client.download_blob(name)).readall()
                path = out / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)

        await asyncio.gather(*[one(name) async for name in client.list_blob_names()])


def create_containers(languages: list[str]) -> None:
    storage = BlobServiceClient.from_connection_string(os.environ["AZURE_STORAGE_CONNECTION_STRING"])
    for container in ["source", *(f"target-{lang.lower()}" for lang in languages)]:
        storage.create_container(container)


def upload_folder(folder: Path) -> None:
    asyncio.run(upload(os.environ["AZURE_STORAGE_CONNECTION_STRING"], "source", folder))


def translate(languages: list[str]) -> tuple[int, list[str]]:
    """Start one batch over the source container, wait for it: (documents succeeded, ids of those failed)."""
    storage = BlobServiceClient.from_connection_string(os.environ["AZURE_STORAGE_CONNECTION_STRING"])
    key = storage.credential.account_key
    expiry = datetime.now(UTC) + timedelta(hours=2)

    def sas_url(container: str, permission: str) -> str:
        token = generate_container_sas(
            storage.account_name, container, account_key=key, permission=permission, expiry=expiry
        )
        return f"{storage.url.rstrip('/')}/{container}?{token}"

    client = DocumentTranslationClient(
        os.environ["AZURE_DOCUMENT_TRANSLATION_ENDPOINT"],
        AzureKeyCredential(os.environ["AZURE_DOCUMENT_TRANSLATION_KEY"]),
    )
    targets = [
        TranslationTarget(target_url=sas_url(f"target-{lang.lower()}", "wl"), language=lang) for lang in languages
    ]
    poller = client.begin_translation(
        inputs=[DocumentTranslationInput(source_url=sas_url("source", "rl"), targets=targets)]
    )
    failed = [document.id for document in poller.result() if document.status != "Succeeded"]
    return poller.details.documents_succeeded_count, failed


def download_language(language: str, out: Path) -> None:
    asyncio.run(download(os.environ["AZURE_STORAGE_CONNECTION_STRING"], f"target-{language.lower()}", out / language))


def main() -> None:
    folder, out, languages = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3].split(",")
    create_containers(languages)
    upload_folder(folder)
    succeeded, failed = translate(languages)
    for lang in languages:
        download_language(lang, out)
    print(f"{succeeded} succeeded, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
