"""What `doctranslate translate` shows while it runs: its own progress, not Prefect's log.

Prefect's console lines (engine states, server notices, tracebacks of a failed task) stay in the run's log
in the Prefect UI and come back with `--verbose`. The console shows the records tasks mark as progress
(`tasks.progress`): on a terminal a live display with a bar per batch (documents done of all, succeeded,
failed, time left) above the plan, staging and report lines; elsewhere (CI, a pipe) one plain line per step.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from doctranslate_prefect.tasks.progress import PROGRESS

VERBOSE_ENV: Final = "DOCTRANSLATE_VERBOSE"
_RUN_LOGGERS: Final = ("prefect.flow_runs", "prefect.task_runs")


def verbose() -> bool:
    """`--verbose`, or `DOCTRANSLATE_LOG_HTTP=true` (whoever asks for every request line wants to see them)."""
    return any(
        os.environ.get(name, "").lower() not in ("", "0", "false") for name in (VERBOSE_ENV, "DOCTRANSLATE_LOG_HTTP")
    )


def quiet_prefect_console() -> None:
    """Prefect's own console output off (before Prefect is imported: it reads this at import); the run's log
    still goes to the Prefect server, and with `--verbose` to the console too."""
    if not verbose():
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")


class _ProgressHandler(logging.Handler):
    def __init__(self, console: Console, live: bool) -> None:
        super().__init__(logging.INFO)
        self._console = console
        self._bars: Progress | None = None
        self._batches: dict[str, TaskID] = {}
        self._live = live

    def emit(self, record: logging.LogRecord) -> None:
        event: dict[str, Any] | None = getattr(record, PROGRESS, None)
        if event is None:
            return
        if self._live and event["stage"] == "batch":
            self._update_bar(event)
        else:
            target = self._bars.console if self._bars is not None else self._console
            target.print(f"[bold]{event['stage']}[/bold]: {record.getMessage()}", highlight=False, soft_wrap=True)

    def _update_bar(self, event: dict[str, Any]) -> None:
        if self._bars is None:
            self._bars = Progress(
                TextColumn("batch {task.fields[name]}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[counts]}"),
                TimeRemainingColumn(),
                console=self._console,
                transient=False,
            )
            self._bars.start()
        batch = str(event["batch"])
        counts = f"succeeded {event['succeeded']}, failed {event['failed']}, {event['status']}"
        if batch not in self._batches:
            self._batches[batch] = self._bars.add_task("", total=event["total"] or None, name=batch[:8], counts="")
        self._bars.update(self._batches[batch], completed=event["done"], total=event["total"] or None, counts=counts)

    def close(self) -> None:
        if self._bars is not None:
            self._bars.stop()
        super().close()


@contextmanager
def run_console() -> Iterator[None]:
    """Shows the run's progress while the block runs (nothing added with `--verbose`: Prefect's console shows
    every line then)."""
    if verbose():
        yield
        return
    console = Console(stderr=True, highlight=False)
    handler = _ProgressHandler(console, live=console.is_terminal and sys.stderr.isatty())
    for name in _RUN_LOGGERS:
        logging.getLogger(name).addHandler(handler)
    try:
        yield
    finally:
        for name in _RUN_LOGGERS:
            logging.getLogger(name).removeHandler(handler)
        handler.close()
