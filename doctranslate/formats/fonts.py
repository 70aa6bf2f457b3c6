"""The font translated text is drawn with where a format has no text of its own to keep (PDF pages, images)."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Final

_KNOWN_PLACES: Final = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),  # Debian, Ubuntu: fonts-dejavu-core
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),  # Fedora, Alpine
)


@cache
def unicode_font() -> Path | None:
    """DejaVu Sans (wide Unicode coverage: Latin, Greek, Cyrillic, and the accents pseudo-localization uses),
    where the system has it; LibreOffice pulls it in on Debian. None: not installed."""
    for place in _KNOWN_PLACES:
        if place.is_file():
            return place
    matcher = shutil.which("fc-match")
    if matcher is None:
        return None
    found = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        [matcher, "-f", "%{file}", "DejaVu Sans:style=Book"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return Path(found) if found.endswith(".ttf") and Path(found).is_file() else None
