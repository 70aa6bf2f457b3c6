"""Pictures for documents made by the tests: small PNGs of one colour."""

from __future__ import annotations

import io

from PIL import Image


def png(colour: str, size: tuple[int, int] = (120, 60)) -> io.BytesIO:
    """A PNG, as a file object ready to be read (python-docx's `add_picture` takes it as it is)."""
    sink = io.BytesIO()
    Image.new("RGB", size, colour).save(sink, format="PNG")
    sink.seek(0)
    return sink
