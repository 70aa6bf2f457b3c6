"""Run the local service under uvicorn, refusing to listen off this machine without a key."""

from __future__ import annotations

import uvicorn

from doctranslate.errors import ConfigurationError
from doctranslate.local.app import LocalServiceConfig, create_app
from doctranslate.redaction import log_to_console
from doctranslate.settings import is_loopback_host


def serve(config: LocalServiceConfig, *, host: str, port: int, access_log: bool = False) -> None:
    if config.key is None and not is_loopback_host(host):
        raise ConfigurationError(
            f"refusing to serve on {host} without a key: anyone on the network could use the storage SAS URLs "
            "sent to it; pass --key or listen on 127.0.0.1"
        )
    log_to_console()  # what the service does (batches accepted, resumed, faults injected), redacted
    level = "info" if access_log else "warning"
    uvicorn.run(create_app(config), host=host, port=port, log_level=level, access_log=access_log)
