"""Whether the person running a command asked to see everything: read from the environment, not the
settings, because it must be known before Prefect is imported and before settings can fail to load."""

from __future__ import annotations

import os
from typing import Final

VERBOSE_ENV: Final = "DOCTRANSLATE_VERBOSE"
_ASKING_FOR_EVERYTHING: Final = (VERBOSE_ENV, "DOCTRANSLATE_LOG_HTTP")
_OFF: Final = ("", "0", "false", "no", "off")


def verbose() -> bool:
    """`--verbose` (which sets `DOCTRANSLATE_VERBOSE=1`), or `DOCTRANSLATE_LOG_HTTP=true`: whoever asks for
    every request line wants tracebacks and Prefect's lines too. Any case: `True`, `FALSE`, `Off`."""
    return any(os.environ.get(name, "").strip().lower() not in _OFF for name in _ASKING_FOR_EVERYTHING)
