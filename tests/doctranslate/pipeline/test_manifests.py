"""What a run may keep: outputs vouched for by the newest manifest naming them, or stamped by older versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from doctranslate.pipeline.manifests import (
    MADE_AT,
    MADE_BY_BATCH,
    BatchManifest,
    Vouch,
    encode,
    made_from,
    recorded_outputs,
    vouches,
)
from doctranslate.storage.blobs import BlobInfo
from doctranslate.storage.names import (
    SOURCE_MD5_METADATA,
    compacted_manifest_blob_name,
    is_manifest,
    manifest_blob_name,
    submission_blob_name,
)

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def output(name: str, written: datetime, metadata: dict[str, str] | None = None) -> BlobInfo:
    return BlobInfo(name, 10, metadata or {}, last_modified=written)


def manifest(key: str, written: datetime, outputs: dict[str, str]) -> tuple[BlobInfo, bytes]:
    blob = BlobInfo(manifest_blob_name("docs", key), 100, {}, last_modified=written)
    return blob, encode(BatchManifest(batch_id=f"id-{key}", outputs=outputs))


def test_an_output_written_before_its_manifest_gets_the_source_md5() -> None:
    known = made_from(
        [output("docs/fr/a.txt", T0)], vouches([manifest("k1", T0 + timedelta(seconds=3), {"docs/fr/a.txt": "m1"})])
    )
    made = {MADE_AT: T0.isoformat(), MADE_BY_BATCH: "id-k1"}  # when and by which batch: for the report
    assert known == {"docs/fr/a.txt": {SOURCE_MD5_METADATA: "m1"} | made}


def test_an_output_rewritten_after_its_manifest_is_not_vouched_for() -> None:
    known = made_from(
        [output("docs/fr/a.txt", T0 + timedelta(minutes=5))], vouches([manifest("k1", T0, {"docs/fr/a.txt": "m1"})])
    )
    assert known == {"docs/fr/a.txt": {}}


def test_the_newest_manifest_naming_an_output_wins() -> None:
    manifests = [
        manifest("new", T0 + timedelta(minutes=10), {"docs/fr/a.txt": "m2"}),
        manifest("old", T0 + timedelta(minutes=1), {"docs/fr/a.txt": "m1"}),
    ]
    known = made_from([output("docs/fr/a.txt", T0 + timedelta(minutes=9))], vouches(manifests))
    assert known["docs/fr/a.txt"][SOURCE_MD5_METADATA] == "m2"


def test_a_stamp_from_an_earlier_version_is_kept_and_a_broken_manifest_is_ignored() -> None:
    broken = (BlobInfo(manifest_blob_name("docs", "bad"), 3, {}, last_modified=T0 + timedelta(hours=1)), b"{not json")
    outputs = [output("docs/fr/a.txt", T0, {SOURCE_MD5_METADATA: "stamped"}), output("docs/de/a.txt", T0)]
    known = made_from(outputs, vouches([broken, manifest("k1", T0 + timedelta(seconds=1), {"docs/fr/a.txt": "other"})]))
    assert known == {"docs/fr/a.txt": {SOURCE_MD5_METADATA: "stamped"}, "docs/de/a.txt": {}}


def test_manifests_live_apart_from_outputs_and_other_state() -> None:
    assert is_manifest("docs", manifest_blob_name("docs", "abc"))
    assert not is_manifest("docs", "docs/fr/report.json")
    assert not is_manifest("other", manifest_blob_name("docs", "abc"))
    assert not is_manifest("docs", submission_blob_name("docs", "abc"))
    assert not is_manifest("docs", compacted_manifest_blob_name("docs"))


def test_a_batch_manifest_newer_than_the_compacted_one_wins_and_an_older_one_does_not() -> None:
    compacted = {"docs/fr/a.txt": Vouch(md5="old", at=T0 + timedelta(minutes=5))}
    newer = vouches([manifest("k2", T0 + timedelta(minutes=9), {"docs/fr/a.txt": "new"})], compacted)
    older = vouches([manifest("k1", T0, {"docs/fr/a.txt": "older"})], compacted)
    assert (newer["docs/fr/a.txt"].md5, older["docs/fr/a.txt"].md5) == ("new", "old")


def test_a_resumed_follow_starts_from_what_the_interrupted_one_recorded() -> None:
    _, earlier = manifest("k1", T0, {"docs/fr/a.txt": "m1"})
    assert recorded_outputs(earlier) == {"docs/fr/a.txt": "m1"}
    assert recorded_outputs(None) == {}
    assert recorded_outputs(b"{broken") == {}
