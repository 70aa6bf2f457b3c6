"""Atomic writes, and the clean-up of what a killed writer leaves behind (never what a live one is writing)."""

from __future__ import annotations

import os
from pathlib import Path

from doctranslate.storage.atomic import remove_abandoned_partials, write_atomically


def dead_pid() -> int:
    """A process id no process can have: one above the kernel's largest."""
    return int(Path("/proc/sys/kernel/pid_max").read_text()) + 1


def test_write_atomically_leaves_only_the_finished_file(tmp_path: Path) -> None:
    target = tmp_path / "fr" / "guide.v2.md"
    write_atomically(target, b"translated")
    assert target.read_bytes() == b"translated"
    assert sorted(p.name for p in target.parent.iterdir()) == ["guide.v2.md"]


def test_abandoned_partials_go_live_ones_and_outputs_stay(tmp_path: Path) -> None:
    (tmp_path / "fr" / "deep").mkdir(parents=True)
    abandoned = tmp_path / "fr" / "deep" / f".guide.v2.md.{dead_pid()}.k3j_9x.partial"
    from_older_version = tmp_path / "fr" / ".notes.txt.abc123.partial"
    live = tmp_path / "fr" / f".other.txt.{os.getpid()}.q8z1.partial"
    output = tmp_path / "fr" / "deep" / "guide.v2.md"
    for path in (abandoned, from_older_version, live, output):
        path.write_bytes(b"x")

    assert remove_abandoned_partials(tmp_path) == 2

    assert not abandoned.exists()
    assert not from_older_version.exists()
    assert live.exists()
    assert output.exists()
