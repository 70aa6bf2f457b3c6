"""End to end: `doctranslate translate` against a minimal script with the official SDK (bench/sdk_baseline.py),
and against the same script run as a Prefect flow (bench/sdk_flow_baseline.py), which tells Prefect's own cost
from ours.

1,000 mixed small documents into 2 languages on a fresh local stack each run. Both are timed as the
commands a user runs, interpreter start and imports included. doctranslate runs with everything it
always does (plan with pre-flight and MD5s, journal, report.json/.md, Prefect artifacts and progress),
against a running Prefect server as in production; the server starts once, outside the timing.

Besides wall time and CPU, two moments seen from outside each command, by the outputs' modification times:
how long until the first translation is on disk, and how long after the batch's end (the service's
`lastActionDateTimeUtc`) the last one is.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common import ROOT, Figure, Result, cpu_seconds, fresh_stack, ratio_figure, scratch_folder, stopwatch
from bench.documents import write_mixed_documents
from doctranslate.client import DocumentTranslationClient
from doctranslate.settings import Settings
from tests.support.prefect_server import PrefectServer, running_prefect_server

DOCUMENTS = 1000
LANGUAGES = ("fr", "de")


@dataclass(frozen=True)
class Timed:
    """One command's run, and when its outputs appeared, seen from outside it (the same for doctranslate and
    the script): wall-clock seconds since the epoch for the last three."""

    seconds: float
    started: float
    first_output: float
    last_output: float
    batch_ended: float  # when the service finished the batch (its lastActionDateTimeUtc)

    @property
    def to_first_output(self) -> float:
        return self.first_output - self.started

    @property
    def after_batch_end(self) -> float:
        return self.last_output - self.batch_ended


def _timed_command(argv: list[str], cwd: Path, env: dict[str, str], outputs: Path) -> Timed:
    started = time.time()
    with stopwatch() as elapsed:
        finished = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    seconds = elapsed()
    if finished.returncode != 0:
        output = finished.stdout[-2000:] + finished.stderr[-2000:]
        raise RuntimeError(f"{argv[0]} failed ({finished.returncode}):\n{output}")
    written = [path.stat().st_mtime for path in outputs.rglob("doc-*") if path.is_file()]
    if len(written) != DOCUMENTS * len(LANGUAGES):
        raise RuntimeError(f"{argv[0]} wrote {len(written)} outputs, expected {DOCUMENTS * len(LANGUAGES)}")
    return Timed(seconds, started, min(written), max(written), _batch_end(env))


def _batch_end(env: dict[str, str]) -> float:
    """When the run's only batch ended, as the service recorded it."""
    settings = Settings(  # type: ignore[call-arg]
        translator_endpoint=env["DOCTRANSLATE_TRANSLATOR_ENDPOINT"], translator_key=env["DOCTRANSLATE_TRANSLATOR_KEY"]
    )
    with DocumentTranslationClient.from_settings(settings) as client:
        (batch,) = list(client.list_translation_statuses())
    return batch.last_action_date_time_utc.timestamp()


def _translate(source: Path, work: Path, env: dict[str, str], qa: str) -> Timed:
    argv = [str(ROOT / ".venv/bin/doctranslate"), "translate", str(source), "--to", ",".join(LANGUAGES), "--out", "out"]
    timed = _timed_command([*argv, "--qa", qa], work, env, work / "out")
    if not (work / "out/report.json").is_file():
        raise RuntimeError("doctranslate wrote no report")
    return timed


def _doctranslate(source: Path, work: Path, env: dict[str, str]) -> Timed:
    """As users run it: QA of every output included (the default, `--qa warn`)."""
    return _translate(source, work, env, "warn")


def _doctranslate_without_qa(source: Path, work: Path, env: dict[str, str]) -> Timed:
    return _translate(source, work, env, "off")


def _script(name: str, source: Path, work: Path, env: dict[str, str]) -> Timed:
    argv = [sys.executable, str(ROOT / "bench" / name), str(source), "out", ",".join(LANGUAGES)]
    return _timed_command(argv, work, env, work / "out")


def _sdk_script(source: Path, work: Path, env: dict[str, str]) -> Timed:
    return _script("sdk_baseline.py", source, work, env)


def _sdk_script_as_flow(source: Path, work: Path, env: dict[str, str]) -> Timed:
    return _script("sdk_flow_baseline.py", source, work, env)


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _server_cpu_seconds(server: PrefectServer) -> float:
    """`prefect server start` and the uvicorn process it runs (its group)."""
    group = subprocess.run(["pgrep", "-g", str(server.pid)], capture_output=True, text=True, check=False)  # noqa: S603, S607
    return sum(cpu_seconds(int(pid)) for pid in group.stdout.split())


Command = Callable[[Path, Path, dict[str, str]], Timed]


def run(repetitions: int) -> list[Result]:
    """Alternating who goes first; each run on a fresh stack. CPU counts every process of the run: the command,
    Azurite, the service and the Prefect server (idle during the bare script)."""
    commands: list[Command] = [_doctranslate, _sdk_script, _sdk_script_as_flow, _doctranslate_without_qa]
    wall = {command: Figure("s") for command in commands}
    cpu = {command: Figure("CPU-s") for command in commands}
    # From the start to the first translation on disk, and from the batch's end to the last one.
    first: dict[Command, Figure] = {_doctranslate: Figure("s"), _sdk_script: Figure("s")}
    tail: dict[Command, Figure] = {_doctranslate: Figure("s"), _sdk_script: Figure("s")}
    with scratch_folder("end-to-end") as scratch, running_prefect_server(scratch / "prefect") as prefect:
        source = scratch / "documents"
        write_mixed_documents(source, DOCUMENTS)
        base_env = {**os.environ, "PREFECT_API_URL": prefect.url, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        for repetition in range(repetitions):
            for command in commands if repetition % 2 == 0 else reversed(commands):
                with fresh_stack(scratch) as stack:
                    work = scratch / f"{command.__name__.strip('_')}-{repetition}"
                    work.mkdir()
                    before = stack.cpu_seconds() + _children_cpu_seconds() + _server_cpu_seconds(prefect)
                    timed = command(source, work, {**base_env, **stack.environment})
                    after = stack.cpu_seconds() + _children_cpu_seconds() + _server_cpu_seconds(prefect)
                    wall[command].samples.append(timed.seconds)
                    cpu[command].samples.append(after - before)
                    if command in first:
                        first[command].samples.append(timed.to_first_output)
                        tail[command].samples.append(timed.after_batch_end)
    workload = f"{DOCUMENTS:,} mixed documents (txt, md, html) into {len(LANGUAGES)} languages"

    def compared(
        measure: str,
        figures: dict[Command, Figure],
        ours: Command,
        baseline: Command,
        note: str,
        limit: float | None = None,
    ) -> Result:
        """`limit`: the goal for the ratio's median, if the row has one."""
        ratio = ratio_figure(figures[ours], figures[baseline])
        goal, met = ("", None) if limit is None else (f"≤ {limit:.2f}×", ratio.median <= limit)
        return Result("End to end", workload + measure, figures[ours], figures[baseline], ratio, goal, met, note)

    script = "baseline: bench/sdk_baseline.py"
    as_flow = "baseline: bench/sdk_flow_baseline.py, the same script as a Prefect flow"
    return [
        compared(", wall time", wall, _doctranslate, _sdk_script, f"{script}, official SDKs", limit=1.15),
        compared(
            ", CPU of all processes on the 2 cores",
            cpu,
            _doctranslate,
            _sdk_script,
            f"{script}; command + Azurite + service + Prefect server",
            limit=1.15,
        ),
        compared(
            ": from the command's start to the first translation on disk", first, _doctranslate, _sdk_script, script
        ),
        compared(
            ": from the batch's end (the service's lastActionDateTimeUtc) to the last translation on disk",
            tail,
            _doctranslate,
            _sdk_script,
            script,
        ),
        compared(
            ", wall time: the SDK script as a Prefect flow against the bare script (Prefect's own cost)",
            wall,
            _sdk_script_as_flow,
            _sdk_script,
            f"{script}; what any command running a Prefect flow pays",
        ),
        compared(
            ", wall time, against the SDK script as a Prefect flow", wall, _doctranslate, _sdk_script_as_flow, as_flow
        ),
        compared(
            ", CPU of all processes, against the SDK script as a Prefect flow",
            cpu,
            _doctranslate,
            _sdk_script_as_flow,
            as_flow,
        ),
        compared(
            ": QA of every output (`--qa warn`, the default), wall time against `--qa off`",
            wall,
            _doctranslate,
            _doctranslate_without_qa,
            "baseline: doctranslate --qa off",
            limit=1.10,
        ),
    ]
