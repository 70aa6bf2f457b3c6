"""Find the documents of a run's sources (local folders, or blobs already in storage) and pre-flight each
one before anything is submitted.

Every document is checked (supported extension, size, not empty, readable, inside its source folder)
and every skip has a reason, so the report can say why a file was not translated instead of the service
skipping it silently.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Final, Protocol

from pydantic import BaseModel, ConfigDict, Field

from doctranslate.errors import BadInputError
from doctranslate.formats.image import MAX_IMAGE_BYTES, is_image
from doctranslate.pipeline.limits import Limits
from doctranslate.storage.blobs import BlobInfo
from doctranslate.storage.locations import StorageLocation, blob_name_problem
from doctranslate.wire.catalogue import document_format_for

_READ_CHUNK: Final = 1024 * 1024


class SourceDocument(BaseModel):
    """One document to translate; `relative_path` (POSIX) names it everywhere after the scan.

    A local file has a `local_path` and is staged; a blob already in storage has its `container` (its
    `relative_path` is then its blob name) and is translated where it is, never read or written by us.
    """

    model_config = ConfigDict(frozen=True)

    relative_path: str
    local_path: Path | None = None
    container: str | None = None
    size: int
    md5: str

    @property
    def in_storage(self) -> bool:
        return self.container is not None


class StorageReader(Protocol):
    """What planning reads of the storage account (`storage.account.StorageAccount`): listings of sources
    already in storage, and glossaries kept there."""

    url: str

    def list_blobs(self, container: str, prefix: str = "") -> Iterable[BlobInfo]: ...

    def read_blob(self, container: str, blob: str) -> bytes | None: ...


class SkippedDocument(BaseModel):
    model_config = ConfigDict(frozen=True)

    relative_path: str
    reason: str


class Scan(BaseModel):
    documents: list[SourceDocument] = Field(default_factory=list)
    skipped: list[SkippedDocument] = Field(default_factory=list)

    def without(self, reasons: Mapping[str, str]) -> Scan:
        """The scan with the documents named in `reasons` moved to the skipped ones, each with its reason."""
        return Scan(
            documents=[d for d in self.documents if d.relative_path not in reasons],
            skipped=self.skipped + [SkippedDocument(relative_path=p, reason=r) for p, r in reasons.items()],
        )

    def merged(self, other: Scan) -> Scan:
        """Both scans; a document whose relative path another source already has is skipped (outputs collide)."""
        seen = {d.relative_path for d in self.documents}
        clashing = [d for d in other.documents if d.relative_path in seen]
        return Scan(
            documents=self.documents + [d for d in other.documents if d.relative_path not in seen],
            skipped=self.skipped
            + other.skipped
            + [
                SkippedDocument(relative_path=d.relative_path, reason="the same path also comes from another source")
                for d in clashing
            ],
        )


def file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as source:
        while chunk := source.read(_READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _matches(relative: str, patterns: Sequence[str]) -> bool:
    name = PurePosixPath(relative).name
    return any(fnmatch.fnmatchcase(relative, p) or fnmatch.fnmatchcase(name, p) for p in patterns)


def _walk(root: Path) -> Iterable[Path]:
    for folder, folders, files in os.walk(root, followlinks=False):
        folders.sort()
        for name in sorted(files):
            yield Path(folder) / name


def scan(
    sources: Sequence[Path],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    limits: Limits | None = None,
    hashed: bool = True,
    images: bool = False,
) -> Scan:
    """Find and pre-flight every document under `sources` (folders, recursively, or single files).

    `hashed=False` skips reading whole files (MD5), for a quick check before a run starts. Image files are
    documents only with `images` (`--translate-images`: they are charged per image).
    """
    limits = limits or Limits()
    documents: list[SourceDocument] = []
    skipped: list[SkippedDocument] = []
    seen: dict[str, Path] = {}
    for source in sources:
        if not source.exists():
            raise BadInputError(f"source {source} does not exist", hint="give an existing folder or file")
        root = source.resolve()
        paths = [source] if source.is_file() else list(_walk(source))
        for path in paths:
            relative = path.name if source.is_file() else path.relative_to(source).as_posix()
            if include and not _matches(relative, include):
                continue
            if exclude and _matches(relative, exclude):
                continue
            reason = _preflight(path, root if source.is_dir() else root.parent, limits, images)
            if reason is None and relative in seen:
                reason = f"the same relative path also comes from {seen[relative]}; outputs would collide"
            if reason is not None:
                skipped.append(SkippedDocument(relative_path=relative, reason=reason))
                continue
            seen[relative] = path
            documents.append(
                SourceDocument(
                    relative_path=relative,
                    local_path=path,
                    size=path.stat().st_size,
                    md5=file_md5(path) if hashed else "",
                )
            )
    return Scan(documents=documents, skipped=skipped)


def scan_blobs(
    source: StorageLocation,
    blobs: Iterable[BlobInfo],
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    limits: Limits | None = None,
    images: bool = False,
) -> Scan:
    """Pre-flight the blobs of a storage source from its listing alone: no byte is read.

    The content identity is the blob's Content-MD5 where storage keeps one, else its ETag (a blob written
    again counts as changed)."""
    limits = limits or Limits()
    documents: list[SourceDocument] = []
    skipped: list[SkippedDocument] = []
    for blob in blobs:
        if blob.name.endswith("/") or not blob.name.startswith(source.prefix):
            continue
        if (include and not _matches(blob.name, include)) or (exclude and _matches(blob.name, exclude)):
            continue
        reason = _blob_preflight(blob, limits, images)
        if reason is not None:
            skipped.append(SkippedDocument(relative_path=blob.name, reason=reason))
            continue
        md5 = blob.content_md5 or f"etag-{blob.etag}"
        documents.append(SourceDocument(relative_path=blob.name, container=source.container, size=blob.size, md5=md5))
    return Scan(documents=documents, skipped=skipped)


def _blob_preflight(blob: BlobInfo, limits: Limits, images: bool) -> str | None:
    named = blob_name_problem(blob.name)
    if named is not None:
        return f"{named}; it is left alone"
    return _format_problem(blob.name, images) or _size_problem(blob.name, blob.size, limits)


def _format_problem(name: str, images: bool) -> str | None:
    if document_format_for(name) is None:
        return f"unsupported file type {PurePosixPath(name).suffix or '(no extension)'}; the service would skip it"
    if is_image(name) and not images:
        return "an image file: translated (and charged per image) only with --translate-images"
    return None


def _size_problem(name: str, size: int, limits: Limits) -> str | None:
    if size == 0:
        return "empty file; the service would fail it with NoTranslatableText"
    if is_image(name) and size > MAX_IMAGE_BYTES:
        return (
            f"{size / 1024 / 1024:.1f} MB is over the service's {MAX_IMAGE_BYTES // 1024 // 1024} MB limit for an image"
        )
    if size > limits.document_bytes:
        return f"{size / 1024 / 1024:.1f} MB is over the service's {limits.document_bytes // 1024 // 1024} MB limit"
    return None


def _preflight(path: Path, root: Path, limits: Limits, images: bool) -> str | None:
    """Why this file cannot be translated, or None when it can."""
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return f"symbolic link to {target}, outside the source folder; not followed"
    problem = _format_problem(path.name, images)
    if problem is not None:
        return problem
    try:
        size = path.stat().st_size
        with path.open("rb") as probe:
            probe.read(1)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    return _size_problem(path.name, size, limits)
