"""Which source content each translation in storage was made from: one manifest per batch, not a write per file.

After downloading a batch's translations, the follower writes `<job>/.doctranslate/<batch key>.json` in
the target container, mapping each output it gathered to its source's MD5. The next run's plan reads
the manifests beside the outputs (one listing finds both) and keeps an output only if its source is
unchanged. Stamping each output's metadata instead cost one more storage write per document: on the
local stack that doubled the requests of gathering (bench/RESULTS.md, docs/performance.md).

An output newer than the manifest that names it was rewritten afterwards by something else, so the
manifest does not vouch for it. Outputs stamped by earlier versions (metadata) are still honoured.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime

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
    if content is None:
        return {}
    try:
        return BatchManifest.model_validate(json.loads(content)).outputs
    except (ValueError, ValidationError):
        return {}


def made_from(
    outputs: Iterable[BlobInfo], manifests: Iterable[tuple[BlobInfo, bytes | None]]
) -> dict[str, Mapping[str, str]]:
    """Each output's metadata, with the source MD5 filled in from the newest manifest that vouches for it.

    A manifest that cannot be read is ignored (its outputs are then translated again, never kept wrongly).
    """
    vouched: dict[str, tuple[datetime, str]] = {}
    for blob, content in manifests:
        written = blob.last_modified
        if written is None:
            continue
        for output, md5 in recorded_outputs(content).items():
            if output not in vouched or vouched[output][0] < written:
                vouched[output] = (written, md5)
    result: dict[str, Mapping[str, str]] = {}
    for blob in outputs:
        metadata = dict(blob.metadata)
        claim = vouched.get(blob.name)
        if claim is not None and blob.last_modified is not None and blob.last_modified <= claim[0]:
            metadata.setdefault(SOURCE_MD5_METADATA, claim[1])
        result[blob.name] = metadata
    return result
