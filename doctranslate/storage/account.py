"""The pipeline's own access to the storage account: containers, listings, metadata, and SAS tokens.

Connects with a connection string or with an account URL and `DefaultAzureCredential`. SAS tokens are
least-privilege and short-lived: account-key SAS with a key, user-delegation SAS with Entra ID.
Bulk bytes do not go through here but through `storage.transfer` (httpx on SAS URLs, measured fastest).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Final

from azure.core import MatchConditions
from azure.core.exceptions import AzureError, ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.storage.blob import (
    BlobSasPermissions,
    BlobServiceClient,
    ContainerSasPermissions,
    UserDelegationKey,
    generate_blob_sas,
    generate_container_sas,
)

from doctranslate.errors import ConfigurationError, StorageError
from doctranslate.redaction import SasUrl
from doctranslate.settings import Settings
from doctranslate.storage.blobs import BlobInfo
from doctranslate.storage.names import quote_blob
from doctranslate.storage.rest import STORAGE_API_VERSION

_CLOCK_SKEW: Final = timedelta(minutes=5)


class StorageAccount:
    def __init__(self, settings: Settings) -> None:
        if settings.storage_connection_string is not None:
            self.service = BlobServiceClient.from_connection_string(
                settings.storage_connection_string.get_secret_value(),
                api_version=STORAGE_API_VERSION,
                retry_total=settings.retry_max_attempts - 1,
                initial_backoff=settings.retry_backoff_seconds,
                increment_base=2,
            )
            self._account_key: str | None = self.service.credential.account_key
        elif settings.storage_account_url is not None:
            from azure.identity import DefaultAzureCredential

            self.service = BlobServiceClient(
                settings.storage_account_url, credential=DefaultAzureCredential(), api_version=STORAGE_API_VERSION
            )
            self._account_key = None
        else:
            raise ConfigurationError(
                "no storage account configured; set DOCTRANSLATE_STORAGE_CONNECTION_STRING (or "
                "AZURE_STORAGE_CONNECTION_STRING), or DOCTRANSLATE_STORAGE_ACCOUNT_URL to use Entra ID"
            )
        self.account_name: str = self.service.account_name or ""
        self.url = self.service.url.rstrip("/")

    def __repr__(self) -> str:
        return f"StorageAccount({self.url!r})"

    def ensure_container(self, name: str) -> None:
        try:
            self.service.create_container(name)
        except ResourceExistsError:
            pass
        except AzureError as exc:
            raise StorageError(f"cannot create or open container {name!r}: {exc}") from None

    def list_blobs(self, container: str, prefix: str = "") -> Iterator[BlobInfo]:
        client = self.service.get_container_client(container)
        try:
            for blob in client.list_blobs(name_starts_with=prefix or None, include=["metadata"]):
                yield BlobInfo(
                    blob.name,
                    int(blob.size or 0),
                    dict(blob.metadata or {}),
                    etag=str(blob.etag or "").strip('"'),
                    last_modified=blob.last_modified,
                    content_md5=bytes(blob.content_settings.content_md5 or b"").hex(),
                )
        except ResourceNotFoundError:
            return
        except AzureError as exc:
            raise StorageError(f"cannot list container {container!r}: {exc}") from None

    def read_blob(self, container: str, blob: str) -> bytes | None:
        """The blob's content; None when it does not exist."""
        try:
            return bytes(self.service.get_blob_client(container, blob).download_blob().readall())
        except ResourceNotFoundError:
            return None
        except AzureError as exc:
            raise StorageError(f"cannot read {container}/{blob}: {exc}") from None

    def write_blob(self, container: str, blob: str, data: bytes) -> None:
        try:
            self.service.get_blob_client(container, blob).upload_blob(data, overwrite=True)
        except AzureError as exc:
            raise StorageError(f"cannot write {container}/{blob}: {exc}") from None

    def delete_blob(self, container: str, blob: str) -> None:
        with contextlib.suppress(ResourceNotFoundError):
            self.service.get_blob_client(container, blob).delete_blob()

    # -- conditional writes: what keeps concurrent workers from undoing each other ------------------

    def read_blob_tagged(self, container: str, blob: str) -> tuple[bytes, str] | None:
        """The blob's content and its ETag, to write it back only if nobody changed it; None when absent."""
        try:
            download = self.service.get_blob_client(container, blob).download_blob()
            return bytes(download.readall()), str(download.properties.etag)
        except ResourceNotFoundError:
            return None
        except AzureError as exc:
            raise StorageError(f"cannot read {container}/{blob}: {exc}") from None

    def write_blob_if(self, container: str, blob: str, data: bytes, *, etag: str | None) -> bool:
        """Write only if the blob still has `etag` (If-Match), or, with None, only if it does not exist
        (If-None-Match: *). False when another writer got there first."""
        client = self.service.get_blob_client(container, blob)
        try:
            if etag is None:
                client.upload_blob(data, overwrite=False)
            else:
                client.upload_blob(data, overwrite=True, etag=etag, match_condition=MatchConditions.IfNotModified)
        except (ResourceExistsError, ResourceModifiedError):
            return False
        except AzureError as exc:
            raise StorageError(f"cannot write {container}/{blob}: {exc}") from None
        return True

    def delete_blob_if(self, container: str, blob: str, *, etag: str) -> bool:
        """Delete only if the blob still has `etag`; False when it changed (or went) meanwhile."""
        try:
            self.service.get_blob_client(container, blob).delete_blob(
                etag=etag, match_condition=MatchConditions.IfNotModified
            )
        except (ResourceModifiedError, ResourceNotFoundError):
            return False
        except AzureError as exc:
            raise StorageError(f"cannot delete {container}/{blob}: {exc}") from None
        return True

    # -- SAS -------------------------------------------------------------------------------------

    def container_sas_url(self, container: str, permission: str, lifetime: timedelta) -> SasUrl:
        """A container SAS with exactly `permission` (e.g. `rl` for a source, `wl` for a target)."""
        start, expiry = _window(lifetime)
        token = generate_container_sas(
            self.account_name,
            container,
            account_key=self._account_key,
            user_delegation_key=self._delegation_key(expiry) if self._account_key is None else None,
            permission=ContainerSasPermissions.from_string(permission),
            start=start,
            expiry=expiry,
        )
        return SasUrl(f"{self.url}/{container}?{token}")

    def blob_sas_url(self, container: str, blob: str, permission: str, lifetime: timedelta) -> SasUrl:
        """A blob SAS (e.g. `r` for a glossary or a single source document)."""
        start, expiry = _window(lifetime)
        token = generate_blob_sas(
            self.account_name,
            container,
            blob,
            account_key=self._account_key,
            user_delegation_key=self._delegation_key(expiry) if self._account_key is None else None,
            permission=BlobSasPermissions.from_string(permission),
            start=start,
            expiry=expiry,
        )
        return SasUrl(f"{self.url}/{container}/{quote_blob(blob)}?{token}")

    def _delegation_key(self, expiry: datetime) -> UserDelegationKey:
        # One key per hour of expiry is plenty; user-delegation keys may live up to 7 days.
        return self._cached_delegation_key(expiry.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))

    @functools.lru_cache(maxsize=4)  # noqa: B019 - one account object per run; the cache dies with it
    def _cached_delegation_key(self, until: datetime) -> UserDelegationKey:
        return self.service.get_user_delegation_key(datetime.now(UTC) - _CLOCK_SKEW, until)


def _window(lifetime: timedelta) -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    return now - _CLOCK_SKEW, now + lifetime
