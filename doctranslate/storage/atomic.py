"""Local files that are either complete or absent: written beside their place, renamed in when whole.

Translations, reports, journals and the watcher's mark all go through here, so a crash never leaves a
half file that looks finished, and a later run can sweep what a killed writer left.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Final

_PARTIAL_SUFFIX: Final = ".partial"


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`.

    The temporary name carries the writer's process id, so a later run can tell an abandoned one
    (its writer was killed) from one being written right now (see `remove_abandoned_partials`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=_PARTIAL_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as sink:
            sink.write(data)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_abandoned_partials(folder: Path) -> int:
    """Delete the temporary files of writers that died mid-write (a killed run); keep live writers' ones."""
    removed = 0
    for partial in folder.rglob(f".*{_PARTIAL_SUFFIX}"):
        if not _writer_alive(partial.name):
            partial.unlink(missing_ok=True)
            removed += 1
    return removed


def _writer_alive(partial_name: str) -> bool:
    """`.<name>.<pid>.<random>.partial`: is process <pid> still running on this machine?"""
    parts = partial_name.removesuffix(_PARTIAL_SUFFIX).rsplit(".", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
