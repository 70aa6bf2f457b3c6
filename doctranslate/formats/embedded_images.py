"""Pictures embedded in .docx and .pptx: what `options.translateTextWithinImage` scans and charges per image.

The service reads text in images of these two formats only (batch only). Estimates count the pictures of a
local document to price them; the local service counts them as scanned and charged, reads no text from them
(no OCR runs: `imageCharacterDetected` stays 0) and keeps them as they are.
"""

from __future__ import annotations

import io
import zipfile
from typing import Final

IMAGE_TEXT_FORMATS: Final = {".docx": "word/media/", ".pptx": "ppt/media/"}
_PICTURES: Final = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".emf", ".wmf")


def images_scanned(name: str, data: bytes) -> int:
    """Pictures embedded in a .docx or .pptx; 0 for any other format (the service scans no others)."""
    folder = next((media for suffix, media in IMAGE_TEXT_FORMATS.items() if name.lower().endswith(suffix)), None)
    if folder is None:
        return 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return sum(
                1 for entry in package.namelist() if entry.startswith(folder) and entry.lower().endswith(_PICTURES)
            )
    except zipfile.BadZipFile:
        return 0
