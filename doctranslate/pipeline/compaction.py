"""Fold a job's batch manifests into one compacted manifest, so planning reads a bounded number of blobs.

Safe with any number of workers doing it at once, and with followers still writing manifests:
- the compacted manifest is written only if it is unchanged since it was read (ETag `If-Match`, or
  `If-None-Match: *` for the first one); a worker that loses the race leaves it to the next run;
- a batch manifest is deleted only if it is unchanged since it was folded in (`If-Match` its ETag): one a
  resumed follow rewrote meanwhile stays, and is folded next time.
Folding the manifest of a batch another worker is still gathering loses nothing: what it had recorded is in
the compacted manifest, and what it records next lands in a new batch manifest, read beside it.
"""

from __future__ import annotations

import logging
from typing import Final

from doctranslate.pipeline.manifests import CompactedManifest, vouches
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.names import compacted_manifest_blob_name, is_manifest, state_prefix

logger = logging.getLogger("doctranslate.pipeline.compaction")

COMPACT_AFTER: Final = 8
"""Batch manifests a job may gather before they are folded: planning reads at most about this many more."""


def compact_manifests(account: StorageAccount, container: str, root: str, *, threshold: int = COMPACT_AFTER) -> int:
    """Fold the job's batch manifests into the compacted one once there are `threshold` of them; returns how
    many were folded and deleted."""
    manifests = [b for b in account.list_blobs(container, state_prefix(root)) if is_manifest(root, b.name)]
    if len(manifests) < threshold:
        return 0
    name = compacted_manifest_blob_name(root)
    found = account.read_blob_tagged(container, name)
    earlier = CompactedManifest.parse(found[0] if found else None)
    read = [(blob, account.read_blob(container, blob.name)) for blob in manifests]
    compacted = CompactedManifest(outputs=vouches(read, earlier.outputs))
    written = account.write_blob_if(
        container, name, compacted.model_dump_json().encode(), etag=found[1] if found else None
    )
    if not written:
        logger.info(
            "another worker compacted the manifests under %s/%s meanwhile; leaving it to the next run", container, root
        )
        return 0
    folded = sum(account.delete_blob_if(container, blob.name, etag=f'"{blob.etag}"') for blob in manifests)
    logger.info("folded %d of %d batch manifest(s) under %s/%s into one", folded, len(manifests), container, root)
    return folded
