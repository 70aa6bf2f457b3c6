"""Progress as the command line shows it: a log record that carries an event besides its message.

Every task logs its lines to the run (the Prefect UI keeps them all); the few a person at a terminal wants
(what was planned, staged, how each batch is doing, the report) also carry `extra=progress(...)`, which the
command's console (`doctranslate_prefect.flows.console`) draws as a live display or prints as plain lines.
"""

from __future__ import annotations

from typing import Final

PROGRESS: Final = "doctranslate_progress"


def progress(stage: str, **fields: object) -> dict[str, object]:
    """`extra` for a log call: `logger.info(line, extra=progress("batch", batch=id, done=3, total=10))`."""
    return {PROGRESS: {"stage": stage, **fields}}
