"""Blob storage on the test Azurite, through the real azure-storage-blob SDK: containers, uploads, SAS URLs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from azure.storage.blob import (
    BlobSasPermissions,
    BlobServiceClient,
    ContainerSasPermissions,
    generate_blob_sas,
    generate_container_sas,
)

from doctranslate.local.stack import AZURITE_ACCOUNT, AZURITE_KEY, connection_string
from doctranslate.storage.rest import STORAGE_API_VERSION


class Storage:
    def __init__(self, blob_port: int) -> None:
        self.service = BlobServiceClient.from_connection_string(
            connection_string(blob_port), api_version=STORAGE_API_VERSION, retry_total=0
        )
        self.base = self.service.url.rstrip("/")

    def new_container(self, stem: str = "c") -> str:
        name = f"{stem}-{uuid.uuid4().hex[:12]}"
        self.service.create_container(name)
        return name

    def upload(self, container: str, files: dict[str, bytes]) -> None:
        client = self.service.get_container_client(container)
        for name, data in files.items():
            client.upload_blob(name, data, overwrite=True)

    def download(self, container: str, name: str) -> bytes:
        return self.service.get_container_client(container).download_blob(name).readall()

    def names(self, container: str) -> list[str]:
        return sorted(self.service.get_container_client(container).list_blob_names())

    def metadata(self, container: str, name: str) -> dict[str, str]:
        return dict(self.service.get_blob_client(container, name).get_blob_properties().metadata)

    def container_url(self, container: str, permission: str, *, expired: bool = False) -> str:
        expiry = datetime.now(UTC) + (timedelta(minutes=-5) if expired else timedelta(hours=1))
        sas = generate_container_sas(
            AZURITE_ACCOUNT,
            container,
            account_key=AZURITE_KEY,
            permission=ContainerSasPermissions.from_string(permission),
            expiry=expiry,
        )
        return f"{self.base}/{container}?{sas}"

    def target_blob_url(self, container: str, name: str, permission: str) -> str:
        """A blob URL carrying a *container* SAS: how a single-file job names its output."""
        base, sas = self.container_url(container, permission).split("?", 1)
        return f"{base}/{name}?{sas}"

    def blob_url(self, container: str, name: str, permission: str) -> str:
        sas = generate_blob_sas(
            AZURITE_ACCOUNT,
            container,
            name,
            account_key=AZURITE_KEY,
            permission=BlobSasPermissions.from_string(permission),
            expiry=datetime.now(UTC) + timedelta(hours=1),
        )
        return f"{self.base}/{container}/{name}?{sas}"
