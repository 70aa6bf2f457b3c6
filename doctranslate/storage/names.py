"""Every name doctranslate gives a blob, in one place: staged sources and glossaries, translations, the
manifests that vouch for them, and the metadata key that records what a blob was made from.

A job's staged blobs live under `<job>/` in the source container. Its outputs live under an *output root* in
the target container: the job's name by default, or the prefix of `--out az://<container>/<prefix>` ("" is
the container's top). The root mirrors a local `--out` folder, so two jobs sharing a container never touch
each other's work:
- source container: `<job>/<relative path>` and `<job>/.glossaries/<md5 prefix>/<file name>`;
- target container: `<root>/<language>/[<version>/]<relative path>`, the run's report as
  `<root>/report.json|md`, and the job's state under `<root>/.doctranslate/`: `<batch key>.json` (which
  source content each output was made from), `compacted/outputs.json` (the same for batches whose manifests
  were folded) and `submissions/<batch key>.json` (each batch's submission record, the fleet's exactly-once).
"""

from __future__ import annotations

import hashlib
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


def under(root: str, name: str) -> str:
    """`name` inside an output root; the root "" is the container's top."""
    return f"{root}/{name}" if root else name


def target_blob_name(root: str, language: str, relative_path: str, version: str | None = None) -> str:
    """Where a translation lands in the target container: `<root>/<lang>/<relative path>` (or under a version).

    The root keeps jobs apart: two jobs with a `readme.md` each, sharing a target container, would
    otherwise take turns replacing (and paying for) each other's translation."""
    return under(root, f"{language}/{version}/{relative_path}" if version else f"{language}/{relative_path}")


def manifest_blob_name(root: str, batch_key: str) -> str:
    return f"{state_prefix(root)}{batch_key}.json"


def compacted_manifest_blob_name(root: str) -> str:
    """The manifests of finished batches, folded into one (`pipeline.compaction`)."""
    return f"{state_prefix(root)}compacted/outputs.json"


def report_blob_name(root: str, extension: str) -> str:
    """The latest run report (`json` or `md`) beside the translations, as in a local `--out` folder."""
    return under(root, f"report.{extension}")


def submission_blob_name(root: str, batch_key: str) -> str:
    return f"{state_prefix(root)}submissions/{batch_key}.json"


def state_prefix(root: str) -> str:
    """Where the job's own state lives: list this prefix to find it without listing every translation."""
    return under(root, f"{MANIFEST_FOLDER}/")


def is_state(root: str, blob_name: str) -> bool:
    """Whether the blob is the job's own state (manifests, submission records), not a translation."""
    return blob_name.startswith(state_prefix(root))


def is_manifest(root: str, blob_name: str) -> bool:
    rest = blob_name.removeprefix(state_prefix(root))
    return is_state(root, blob_name) and "/" not in rest and rest.endswith(".json")


def watch_mark_blob_name(container: str, prefix: str) -> str:
    """In doctranslate's state container: how far the watcher of `container` (under `prefix`) has reported."""
    suffix = f"-{hashlib.sha256(prefix.encode()).hexdigest()[:8]}" if prefix else ""
    return f"{MANIFEST_FOLDER}/watch/{container}{suffix}.json"
