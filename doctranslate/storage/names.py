"""Every name doctranslate gives a blob, in one place: staged sources and glossaries, translations, the
manifests that vouch for them, and the metadata key that records what a blob was made from.

A job's blobs all live under `<job>/`, so two jobs sharing containers never touch each other's work:
- source container: `<job>/<relative path>` and `<job>/.glossaries/<md5 prefix>/<file name>`;
- target container: `<job>/<language>/[<version>/]<relative path>` and `<job>/.doctranslate/<batch key>.json`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final
from urllib.parse import quote

SOURCE_MD5_METADATA: Final = "doctranslatemd5"
"""Metadata on staged sources (and on outputs of earlier versions): the MD5 of the local file."""

MANIFEST_FOLDER: Final = ".doctranslate"


def quote_blob(name: str) -> str:
    """A blob name as a URL path: every character escaped except the folder separators."""
    return quote(name, safe="/")


def source_blob_name(job: str, relative_path: str) -> str:
    return f"{job}/{relative_path}"


def glossary_blob_name(job: str, md5: str, file_name: str) -> str:
    """Named by content, so a changed glossary is a new blob and never replaces one a running batch reads."""
    return f"{job}/.glossaries/{md5[:16]}/{file_name}"


def target_blob_name(job: str, language: str, relative_path: str, version: str | None = None) -> str:
    """Where a translation lands in the target container: `{job}/{lang}/{relative path}` (or under a version).

    The job keeps jobs apart: two jobs with a `readme.md` each, sharing a target container, would
    otherwise take turns replacing (and paying for) each other's translation."""
    return f"{job}/{language}/{version}/{relative_path}" if version else f"{job}/{language}/{relative_path}"


def manifest_blob_name(job: str, batch_key: str) -> str:
    return f"{job}/{MANIFEST_FOLDER}/{batch_key}.json"


def is_manifest(job: str, blob_name: str) -> bool:
    return blob_name.startswith(f"{job}/{MANIFEST_FOLDER}/") and blob_name.endswith(".json")


def blob_path_under(root: Path, blob_name: str) -> Path | None:
    """Where a blob lands under the local folder `root`, or None when its name would climb out of it
    (`..`, absolute) or fold onto another blob's file (`a//b`, `./`)."""
    parts = blob_name.replace("\\", "/").split("/")  # by hand: PurePosixPath would fold `a//b` into `a/b`
    if any(part in ("", ".", "..") for part in parts):  # also catches a leading `/`
        return None
    return root.joinpath(*parts)
