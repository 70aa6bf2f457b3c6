"""Staging and gathering: doctranslate's stage and gather code against the storage SDK's async client.

The baseline is what a careful user would write by hand: `azure.storage.blob.aio.ContainerClient`,
`asyncio.gather` under a semaphore, every concurrency in `BASELINE_CONCURRENCY` tried and the best kept
(azurite-notes §4 found 8–32 best on 2 cores). Each measurement gets a fresh in-memory Azurite.

doctranslate does more than the baseline, and pays for it inside the timing: staging lists the source
container first (to skip what is there) and sends each file's MD5 for storage to check; gathering writes each
file atomically (temporary file, fsync, rename). The follower's one manifest write per batch is left out.
"""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from azure.storage.blob.aio import ContainerClient

from bench.common import Figure, Result, fresh_azurite, ratio_figure, scratch_folder, stopwatch
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.gather import GatherSettings, fetch_translations
from doctranslate.pipeline.plan import RunPlan, plan_in_storage
from doctranslate.pipeline.request import TranslationRequest
from doctranslate.pipeline.stage import stage_plan
from doctranslate.settings import Settings
from doctranslate.storage.account import StorageAccount

BASELINE_CONCURRENCY = (8, 16, 32)
LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class Workload:
    name: str
    count: int
    size: int

    @property
    def unit(self) -> str:
        """Files per second where requests dominate, megabytes per second where bytes do."""
        return "files/s" if self.size < 1024 * 1024 else "MB/s"

    def rate(self, seconds: float) -> float:
        return (self.count if self.size < 1024 * 1024 else self.count * self.size / 1e6) / seconds

    def create(self, folder: Path) -> None:
        """Random text files (base64 of random bytes: a supported type that does not compress)."""
        folder.mkdir(parents=True)
        for index in range(self.count):
            payload = base64.b64encode(os.urandom(self.size * 3 // 4 + 3))[: self.size]
            (folder / f"doc-{index:05d}.txt").write_bytes(payload)


WORKLOADS = (Workload("1,000 × 10 KB", 1000, 10 * 1024), Workload("20 × 20 MB", 20, 20 * 1024 * 1024))


def _settings(connection: str) -> Settings:
    return Settings(storage_connection_string=connection)  # type: ignore[call-arg]


def _plan(source: Path, settings: Settings) -> RunPlan:
    request = TranslationRequest(sources=[str(source)], languages=["fr"], job="bench")  # type: ignore[call-arg]
    return plan_in_storage(request, StorageAccount(settings), settings)


async def _sdk_upload(connection: str, container: str, files: list[Path], concurrency: int) -> None:
    async with ContainerClient.from_connection_string(connection, container) as client:
        if not await client.exists():
            await client.create_container()
        slots = asyncio.Semaphore(concurrency)

        async def one(path: Path) -> None:
            async with slots:
                with path.open("rb") as data:  # a file object: aiohttp warns that big `bytes` block the loop
                    await client.upload_blob(f"bench/{path.name}", data, overwrite=True)

        await asyncio.gather(*(one(path) for path in files))


async def _sdk_download(connection: str, container: str, names: list[str], out: Path, concurrency: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    async with ContainerClient.from_connection_string(connection, container) as client:
        slots = asyncio.Semaphore(concurrency)

        async def one(name: str) -> None:
            async with slots:
                data = await (await client.download_blob(name)).readall()
                (out / name.rsplit("/", 1)[-1]).write_bytes(data)

        await asyncio.gather(*(one(name) for name in names))


def _staging_ours(source: Path, scratch: Path) -> float:
    with fresh_azurite(scratch) as (_, connection):
        settings = _settings(connection)
        plan = _plan(source, settings)
        with stopwatch() as elapsed:
            uploaded, _ = asyncio.run(
                stage_plan(plan, StorageAccount(settings), lifetime=LIFETIME, concurrency=settings.transfer_concurrency)
            )
        assert uploaded == len(plan.scan.documents), "every file must be uploaded"
        return elapsed()


def _staging_baseline(source: Path, scratch: Path, concurrency: int) -> float:
    files = sorted(source.iterdir())
    with fresh_azurite(scratch) as (_, connection):
        with stopwatch() as elapsed:
            asyncio.run(_sdk_upload(connection, "doctranslate-source", files, concurrency))
        return elapsed()


def _gathering_ours(source: Path, scratch: Path) -> float:
    out = scratch / "out-ours"
    with fresh_azurite(scratch) as (_, connection):
        settings = _settings(connection)
        plan = _plan(source, settings)
        pairs: list[Pair] = [p for b in plan.batches for p in b.decision.translate]
        asyncio.run(_put_targets(connection, settings.target_container, pairs))
        destination = Destination(container=settings.target_container, root="bench", download_dir=str(out))
        follow = GatherSettings(destination, LIFETIME, concurrency=settings.transfer_concurrency)
        with stopwatch() as elapsed:
            asyncio.run(fetch_translations(StorageAccount(settings), pairs, follow))
        written = sum(1 for _ in out.rglob("*.txt"))
        shutil.rmtree(out)
        assert written == len(pairs), f"{written} of {len(pairs)} outputs written"
        return elapsed()


async def _put_targets(connection: str, container: str, pairs: list[Pair]) -> None:
    async with ContainerClient.from_connection_string(connection, container) as client:
        if not await client.exists():
            await client.create_container()
        slots = asyncio.Semaphore(16)

        async def one(pair: Pair) -> None:
            async with slots:
                with pair.document.local_path.open("rb") as data:
                    await client.upload_blob(pair.target, data, overwrite=True)

        await asyncio.gather(*(one(pair) for pair in pairs))


def _gathering_baseline(source: Path, scratch: Path, concurrency: int) -> float:
    out = scratch / "out-sdk"
    files = sorted(source.iterdir())
    with fresh_azurite(scratch) as (_, connection):
        asyncio.run(_sdk_upload(connection, "doctranslate-target", files, 16))
        names = [f"bench/{path.name}" for path in files]
        with stopwatch() as elapsed:
            asyncio.run(_sdk_download(connection, "doctranslate-target", names, out, concurrency))
        shutil.rmtree(out)
        return elapsed()


def run(repetitions: int) -> list[Result]:
    results: list[Result] = []
    with scratch_folder("transfer") as scratch:
        for workload in WORKLOADS:
            source = scratch / f"source-{workload.count}"
            workload.create(source)
            for direction, ours_run, baseline_run in (
                ("staging", _staging_ours, _staging_baseline),
                ("gathering", _gathering_ours, _gathering_baseline),
            ):
                ours = Figure(workload.unit)
                baselines = {c: Figure(workload.unit) for c in BASELINE_CONCURRENCY}
                for repetition in range(repetitions):
                    # Alternate who goes first, so neither always gets the cooler machine.
                    if repetition % 2:
                        ours.samples.append(workload.rate(ours_run(source, scratch)))
                    for concurrency, figure in baselines.items():
                        figure.samples.append(workload.rate(baseline_run(source, scratch, concurrency)))
                    if not repetition % 2:
                        ours.samples.append(workload.rate(ours_run(source, scratch)))
                best_concurrency, best = max(baselines.items(), key=lambda item: item[1].median)
                ratio = ratio_figure(ours, best)
                results.append(
                    Result(
                        direction.capitalize(),
                        workload.name,
                        ours,
                        best,
                        ratio,
                        goal="≥ 0.9×",
                        met=ratio.median >= 0.9,
                        note=f"baseline: SDK aio, best of {'/'.join(map(str, BASELINE_CONCURRENCY))} "
                        f"concurrent = {best_concurrency}",
                    )
                )
            shutil.rmtree(source)
    return results
