"""What to do about translations that already exist, decided before anything is submitted.

The service never overwrites: an existing target fails the document with `TargetFileAlreadyExists`
(api-facts §9.1). So the policy is applied here, up front, against the target container's listing:

- `skip` (default): an output made from the same source content (MD5 in its metadata) is kept and the
  document is not sent again; an output made from older content is replaced;
- `overwrite`: existing outputs are deleted and translated again;
- `version`: outputs go under a new version folder, so nothing existing is touched;
- `fail`: stop before submitting, listing every conflict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from doctranslate.errors import TargetsExistError
from doctranslate.pipeline.manifests import CompactedManifest, made_from, vouches
from doctranslate.pipeline.request import OnExisting
from doctranslate.pipeline.scan import SourceDocument
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.names import (
    SOURCE_MD5_METADATA,
    compacted_manifest_blob_name,
    is_manifest,
    is_state,
    target_blob_name,
    under,
)


@dataclass(frozen=True)
class Pair:
    """One document into one language: the unit the service counts and charges."""

    document: SourceDocument
    language: str
    target: str


@dataclass
class ExistingDecision:
    translate: list[Pair] = field(default_factory=list)
    already_done: list[Pair] = field(default_factory=list)
    delete_first: list[Pair] = field(default_factory=list)


def existing_outputs(account: StorageAccount, container: str, root: str) -> dict[str, Mapping[str, str]]:
    """The job's outputs in storage, each with the source MD5 it was made from when that is known: one
    listing finds outputs and manifests together, and the compacted manifest holds the rest."""
    blobs = list(account.list_blobs(container, under(root, "")))
    manifests = [(b, account.read_blob(container, b.name)) for b in blobs if is_manifest(root, b.name)]
    compacted = CompactedManifest.parse(account.read_blob(container, compacted_manifest_blob_name(root)))
    return made_from((b for b in blobs if not is_state(root, b.name)), vouches(manifests, compacted.outputs))


def decide(
    documents: Sequence[SourceDocument],
    languages: Sequence[str],
    existing: Mapping[str, Mapping[str, str]],
    policy: OnExisting,
    *,
    root: str,
    version: str | None = None,
) -> ExistingDecision:
    """Sort every document x language into translate / already done / delete then translate.

    `existing` maps target blob names to their metadata (from one listing of the target container).
    """
    decision = ExistingDecision()
    conflicts: list[str] = []
    for language in languages:
        for document in documents:
            name = target_blob_name(
                root, language, document.relative_path, version if policy is OnExisting.VERSION else None
            )
            pair = Pair(document, language, name)
            metadata = existing.get(name)
            if metadata is None:
                decision.translate.append(pair)
            elif policy is OnExisting.FAIL:
                conflicts.append(name)
            elif policy is OnExisting.SKIP and metadata.get(SOURCE_MD5_METADATA) == document.md5:
                decision.already_done.append(pair)
            else:  # overwrite, a stale output under skip, or (unlikely) a clash inside a fresh version folder
                decision.delete_first.append(pair)
                decision.translate.append(pair)
    if conflicts:
        raise targets_exist(conflicts, where=" in the target container", sent="submitted")
    return decision


def targets_exist(conflicts: Sequence[str], *, where: str, sent: str) -> TargetsExistError:
    """The `fail` policy's error: how many outputs exist, the first ten, and that nothing was `sent`."""
    shown = ", ".join(conflicts[:10]) + (f" and {len(conflicts) - 10} more" if len(conflicts) > 10 else "")
    return TargetsExistError(
        f"{len(conflicts)} translation(s) already exist{where}: {shown}",
        hint=f"nothing was {sent}; re-run with --on-existing skip, overwrite or version",
    )
