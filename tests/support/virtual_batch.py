"""A batch on a virtual clock, answered over `httpx.MockTransport` in the service's wire shapes.

Document i finishes `seconds_per_document` after document i-1; the batch ends with the last one. Tests
drive `BatchFollower` through the real async client against it, with the same clock, so a five-minute
batch is followed in milliseconds and every status read and listing can be counted.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx

from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.scan import SourceDocument
from doctranslate.storage.names import target_blob_name

BATCH_ID = "0c5b7a6e-3f9d-4a21-9b8e-5d4c3b2a1f00"
STORAGE = "http://127.0.0.1:10000/devstoreaccount1"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class VirtualClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def pairs(count: int, language: str = "fr", job: str = "job") -> list[Pair]:
    documents = [
        SourceDocument(relative_path=f"d/{i:03}.txt", local_path=f"/docs/d/{i:03}.txt", size=10, md5=f"{i:032x}")
        for i in range(count)
    ]
    return [Pair(d, language, target_blob_name(job, language, d.relative_path)) for d in documents]


@dataclass
class VirtualBatch:
    """`failed`: indexes that fail; `unreported`: indexes the service never lists (skipped silently);
    `elsewhere`: indexes whose output the service writes under another name than the one asked for."""

    clock: VirtualClock
    pairs: list[Pair]
    seconds_per_document: float = 3.0
    failed: set[int] = field(default_factory=set)
    unreported: set[int] = field(default_factory=set)
    elsewhere: set[int] = field(default_factory=set)
    requests: Counter[str] = field(default_factory=Counter)

    @property
    def reported(self) -> list[int]:
        return [i for i in range(len(self.pairs)) if i not in self.unreported]

    def finished(self) -> int:
        return min(len(self.reported), int(self.clock.now / self.seconds_per_document))

    def ends_at(self) -> float:
        return len(self.reported) * self.seconds_per_document

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        path = urlsplit(str(request.url)).path
        if path.endswith("/documents"):
            self.requests["documents"] += 1
            statuses = parse_qs(urlsplit(str(request.url)).query).get("statuses", [""])[0].split(",")
            return httpx.Response(200, json={"value": self._documents([s for s in statuses if s])})
        self.requests["status"] += 1
        return httpx.Response(200, json=self._status())

    def _status(self) -> dict[str, object]:
        done = self.finished()
        failed = sum(1 for position, i in enumerate(self.reported) if position < done and i in self.failed)
        total = len(self.reported)
        return {
            "id": BATCH_ID,
            "createdDateTimeUtc": START.isoformat(),
            "lastActionDateTimeUtc": (START + timedelta(seconds=self.clock.now)).isoformat(),
            "status": "Succeeded" if done == total else "Running",
            "summary": {
                "total": total,
                "failed": failed,
                "success": done - failed,
                "inProgress": total - done,
                "notYetStarted": 0,
                "cancelled": 0,
                "totalCharacterCharged": 10 * (done - failed),
            },
        }

    def _documents(self, statuses: list[str]) -> list[dict[str, object]]:
        listed = []
        for position, i in enumerate(self.reported):
            pair = self.pairs[i]
            state = "Running" if position >= self.finished() else "Failed" if i in self.failed else "Succeeded"
            if statuses and state not in statuses:
                continue
            document: dict[str, object] = {
                "id": f"{i:08x}-0000-4000-8000-000000000000",
                "sourcePath": f"{STORAGE}/doctranslate-source/job/{pair.document.relative_path}",
                "status": state,
                "to": pair.language,
                "lastActionDateTimeUtc": START.isoformat(),
                "progress": 1 if state != "Running" else 0,
                "characterCharged": 10 if state == "Succeeded" else 0,
            }
            if state == "Succeeded":
                name = f"elsewhere/{pair.target}" if i in self.elsewhere else pair.target
                document["path"] = f"{STORAGE}/doctranslate-target/{name}"
            if state == "Failed":
                document["error"] = {"code": "InvalidRequest", "message": "x", "innerError": _inner()}
            listed.append(document)
        return listed


def _inner() -> dict[str, str]:
    return {"code": "NoTranslatableText", "message": "No translatable text in the document."}
