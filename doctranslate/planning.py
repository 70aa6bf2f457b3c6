"""From local folders to batches the service will accept: scan, pre-flight, split, name the outputs.

Every document is checked before anything is submitted (supported extension, size, not empty,
readable, inside its source folder) and every skip has a reason. Batches respect all service limits at
once (1,000 documents, 250 MB, 10 target languages) and are identified by their content, so the same
work planned twice gets the same batch key: that key is what makes submitting idempotent.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

from doctranslate.errors import BadInputError
from doctranslate.local.formats import document_format_for

MAX_DOCUMENT_BYTES: Final = 40 * 1024 * 1024
MAX_BATCH_DOCUMENTS: Final = 1000
MAX_BATCH_BYTES: Final = 250 * 1024 * 1024
MAX_BATCH_LANGUAGES: Final = 10
_READ_CHUNK: Final = 1024 * 1024


class Limits(BaseModel):
    model_config = ConfigDict(frozen=True)

    documents: int = Field(MAX_BATCH_DOCUMENTS, ge=1, le=MAX_BATCH_DOCUMENTS)
    bytes: int = Field(MAX_BATCH_BYTES, ge=1, le=MAX_BATCH_BYTES)
    languages: int = Field(MAX_BATCH_LANGUAGES, ge=1, le=MAX_BATCH_LANGUAGES)
    document_bytes: int = Field(MAX_DOCUMENT_BYTES, ge=1, le=MAX_DOCUMENT_BYTES)


class SourceDocument(BaseModel):
    """One local file to translate; `relative_path` (POSIX) names it everywhere after the scan."""

    model_config = ConfigDict(frozen=True)

    relative_path: str
    local_path: Path
    size: int
    md5: str


class SkippedDocument(BaseModel):
    model_config = ConfigDict(frozen=True)

    relative_path: str
    reason: str


class Scan(BaseModel):
    documents: list[SourceDocument]
    skipped: list[SkippedDocument]


class PlannedBatch(BaseModel):
    """Documents and languages that go to the service together, named by what they contain."""

    model_config = ConfigDict(frozen=True)

    key: str
    documents: list[SourceDocument]
    languages: list[str]

    @property
    def total_bytes(self) -> int:
        return sum(d.size for d in self.documents)


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
) -> Scan:
    """Find and pre-flight every document under `sources` (folders, recursively, or single files).

    `hashed=False` skips reading whole files (MD5), for a quick check before a run starts.
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
            reason = _preflight(path, root if source.is_dir() else root.parent, limits)
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


def _preflight(path: Path, root: Path, limits: Limits) -> str | None:
    """Why this file cannot be translated, or None when it can."""
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(root):
            return f"symbolic link to {target}, outside the source folder; not followed"
    if document_format_for(path.name) is None:
        return f"unsupported file type {path.suffix or '(no extension)'}; the service would skip it silently"
    try:
        size = path.stat().st_size
        with path.open("rb") as probe:
            probe.read(1)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if size == 0:
        return "empty file; the service would fail it with NoTranslatableText"
    if size > limits.document_bytes:
        return f"{size / 1024 / 1024:.1f} MB is over the service's {limits.document_bytes // 1024 // 1024} MB limit"
    return None


def plan_batches(
    documents: Sequence[SourceDocument], languages: Sequence[str], *, context: str = "", limits: Limits | None = None
) -> list[PlannedBatch]:
    """Split into batches within every limit at once; `context` (glossaries, target layout) joins the key."""
    limits = limits or Limits()
    language_groups = [list(languages[i : i + limits.languages]) for i in range(0, len(languages), limits.languages)]
    document_groups: list[list[SourceDocument]] = []
    current: list[SourceDocument] = []
    current_bytes = 0
    for document in sorted(documents, key=lambda d: d.relative_path):
        if current and (len(current) == limits.documents or current_bytes + document.size > limits.bytes):
            document_groups.append(current)
            current, current_bytes = [], 0
        current.append(document)
        current_bytes += document.size
    if current:
        document_groups.append(current)
    return [
        PlannedBatch(key=batch_key(group, langs, context), documents=group, languages=langs)
        for langs in language_groups
        for group in document_groups
    ]


def batch_key(documents: Sequence[SourceDocument], languages: Sequence[str], context: str) -> str:
    """The business identity of a batch: which content, into which languages, under which settings."""
    identity = {
        "documents": sorted((d.relative_path, d.md5) for d in documents),
        "languages": sorted(languages),
        "context": context,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:32]


def target_blob_name(job: str, language: str, relative_path: str, version: str | None = None) -> str:
    """Where a translation lands in the target container: `{job}/{lang}/{relative path}` (or under a version).

    The job keeps jobs apart: two jobs with a `readme.md` each, sharing a target container, would
    otherwise take turns replacing (and paying for) each other's translation."""
    return f"{job}/{language}/{version}/{relative_path}" if version else f"{job}/{language}/{relative_path}"
