"""One TLS context for every HTTP client we open.

httpx builds a new `ssl.SSLContext` for each client, and loading the CA bundle into it costs about 30 ms of
CPU on the 2-core VM, even when the endpoint is plain http, as on the local stack; a run opened four (the two
translator clients, a transfer pool for staging and one per round of downloads). A context is safe to share
between clients and threads, so it is built once per process, as httpx itself would build it (`SSL_CERT_FILE`
/ `SSL_CERT_DIR`, else certifi's bundle).
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx


@cache
def shared_tls_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()
