"""The local service contacts only the storage hosts, ports and schemes it is allowed to."""

from __future__ import annotations

from doctranslate.local.sas_storage import DEFAULT_ALLOWED_HOSTS, host_allowed


def test_only_allowed_storage_hosts_are_contacted() -> None:
    allowed = ("127.0.0.1:10000", "*.blob.core.windows.net")
    assert host_allowed("https://acct.blob.core.windows.net/c", allowed)
    assert host_allowed("http://127.0.0.1:10000/devstoreaccount1/c", allowed)
    assert not host_allowed("http://169.254.169.254/metadata", allowed)
    assert not host_allowed("https://blob.core.windows.net.evil.example/c", allowed)


def test_an_allowed_host_is_reached_on_its_port_only_and_plain_http_on_loopback_only() -> None:
    allowed = ("127.0.0.1:10000", "[::1]:10000", "*.blob.core.windows.net", "storage.internal:8443")
    assert not host_allowed("http://127.0.0.1:18080/c", allowed), "another service on the same machine"
    assert not host_allowed("https://acct.blob.core.windows.net:8080/c", allowed), "no port named: 443 only"
    assert not host_allowed("http://acct.blob.core.windows.net/c", allowed), "never plain http off loopback"
    assert not host_allowed("http://storage.internal:8443/c", allowed)
    assert host_allowed("https://storage.internal:8443/c", allowed)
    assert host_allowed("http://[::1]:10000/devstoreaccount1/c", allowed)
    assert not host_allowed("http://127.0.0.1:99999999/c", allowed), "a port that is not one"
    assert not host_allowed("ftp://127.0.0.1:10000/c", allowed)


def test_by_default_azure_and_azurites_default_port() -> None:
    assert host_allowed("http://127.0.0.1:10000/devstoreaccount1/c", DEFAULT_ALLOWED_HOSTS)
    assert not host_allowed("http://127.0.0.1:5300/translator", DEFAULT_ALLOWED_HOSTS)
