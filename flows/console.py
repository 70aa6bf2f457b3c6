"""What `doctranslate translate` shows while it runs: its own progress, not Prefect's log.

Prefect's console lines (engine states, server notices, tracebacks of a failed task) stay in the run's log
in the Prefect UI and come back with `--verbose`. The console shows the records tasks mark as progress
(`tasks.progress`): on a terminal a live display with a bar for the uploads (files and MB) and one per batch
(documents done of all, succeeded, failed, time left) above the step lines; elsewhere (CI, a pipe) one plain
line per step, and one per batch when it ends.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from rich.console import Console
from rich.filesize import decimal
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from doctranslate.verbosity import verbose
from doctranslate_prefect.tasks.progress import LIVE_LOGGER, PROGRESS

_RUN_LOGGERS: Final = ("prefect.flow_runs", "prefect.task_runs")


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
        self._tasks: dict[str, TaskID] = {}
        self._live = live

    def emit(self, record: logging.LogRecord) -> None:
        event: dict[str, Any] | None = getattr(record, PROGRESS, None)
        if event is None:
            return
        if record.name == LIVE_LOGGER:  # a moving figure: for a live display only
            if self._live and event["stage"] == "stage":
                self._update_bar("stage", "staging", event["done"], event["total"], _staging_figures(event))
        elif event["stage"] == "batch" and self._live:
            figures = f"succeeded {event['succeeded']}, failed {event['failed']}, {event['status']}"
            batch = str(event["batch"])
            self._update_bar(batch, f"batch {batch[:8]}", event["done"], event["total"], figures)
        elif event["stage"] != "batch" or event.get("final", True):  # plain output: a batch's line at its end
            target = self._bars.console if self._bars is not None else self._console
            target.print(f"[bold]{event['stage']}[/bold]: {record.getMessage()}", highlight=False, soft_wrap=True)

    def _update_bar(self, key: str, name: str, done: int, total: int, figures: str) -> None:
        if self._bars is None:
            self._bars = Progress(
                TextColumn("{task.fields[name]}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[figures]}"),
                TimeRemainingColumn(),
                console=self._console,
                transient=False,
            )
            self._bars.start()
        if key not in self._tasks:
            self._tasks[key] = self._bars.add_task("", total=total or None, name=name, figures="")
        self._bars.update(self._tasks[key], completed=done, total=total or None, figures=figures)

    def close(self) -> None:
        if self._bars is not None:
            self._bars.stop()
        super().close()


def _staging_figures(event: dict[str, Any]) -> str:
    """`12.3 MB / 45.6 MB` beside the files' bar (the bar's own rate would count files, not bytes)."""
    return f"files, {decimal(event['bytes'])} / {decimal(event['of_bytes'])}"


@contextmanager
def run_console() -> Iterator[None]:
    """Shows the run's progress while the block runs (nothing added with `--verbose`: Prefect's console shows
    every line then)."""
    if verbose():
        yield
        return
    console = Console(stderr=True, highlight=False)
    handler = _ProgressHandler(console, live=console.is_terminal and sys.stderr.isatty())
    for name in (*_RUN_LOGGERS, LIVE_LOGGER):
        logging.getLogger(name).addHandler(handler)
    try:
        yield
    finally:
        for name in (*_RUN_LOGGERS, LIVE_LOGGER):
            logging.getLogger(name).removeHandler(handler)
        handler.close()
