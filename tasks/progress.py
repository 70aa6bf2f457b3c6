"""Progress as the command line shows it: a log record that carries an event besides its message.

Every task logs its lines to the run (the Prefect UI keeps them all); the few a person at a terminal wants
(what was planned, staged, how each batch is doing, the report) also carry `extra=progress(...)`, which the
command's console (`doctranslate_prefect.flows.console`) draws as a live display or prints as plain lines.
Figures that move many times a second (bytes uploaded so far) go by `LiveFigures` to a logger of their own,
which only a live display listens to: the run's log in the Prefect server need not keep a line per file.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Final

PROGRESS: Final = "doctranslate_progress"
LIVE_LOGGER: Final = "doctranslate_prefect.live"

_live = logging.getLogger(LIVE_LOGGER)
_live.setLevel(logging.INFO)
_live.propagate = False  # not Prefect's, not the root's: only the console's live display hears it


def progress(stage: str, **fields: object) -> dict[str, object]:
    """`extra` for a log call: `logger.info(line, extra=progress("batch", batch=id, done=3, total=10))`."""
    return {PROGRESS: {"stage": stage, **fields}}


class LiveFigures:
    """Passes a stage's moving figures to the live display, at most every `every` seconds and always the last
    (`done == total`); safe to call from several threads."""

    def __init__(self, stage: str, every: float = 0.2) -> None:
        self._stage = stage
        self._every = every
        self._last = 0.0
        self._lock = threading.Lock()

    def show(self, done: int, total: int, **fields: object) -> None:
        now = time.monotonic()
        with self._lock:
            if done < total and now - self._last < self._every:
                return
            self._last = now
        _live.info(self._stage, extra=progress(self._stage, done=done, total=total, **fields))
