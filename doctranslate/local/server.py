"""Run the local service under uvicorn, refusing to listen off this machine without a key, with a deadline
for slow clients.

uvicorn waits forever for a request's headers, so a few hundred connections that send half a request
(slowloris) would hold every file descriptor the service has and starve real clients. Here a connection
that has not sent a whole request head within `HEADER_SECONDS` of opening (or of its last response) is
closed; bodies are bounded by the routes themselves.
"""

from __future__ import annotations

import asyncio
import gc
from typing import Final

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from doctranslate.errors import ConfigurationError
from doctranslate.local.app import LocalServiceConfig, create_app
from doctranslate.redaction import log_to_console
from doctranslate.settings import is_loopback_host

HEADER_SECONDS: Final = 10.0
MAX_CONNECTIONS: Final = 1000  # beyond this, new connections get a 503 at once instead of waiting


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing connections whose next request head is late."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._expect_request()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._expect_request()

    def _expect_request(self) -> None:
        waiting_after = self.cycle  # a new request replaces it: then the deadline has been met

        def late() -> None:
            if self.cycle is waiting_after and not self.transport.is_closing():
                self.transport.close()

        self.loop.call_later(HEADER_SECONDS, late)


def serve(config: LocalServiceConfig, *, host: str, port: int, access_log: bool = False) -> None:
    if config.key is None and not is_loopback_host(host):
        raise ConfigurationError(
            f"refusing to serve on {host} without a key: anyone on the network could use the storage SAS URLs "
            "sent to it; leave out --open (a key is made up and printed), or listen on 127.0.0.1"
        )
    log_to_console()  # what the service does (batches accepted, resumed, faults injected), redacted
    level = "info" if access_log else "warning"
    app = create_app(config)
    # What is made by now (the modules, FastAPI's and pydantic's models) lives as long as the process: frozen out
    # of the garbage collector's passes, which then scan only what requests make (gc.callbacks: the service's
    # full passes took 0.18 s of a 1,000-document batch).
    gc.freeze()
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=level,
        access_log=access_log,
        http=HeaderDeadlineProtocol,
        limit_concurrency=MAX_CONNECTIONS,
        timeout_keep_alive=5,
    )
