"""Planning documents already in storage: 20,000 blobs planned from their container's listing (pre-flight,
batching, the existing-target policy, submission records, estimate), against a bare listing of the same
container with the official SDK. Each side runs in a process of its own, so its peak RSS is its own; the
time is the work alone (imports and interpreter start excluded on both sides).

Each child reads its peak from `VmHWM` in /proc/self/status, not from `getrusage`: a child's `ru_maxrss` starts
at the parent's peak (Linux carries it over at exec), so after the other suites had grown the bench's own
process it said 1,404 MB for what takes 157 MB."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

from azure.storage.blob.aio import ContainerClient

from bench.common import ROOT, Figure, Result, fresh_azurite, ratio_figure, scratch_folder

BLOBS = 20_000
CONTAINER = "planning"

_PEAK_KB = 'int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))'

_PLAN = f"""
import json, os, time
from doctranslate.pipeline.plan import plan_in_storage
from doctranslate.pipeline.request import TranslationRequest
from doctranslate.settings import load_settings
from doctranslate.storage.account import StorageAccount
settings = load_settings(storage_connection_string=os.environ["BENCH_CONNECTION"])
request = TranslationRequest(sources=["az://planning/"], languages=["fr", "de"], job="bench")
started = time.perf_counter()
plan = plan_in_storage(request, StorageAccount(settings), settings)
seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds, "documents": len(plan.scan.documents), "batches": len(plan.batches),
                  "peak_kb": {_PEAK_KB}}}))
"""

_LIST = f"""
import json, os, time
from azure.storage.blob import ContainerClient
client = ContainerClient.from_connection_string(os.environ["BENCH_CONNECTION"], "planning", api_version="2025-11-05")
started = time.perf_counter()
found = [(b.name, b.size, b.content_settings.content_md5) for b in client.list_blobs()]
seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds, "documents": len(found), "peak_kb": {_PEAK_KB}}}))
"""


async def _fill(connection: str) -> None:
    async with ContainerClient.from_connection_string(connection, CONTAINER, api_version="2025-11-05") as client:
        await client.create_container()
        slots = asyncio.Semaphore(32)

        async def one(index: int) -> None:
            async with slots:
                name = f"folder-{index % 40:02}/doc-{index:05}.{('txt', 'md', 'html', 'docx')[index % 4]}"
                await client.upload_blob(name, f"Document {index}.".encode(), overwrite=True)

        await asyncio.gather(*(one(i) for i in range(BLOBS)))


def _child(script: str, connection: str) -> dict[str, float]:
    env = {**os.environ, "BENCH_CONNECTION": connection, "PYTHONPATH": str(ROOT)}
    finished = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    if finished.returncode != 0:
        raise RuntimeError(f"a planning benchmark child failed:\n{finished.stderr[-3000:]}")
    result: dict[str, float] = json.loads(finished.stdout.strip().splitlines()[-1])
    if result["documents"] != BLOBS:
        raise RuntimeError(f"planned {result['documents']} documents, expected {BLOBS}")
    return result


def run(repetitions: int) -> list[Result]:
    ours, baseline, peak = Figure("s"), Figure("s"), Figure("MB")
    with scratch_folder("planning") as scratch, fresh_azurite(scratch) as (_, connection):
        asyncio.run(_fill(connection))
        for repetition in range(repetitions):
            sides = [(_PLAN, ours), (_LIST, baseline)]
            for script, figure in sides if repetition % 2 == 0 else reversed(sides):
                result = _child(script, connection)
                figure.samples.append(result["seconds"])
                if figure is ours:
                    peak.samples.append(result["peak_kb"] / 1024)
    ratio = ratio_figure(ours, baseline)
    workload = f"{BLOBS:,} blobs of one container into 2 languages"
    return [
        Result(
            "Planning in place",
            f"{workload}, planned from the listing",
            ours,
            baseline,
            ratio,
            goal="≤ 1.5×",
            met=ratio.median <= 1.5,
            note="baseline: a bare listing with the official SDK",
        ),
        Result(
            "Planning in place",
            f"{workload}: peak RSS of the planning process",
            peak,
            goal="≤ 300 MB",
            met=peak.median <= 300,
        ),
    ]
