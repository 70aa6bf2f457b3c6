"""SAS URLs read apart: Azure's host-style and the emulator's path-style."""

from __future__ import annotations

import pytest

from doctranslate.storage.locations import SasLocation


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
