"""The local service: documents per second per format, through its real API on Azurite, on 2 cores.

Each format gets a batch of `DOCUMENTS_PER_FORMAT` different documents (a folder input with a prefix
filter, the way the SDK samples submit); the time runs from the POST to the batch's end. The floor is
bench/lxml_floor.py rewriting the same files in 2 processes, with no storage and no API around it. A
second figure per format times the format engine alone (handler and pseudo engine, one process, bytes in
memory): the gap between the two is the service's per-document storage and bookkeeping.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
from azure.storage.blob import ContainerClient

from bench.common import Figure, Result, fresh_stack, ratio_figure, scratch_folder, stopwatch
from bench.format_samples import SAMPLES, write_samples
from bench.lxml_floor import FLOOR_FORMATS, rewrite_file
from doctranslate.formats.registry import handler_for
from doctranslate.local.engines import PseudoEngine
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount

DOCUMENTS_PER_FORMAT = 300
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
                time.sleep(0.05)
        seconds = elapsed()
    if status["summary"]["success"] != DOCUMENTS_PER_FORMAT:
        raise RuntimeError(f"{extension}: the service translated {status['summary']} of {DOCUMENTS_PER_FORMAT}")
    return seconds


def _engine_alone(paths: list[Path]) -> float:
    """The format handlers with the pseudo engine, in this one process, on bytes already in memory."""
    engine = PseudoEngine()
    documents = [(path.name, path.read_bytes()) for path in paths]

    def translate(segments: Sequence[str]) -> list[str]:
        return engine.translate(segments, source_language=None, target_language="fr", glossary=None)

    with stopwatch() as elapsed:
        for name, data in documents:
            handler = handler_for(name)
            assert handler is not None
            handler.rewrite(data, translate)
        return elapsed()


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
    with scratch_folder("service") as scratch:
        for extension in SAMPLES:
            paths = write_samples(scratch / extension[1:], extension, DOCUMENTS_PER_FORMAT)
            service, engine, floor = Figure("docs/s"), Figure("docs/s"), Figure("docs/s")
            for _ in range(repetitions):
                # A fresh stack each time: Azurite's cost per request grows with the blobs it holds.
                with fresh_stack(scratch) as stack:
                    env = stack.environment
                    _upload(env["DOCTRANSLATE_STORAGE_CONNECTION_STRING"], "bench-source", extension, paths)
                    seconds = _translate_batch(env, "bench-source", extension)
                service.samples.append(DOCUMENTS_PER_FORMAT / seconds)
                engine.samples.append(DOCUMENTS_PER_FORMAT / _engine_alone(paths))
                if extension in FLOOR_FORMATS:
                    floor.samples.append(DOCUMENTS_PER_FORMAT / _floor(paths))
            size = f"{DOCUMENTS_PER_FORMAT} × {sum(p.stat().st_size for p in paths) / len(paths) / 1024:.0f} KB"
            with_floor = extension in FLOOR_FORMATS
            results += [
                Result(
                    "Local service",
                    f"{extension}: documents per second through the API",
                    service,
                    floor if with_floor else None,
                    ratio_figure(service, floor) if with_floor else None,
                    note=f"{size}; baseline: bare lxml rewrite, 2 processes" if with_floor else size,
                ),
                Result("Local service", f"{extension}: the format engine alone, 1 process", engine, note=size),
            ]
    return results
