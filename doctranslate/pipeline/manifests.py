"""Which source content each translation in storage was made from: one manifest per batch, not a write per file.

After downloading a batch's translations, the follower writes `<job>/.doctranslate/<batch key>.json` in
the target container, mapping each output it gathered to its source's MD5. The next run's plan reads
the manifests beside the outputs (one listing finds both) and keeps an output only if its source is
unchanged. Stamping each output's metadata instead cost one more storage write per document: on the
local stack that doubled the requests of gathering (bench/RESULTS.md, docs/performance.md).

An output newer than the manifest that names it was rewritten afterwards by something else, so the
manifest does not vouch for it. Outputs stamped by earlier versions (metadata) are still honoured.

Manifests accumulate, one per batch; `compaction` folds those of finished batches into one compacted
manifest, so a plan reads a bounded number of state objects however many runs came before.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Final

from pydantic import BaseModel, Field, ValidationError

from doctranslate.storage.blobs import BlobInfo
from doctranslate.storage.names import SOURCE_MD5_METADATA


class BatchManifest(BaseModel):
    batch_id: str
    outputs: dict[str, str] = Field(description="Output blob name to the MD5 of the source it was made from.")


def encode(manifest: BatchManifest) -> bytes:
    return manifest.model_dump_json().encode()


def recorded_outputs(content: bytes | None) -> dict[str, str]:
    """The outputs an earlier follow of the same batch recorded (a resumed run keeps them: it downloads only
    the rest, and must not drop what it did not download again from the manifest)."""
    manifest = _manifest(content)
    return manifest.outputs if manifest is not None else {}


def _manifest(content: bytes | None) -> BatchManifest | None:
    if content is None:
        return None
    try:
        return BatchManifest.model_validate(json.loads(content))
    except (ValueError, ValidationError):
        return None


MADE_AT: Final = "doctranslate:made-at"
MADE_BY_BATCH: Final = "doctranslate:made-by-batch"
"""Keys `made_from` adds beside an output's metadata (never written to storage): when it was written and by
which batch, so a re-run's report says where and when each up-to-date translation was made."""


class Vouch(BaseModel):
    """An output was made from the source whose MD5 is `md5`, as recorded at `at` (the manifest's write)."""

    md5: str
    at: datetime
    batch: str | None = None  # the batch that made it (None in compacted manifests written before it was kept)


class CompactedManifest(BaseModel):
    """The manifests of finished batches folded into one (`storage.names.compacted_manifest_blob_name`)."""

    outputs: dict[str, Vouch] = Field(default_factory=dict)

    @classmethod
    def parse(cls, content: bytes | None) -> CompactedManifest:
        try:
            return cls.model_validate_json(content) if content else cls()
        except (ValueError, ValidationError):
            return cls()  # unreadable: its outputs are translated again, never kept wrongly


def vouches(
    manifests: Iterable[tuple[BlobInfo, bytes | None]], earlier: Mapping[str, Vouch] | None = None
) -> dict[str, Vouch]:
    """What the manifests (on top of `earlier`, the compacted ones) vouch for: for each output, the newest claim.

    A manifest that cannot be read is ignored (its outputs are then translated again, never kept wrongly).
    """
    vouched = dict(earlier or {})
    for blob, content in manifests:
        written = blob.last_modified
        if written is None:
            continue
        manifest = _manifest(content)
        if manifest is None:
            continue
        for output, md5 in manifest.outputs.items():
            if output not in vouched or vouched[output].at < written:
                vouched[output] = Vouch(md5=md5, at=written, batch=manifest.batch_id)
    return vouched


def made_from(outputs: Iterable[BlobInfo], vouched: Mapping[str, Vouch]) -> dict[str, Mapping[str, str]]:
    """Each output's metadata, with the source MD5 filled in when a manifest vouches for it and the output was
    not rewritten after that manifest."""
    result: dict[str, Mapping[str, str]] = {}
    for blob in outputs:
        metadata = dict(blob.metadata)
        claim = vouched.get(blob.name)
        if claim is not None and blob.last_modified is not None and blob.last_modified <= claim.at:
            metadata.setdefault(SOURCE_MD5_METADATA, claim.md5)
            if metadata[SOURCE_MD5_METADATA] == claim.md5:  # the claim is the output's own story
                metadata[MADE_AT] = blob.last_modified.isoformat()
                if claim.batch:
                    metadata[MADE_BY_BATCH] = claim.batch
        result[blob.name] = metadata
    return result
