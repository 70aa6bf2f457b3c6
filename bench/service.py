"""The local service: documents per second per format, through its real API on Azurite, on 2 cores.

Each format gets a batch of `DOCUMENTS_PER_FORMAT` different documents (a folder input with a prefix
filter, the way the SDK samples submit); the time runs from the POST to the batch's end. The floor is
bench/lxml_floor.py rewriting the same files in 2 processes, with no storage and no API around it.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
from azure.storage.blob import ContainerClient

from bench.common import Figure, Result, fresh_stack, ratio_figure, scratch_folder, stopwatch
from bench.format_samples import SAMPLES, write_samples
from bench.lxml_floor import FLOOR_FORMATS, rewrite_file
from doctranslate.settings import Settings
from doctranslate.storage import StorageAccount

DOCUMENTS_PER_FORMAT = 100
_API = {"api-version": "2024-05-01"}


def _translate_batch(env: dict[str, str], source_container: str, extension: str) -> float:
    """Seconds from submitting a batch of the `extension` documents to its end; every one must succeed."""
    account = StorageAccount(Settings(storage_connection_string=env["DOCTRANSLATE_STORAGE_CONNECTION_STRING"]))  # type: ignore[call-arg]
    target = f"out-{uuid.uuid4().hex[:12]}"
    account.ensure_container(target)
    lifetime = timedelta(hours=1)
    body = {
        "inputs": [
            {
                "source": {
                    "sourceUrl": account.container_sas_url(source_container, "rl", lifetime).get_secret_value(),
                    "filter": {"prefix": f"{extension[1:]}/"},
                },
                "targets": [
                    {
                        "targetUrl": account.container_sas_url(target, "wl", lifetime).get_secret_value(),
                        "language": "fr",
                    }
                ],
            }
        ]
    }
    headers = {"Ocp-Apim-Subscription-Key": env["DOCTRANSLATE_TRANSLATOR_KEY"]}
    with httpx.Client(base_url=env["DOCTRANSLATE_TRANSLATOR_ENDPOINT"], headers=headers, timeout=30) as http:
        with stopwatch() as elapsed:
            accepted = http.post("/translator/document/batches", params=_API, json=body)
            accepted.raise_for_status()
            status_url = accepted.headers["Operation-Location"]
            while (status := http.get(status_url).json())["status"] in ("NotStarted", "Running"):
                time.sleep(0.1)
        seconds = elapsed()
    if status["summary"]["success"] != DOCUMENTS_PER_FORMAT:
        raise RuntimeError(f"{extension}: the service translated {status['summary']} of {DOCUMENTS_PER_FORMAT}")
    return seconds


def _floor(paths: list[Path]) -> float:
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(rewrite_file, paths[:2]))  # start both workers and import lxml before the clock
        with stopwatch() as elapsed:
            list(pool.map(rewrite_file, paths, chunksize=10))
        return elapsed()


def _upload(connection: str, container: str, extension: str, paths: list[Path]) -> None:
    client = ContainerClient.from_connection_string(connection, container)
    if not client.exists():
        client.create_container()
    for path in paths:
        client.upload_blob(f"{extension[1:]}/{path.name}", path.read_bytes(), overwrite=True)


def run(repetitions: int) -> list[Result]:
    results = []
    with scratch_folder("service") as scratch, fresh_stack(scratch) as stack:
        env = stack.environment
        for extension in SAMPLES:
            paths = write_samples(scratch / extension[1:], extension, DOCUMENTS_PER_FORMAT)
            _upload(env["DOCTRANSLATE_STORAGE_CONNECTION_STRING"], "bench-source", extension, paths)
            service, floor = Figure("docs/s"), Figure("docs/s")
            for _ in range(repetitions):
                service.samples.append(DOCUMENTS_PER_FORMAT / _translate_batch(env, "bench-source", extension))
                if extension in FLOOR_FORMATS:
                    floor.samples.append(DOCUMENTS_PER_FORMAT / _floor(paths))
            size = sum(path.stat().st_size for path in paths) / len(paths) / 1024
            measured_floor = floor if floor.samples else None
            results.append(
                Result(
                    "Local service",
                    f"{extension} documents per second",
                    service,
                    measured_floor,
                    ratio_figure(service, floor) if measured_floor else None,
                    note=f"{DOCUMENTS_PER_FORMAT} × {size:.0f} KB; baseline: bare lxml rewrite, 2 processes"
                    if measured_floor
                    else f"{DOCUMENTS_PER_FORMAT} × {size:.0f} KB; no lxml floor for this format",
                )
            )
    return results
