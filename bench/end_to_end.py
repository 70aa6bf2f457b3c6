"""End to end: `doctranslate translate` against a minimal script with the official SDK (bench/sdk_baseline.py).

1,000 mixed small documents into 2 languages on a fresh local stack each run. Both are timed as the
commands a user runs, interpreter start and imports included. doctranslate runs with everything it
always does (plan with pre-flight and MD5s, journal, report.json/.md, Prefect artifacts and progress),
against a running Prefect server as in production; the server starts once, outside the timing.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bench.common import ROOT, Figure, Result, cpu_seconds, fresh_stack, ratio_figure, scratch_folder, stopwatch
from bench.documents import write_mixed_documents
from tests.support.prefect_server import PrefectServer, running_prefect_server

DOCUMENTS = 1000
LANGUAGES = ("fr", "de")


def _timed_command(argv: list[str], cwd: Path, env: dict[str, str], outputs: Path) -> float:
    with stopwatch() as elapsed:
        finished = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    seconds = elapsed()
    if finished.returncode != 0:
        output = finished.stdout[-2000:] + finished.stderr[-2000:]
        raise RuntimeError(f"{argv[0]} failed ({finished.returncode}):\n{output}")
    written = sum(1 for path in outputs.rglob("doc-*") if path.is_file())
    if written != DOCUMENTS * len(LANGUAGES):
        raise RuntimeError(f"{argv[0]} wrote {written} outputs, expected {DOCUMENTS * len(LANGUAGES)}")
    return seconds


def _translate(source: Path, work: Path, env: dict[str, str], qa: str) -> float:
    argv = [str(ROOT / ".venv/bin/doctranslate"), "translate", str(source), "--to", ",".join(LANGUAGES), "--out", "out"]
    seconds = _timed_command([*argv, "--qa", qa], work, env, work / "out")
    if not (work / "out/report.json").is_file():
        raise RuntimeError("doctranslate wrote no report")
    return seconds


def _doctranslate(source: Path, work: Path, env: dict[str, str]) -> float:
    """As users run it: QA of every output included (the default, `--qa warn`)."""
    return _translate(source, work, env, "warn")


def _doctranslate_without_qa(source: Path, work: Path, env: dict[str, str]) -> float:
    return _translate(source, work, env, "off")


def _sdk_script(source: Path, work: Path, env: dict[str, str]) -> float:
    argv = [sys.executable, str(ROOT / "bench/sdk_baseline.py"), str(source), "out", ",".join(LANGUAGES)]
    return _timed_command(argv, work, env, work / "out")


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _server_cpu_seconds(server: PrefectServer) -> float:
    """`prefect server start` and the uvicorn process it runs (its group)."""
    group = subprocess.run(["pgrep", "-g", str(server.pid)], capture_output=True, text=True, check=False)  # noqa: S603, S607
    return sum(cpu_seconds(int(pid)) for pid in group.stdout.split())


Command = Callable[[Path, Path, dict[str, str]], float]


def run(repetitions: int) -> list[Result]:
    """Alternating who goes first; each run on a fresh stack. CPU counts every process of the run: the command,
    Azurite, the service and the Prefect server (idle during the baseline)."""
    wall = {_doctranslate: Figure("s"), _sdk_script: Figure("s"), _doctranslate_without_qa: Figure("s")}
    cpu = {_doctranslate: Figure("CPU-s"), _sdk_script: Figure("CPU-s"), _doctranslate_without_qa: Figure("CPU-s")}
    with scratch_folder("end-to-end") as scratch, running_prefect_server(scratch / "prefect") as prefect:
        source = scratch / "documents"
        write_mixed_documents(source, DOCUMENTS)
        base_env = {**os.environ, "PREFECT_API_URL": prefect.url, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        for repetition in range(repetitions):
            order: list[Command] = [_doctranslate, _sdk_script, _doctranslate_without_qa]
            for command in order if repetition % 2 == 0 else reversed(order):
                with fresh_stack(scratch) as stack:
                    work = scratch / f"{command.__name__.strip('_')}-{repetition}"
                    work.mkdir()
                    before = stack.cpu_seconds() + _children_cpu_seconds() + _server_cpu_seconds(prefect)
                    wall[command].samples.append(command(source, work, {**base_env, **stack.environment}))
                    after = stack.cpu_seconds() + _children_cpu_seconds() + _server_cpu_seconds(prefect)
                    cpu[command].samples.append(after - before)
    wall_ratio = ratio_figure(wall[_doctranslate], wall[_sdk_script])
    qa_ratio = ratio_figure(wall[_doctranslate], wall[_doctranslate_without_qa])
    workload = f"{DOCUMENTS:,} mixed documents (txt, md, html) into {len(LANGUAGES)} languages"
    return [
        Result(
            "End to end",
            f"{workload}, wall time",
            wall[_doctranslate],
            wall[_sdk_script],
            wall_ratio,
            goal="≤ 1.15×",
            met=wall_ratio.median <= 1.15,
            note="baseline: bench/sdk_baseline.py, official SDKs",
        ),
        Result(
            "End to end",
            f"{workload}, CPU of all processes on the 2 cores",
            cpu[_doctranslate],
            cpu[_sdk_script],
            ratio_figure(cpu[_doctranslate], cpu[_sdk_script]),
            note="command + Azurite + service + Prefect server",
        ),
        Result(
            "End to end",
            f"{workload}: QA of every output (`--qa warn`, the default), wall time against `--qa off`",
            wall[_doctranslate],
            wall[_doctranslate_without_qa],
            qa_ratio,
            goal="≤ 1.10×",
            met=qa_ratio.median <= 1.10,
            note="baseline: doctranslate --qa off",
        ),
    ]
