"""Storage URLs read apart: SAS URLs in Azure's host-style and the emulator's path-style, and the user's
spelling of documents already in storage."""

from __future__ import annotations

import pytest

from doctranslate.storage.locations import SasLocation, StorageLocation, is_storage_spec


def test_sas_urls_of_azure_and_the_emulator() -> None:
    azure = SasLocation.parse("https://acct.blob.core.windows.net/src/folder?sv=1&sig=x", is_blob=False)
    emulator = SasLocation.parse("http://127.0.0.1:10000/devstoreaccount1/src/a%20b.txt?sig=y", is_blob=True)
    assert (azure.container_url, azure.folder_prefix, azure.sas) == (
        "https://acct.blob.core.windows.net/src",
        "folder/",
        "sv=1&sig=x",
    )
    assert (emulator.container_url, emulator.blob_name) == ("http://127.0.0.1:10000/devstoreaccount1/src", "a b.txt")
    assert emulator.blob_url("a b.txt", with_sas=False) == "http://127.0.0.1:10000/devstoreaccount1/src/a%20b.txt"
    with pytest.raises(ValueError, match="names no blob"):
        SasLocation.parse("https://acct.blob.core.windows.net/src?sig=x", is_blob=True)


ACCOUNT = "https://contosodocs.blob.core.windows.net"
EMULATOR = "http://127.0.0.1:10000/devstoreaccount1"


@pytest.mark.parametrize(
    ("spec", "account", "container", "prefix"),
    [
        ("az://incoming/contracts/2026/", ACCOUNT, "incoming", "contracts/2026/"),
        ("az://incoming", ACCOUNT, "incoming", ""),
        (f"{ACCOUNT}/incoming/contracts%20Q1/", ACCOUNT, "incoming", "contracts Q1/"),
        (f"{EMULATOR}/docs/guides/", EMULATOR, "docs", "guides/"),
    ],
)
def test_storage_sources_are_read_in_both_spellings(spec: str, account: str, container: str, prefix: str) -> None:
    assert StorageLocation.parse(spec, account) == StorageLocation(container, prefix)
    assert is_storage_spec(spec)


def test_local_paths_are_not_storage_and_other_accounts_or_bad_names_are_refused() -> None:
    assert StorageLocation.parse("docs/guides", ACCOUNT) is None
    assert not is_storage_spec("docs/guides")
    with pytest.raises(ValueError, match="not in the configured storage account"):
        StorageLocation.parse("https://other.blob.core.windows.net/docs/", ACCOUNT)
    with pytest.raises(ValueError, match="is not a container name"):
        StorageLocation.parse("az://Docs_2026/", ACCOUNT)
