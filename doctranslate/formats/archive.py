"""Office documents are zip archives: read them within hard limits, write them back changing only some parts.

Limits stop zip bombs before they cost memory or time: the number of entries, the declared and the
actual expanded size (a declared size can lie, so reading stops at the limit), and the compression ratio
of large entries. Names that climb out of the archive (`../`, absolute) mark a hostile file.
Rewriting keeps every entry's order, name, date, compression and attributes, so an ODF `mimetype`
stays first and stored, and the parts we do not touch are byte-for-byte the same once expanded.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from doctranslate.errors import DocumentFormatError

MAX_ENTRIES: Final = 10_000
MAX_EXPANDED_BYTES: Final = 512 * 1024 * 1024
MAX_RATIO: Final = 200  # expanded/compressed, checked for entries over RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES: Final = 10 * 1024 * 1024
_CHUNK: Final = 1024 * 1024


@dataclass(frozen=True)
class Archive:
    """The entries of a zip file, expanded, in their original order."""

    infos: tuple[zipfile.ZipInfo, ...]
    parts: Mapping[str, bytes]

    @classmethod
    def read(cls, data: bytes, *, what: str) -> Archive:
        try:
            source = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise DocumentFormatError(
                f"{what} is not a zip package, as this format must be (a password-protected file is not one)",
                hint="open it in its application, remove any password and save it again",
            ) from None
        with source:
            infos = tuple(source.infolist())
            _check_listing(infos, what)
            parts: dict[str, bytes] = {}
            budget = MAX_EXPANDED_BYTES
            for info in infos:
                parts[info.filename] = _expand(source, info, budget, what)
                budget -= len(parts[info.filename])
        return cls(infos, parts)

    def rewrite(self, changed: Mapping[str, bytes]) -> bytes:
        """The same archive with `changed` parts replaced."""
        sink = io.BytesIO()
        with zipfile.ZipFile(sink, "w") as target:
            for info in self.infos:
                copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copy.compress_type = info.compress_type
                copy.external_attr = info.external_attr
                copy.create_system = info.create_system
                copy.comment = info.comment
                copy.extra = info.extra
                target.writestr(copy, changed.get(info.filename, self.parts[info.filename]))
        return sink.getvalue()


def _check_listing(infos: tuple[zipfile.ZipInfo, ...], what: str) -> None:
    if len(infos) > MAX_ENTRIES:
        raise DocumentFormatError(f"{what} has {len(infos):,} archive entries, more than the {MAX_ENTRIES:,} allowed")
    declared = sum(info.file_size for info in infos)
    if declared > MAX_EXPANDED_BYTES:
        raise DocumentFormatError(
            f"{what} expands to {declared:,} bytes, more than the {MAX_EXPANDED_BYTES:,} allowed (a zip bomb?)"
        )
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
            raise DocumentFormatError(f"{what} contains an entry named {name!r} that points outside the archive")
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise DocumentFormatError(
                f"{what}: entry {name!r} expands {info.file_size // max(info.compress_size, 1):,} times "
                f"(more than {MAX_RATIO}x; a zip bomb?)"
            )


def _expand(source: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, what: str) -> bytes:
    """Expand one entry, stopping as soon as it exceeds what it declared or what is left of the budget."""
    limit = min(info.file_size, budget)
    out = bytearray()
    try:
        with source.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                out += chunk
                if len(out) > limit:
                    raise DocumentFormatError(
                        f"{what}: entry {info.filename!r} expands past its declared size or the "
                        f"{MAX_EXPANDED_BYTES:,}-byte limit (a zip bomb?)"
                    )
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise DocumentFormatError(f"{what}: archive entry {info.filename!r} cannot be read ({exc})") from None
    return bytes(out)
