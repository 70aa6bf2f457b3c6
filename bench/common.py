"""What every benchmark shares: repeated measurements, ratios, the machine's description, a fresh Azurite."""

from __future__ import annotations

import json
import os
import platform
import resource
import secrets
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from doctranslate.local.stack import ManagedProcess, connection_string, free_port, start_azurite, start_local_service

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Figure:
    """Several samples of one quantity; shown as median (min–max)."""

    unit: str
    samples: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def __str__(self) -> str:
        if not self.samples:
            return "–"
        if len(self.samples) == 1:
            return f"{_number(self.samples[0])} {self.unit}".strip()
        low, high = min(self.samples), max(self.samples)
        return f"**{_number(self.median)}** ({_number(low)}–{_number(high)}) {self.unit}".strip()


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


@dataclass
class Result:
    """One line of the results table: ours against the baseline, or an absolute figure against a goal."""

    benchmark: str
    measure: str
    ours: Figure
    baseline: Figure | None = None
    ratio: Figure | None = None
    goal: str = ""
    met: bool | None = None
    note: str = ""


def ratio_figure(ours: Figure, baseline: Figure) -> Figure:
    """Run-by-run ratios, ours over the baseline: pairs measured side by side cancel most of the machine's drift."""
    return Figure("×", [o / b for o, b in zip(ours.samples, baseline.samples, strict=True)])


@contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    """`with stopwatch() as elapsed: ...; elapsed()` in seconds, wall clock."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())


@contextmanager
def fresh_azurite(scratch: Path) -> Iterator[tuple[ManagedProcess, str]]:
    """A new in-memory Azurite for one measurement, so no run pays for an earlier one's blobs."""
    azurite = start_azurite(port=free_port(), log=scratch / "azurite.log", data_dir=None)
    try:
        yield azurite, connection_string(azurite.port)
    finally:
        azurite.stop()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of another process so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix=f"doctranslate-bench-{prefix}-") as folder:
        yield Path(folder)


def machine() -> dict[str, str]:
    """What the figures were measured on: they mean little without it."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor() or "unknown",
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    azurite = json.loads((ROOT / "node_modules/azurite/package.json").read_text())["version"]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()  # noqa: S607
    packages = ["prefect", "azure-storage-blob", "azure-ai-translation-document", "httpx", "aiohttp", "lxml"]
    return {
        "CPU": f"{cpu}, {os.cpu_count()} logical cores",
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "system": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Node.js": node,
        "Azurite": azurite,
        "packages": ", ".join(f"{name} {version(name)}" for name in packages),
    }


def markdown_table(results: list[Result]) -> str:
    lines = [
        "| benchmark | measure | doctranslate | baseline | ratio | goal | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        measure = f"{r.measure} ({r.note})" if r.note else r.measure
        lines.append(
            f"| {r.benchmark} | {measure} | {r.ours} | {r.baseline or ''} | {r.ratio or ''} | {r.goal} | {met} |"
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class LocalStack:
    """A running Azurite and local service: the environment that points at them, and their processes."""

    environment: dict[str, str]
    azurite_pid: int
    service_pid: int

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.azurite_pid) + cpu_seconds(self.service_pid)


@contextmanager
def fresh_stack(scratch: Path, *, access_log: bool = False) -> Iterator[LocalStack]:
    """A new in-memory Azurite and local translation service. The environment names them under
    doctranslate's variables and the standard Azure ones (which the baseline scripts read)."""
    with fresh_azurite(scratch) as (azurite, connection):
        key = secrets.token_hex(16)
        service = start_local_service(
            port=free_port(),
            key=key,
            log=scratch / "service.log",
            state_dir=None,
            access_log=access_log,
            allowed_storage_hosts=(f"127.0.0.1:{azurite.port}",),
        )
        endpoint = f"http://127.0.0.1:{service.port}"
        environment = {
            "DOCTRANSLATE_TRANSLATOR_ENDPOINT": endpoint,
            "DOCTRANSLATE_TRANSLATOR_KEY": key,
            "DOCTRANSLATE_STORAGE_CONNECTION_STRING": connection,
            "AZURE_DOCUMENT_TRANSLATION_ENDPOINT": endpoint,
            "AZURE_DOCUMENT_TRANSLATION_KEY": key,
            "AZURE_STORAGE_CONNECTION_STRING": connection,
        }
        try:
            yield LocalStack(environment, azurite.pid, service.pid)
        finally:
            service.stop()
