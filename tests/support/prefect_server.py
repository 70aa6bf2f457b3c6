"""A real `prefect server start` (not the test harness) for the tests that need one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PrefectServer:
    url: str
    home: Path
