"""Scale: 10,000 small documents planned, staged, translated and gathered by one `doctranslate translate`.

Measured against absolute goals, not a baseline: the command's peak memory, the Prefect task runs it
creates, how much the Prefect database grows, and how often it reads each batch's status (counted in the
local service's access log). A fresh Prefect server, storage and service for the run, so everything
counted is this run's.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path

import httpx

from bench.common import ROOT, Figure, Result, fresh_stack, scratch_folder, stopwatch
from bench.documents import write_mixed_documents
from tests.support.prefect_server import PrefectServer, running_prefect_server

DOCUMENTS = 10_000
LANGUAGE = "fr"
# One access-log line of the local service: `... "GET /translator/document/batches/<id>?api-version=... HTTP/1.1" 200`
_STATUS_READ = re.compile(r'"GET /translator/document/batches/([0-9a-f-]{36})(/documents)?[?" ]')

# Runs the command as its only child, so the children's peak RSS is the command's own.
_PEAK_RSS_WRAPPER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(json.dumps({"code": code, "seconds": time.perf_counter() - started,
                  "peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def _database_bytes(server: PrefectServer) -> int:
    return sum(path.stat().st_size for path in server.home.glob("prefect.db*"))


def _count(server: PrefectServer, what: str) -> int:
    return int(httpx.post(f"{server.url}/{what}/count", json={}, timeout=30).json())


def _status_reads_per_batch_minute(service_log: str, batch_seconds: dict[str, float]) -> Figure:
    """Status and document-list requests per batch, over how long the batch ran on the service, a batch of
    under a minute counted as one minute (it cannot have made more requests than that in any minute)."""
    reads = Counter(match.group(1) for match in _STATUS_READ.finditer(service_log))
    return Figure("/min", [60 * reads[batch] / max(seconds, 60.0) for batch, seconds in batch_seconds.items()])


def _batch_durations(stack: dict[str, str], report: Path) -> dict[str, float]:
    """Each batch's life on the service (created to last action), asked after the log has been read."""
    durations = {}
    for batch in json.loads(report.read_text())["batches"]:
        body = httpx.get(
            f"{stack['DOCTRANSLATE_TRANSLATOR_ENDPOINT']}/translator/document/batches/{batch['id']}",
            params={"api-version": "2024-05-01"},
            headers={"Ocp-Apim-Subscription-Key": stack["DOCTRANSLATE_TRANSLATOR_KEY"]},
            timeout=30,
        ).json()
        created, last = (
            datetime.fromisoformat(body[k][:26].rstrip("Z")) for k in ("createdDateTimeUtc", "lastActionDateTimeUtc")
        )
        durations[batch["id"]] = (last - created).total_seconds()
    return durations


def run(repetitions: int) -> list[Result]:
    del repetitions  # one run: these are absolute figures, each far from its goal or not
    with scratch_folder("scale") as scratch, running_prefect_server(scratch / "prefect") as prefect:
        source = scratch / "documents"
        write_mixed_documents(source, DOCUMENTS)
        work = scratch / "work"
        work.mkdir()
        database_before = _database_bytes(prefect)
        with fresh_stack(scratch, access_log=True) as stack:
            env = {**os.environ, **stack.environment, "PREFECT_API_URL": prefect.url}
            command = [str(ROOT / ".venv/bin/doctranslate"), "translate", str(source), "--to", LANGUAGE, "--out", "out"]
            with stopwatch() as elapsed:
                finished = subprocess.run(  # noqa: S603
                    [sys.executable, "-c", _PEAK_RSS_WRAPPER, *command],
                    cwd=work,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
            outcome = json.loads(finished.stdout)
            if outcome["code"] != 0:
                raise RuntimeError(f"doctranslate translate exited with {outcome['code']}")
            log = (scratch / "service.log").read_text(errors="replace")
            polls = _status_reads_per_batch_minute(log, _batch_durations(stack.environment, work / "out/report.json"))
        written = sum(1 for path in (work / "out" / LANGUAGE).rglob("doc-*") if path.is_file())
        if written != DOCUMENTS:
            raise RuntimeError(f"{written} of {DOCUMENTS} translations written")
        task_runs = _count(prefect, "task_runs")
        database_growth = _database_bytes(prefect) - database_before
    wall = elapsed()
    peak = outcome["peak_kb"] / 1024
    return [
        Result(
            "Scale",
            f"{DOCUMENTS:,} documents: peak RSS of `doctranslate translate`",
            Figure("MB", [peak]),
            goal="≤ 300 MB",
            met=peak <= 300,
            note=f"whole run {wall:.0f} s",
        ),
        Result("Scale", "Prefect task runs created", Figure("", [task_runs]), goal="≤ 50", met=task_runs <= 50),
        Result("Scale", "Prefect database growth", Figure("MB", [database_growth / 1e6])),
        Result(
            "Scale",
            "status requests per batch per minute",
            polls,
            goal="≤ 60",
            met=max(polls.samples) <= 60,
            note=f"{len(polls.samples)} batches; status reads and document-list pages",
        ),
    ]
