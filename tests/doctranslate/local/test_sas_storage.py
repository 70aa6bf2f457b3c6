"""The local service contacts only the storage hosts it is allowed to."""

from __future__ import annotations

from doctranslate.local.sas_storage import host_allowed


def test_only_allowed_storage_hosts_are_contacted() -> None:
    allowed = ("127.0.0.1", "*.blob.core.windows.net")
    assert host_allowed("https://acct.blob.core.windows.net/c", allowed)
    assert host_allowed("http://127.0.0.1:10000/devstoreaccount1/c", allowed)
    assert not host_allowed("http://169.254.169.254/metadata", allowed)
    assert not host_allowed("https://blob.core.windows.net.evil.example/c", allowed)
