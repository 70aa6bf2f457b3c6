"""Documents that already live in Blob Storage, translated where they are (`az://container/prefix`): planned
from the listing, never staged, never read or written by doctranslate; one filter input where the batch is
exactly a prefix selection, inputs pointing at the blobs in place otherwise; translations kept in storage
(`--out az://container/prefix`, report beside them) or downloaded to a local `--out`. Request bodies are read
from the local service's own record of what it was sent."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from azure.core.exceptions import ResourceNotFoundError

from tests.pipeline.conftest import Pipeline

pytestmark = pytest.mark.e2e

BLOBS = {
    "guides/intro.md": b"# Intro\n\nRead this first.\n",
    "guides/faq.txt": b"Questions and answers.\n",
    "guides/deep/setup.html": b"<p>Set it <b>up</b></p>",
    "guides/setup.exe": b"MZ not a document",  # the service skips it too: the filter may still select guides/
    "notes/a.txt": b"A note.\n",
    "notes/empty.txt": b"",
}
GUIDES = ["guides/deep/setup.html", "guides/faq.txt", "guides/intro.md"]


def requests_received(pipeline: Pipeline) -> list[dict[str, object]]:
    with sqlite3.connect(Path(pipeline.service_options["state_dir"]) / "state.sqlite3") as db:
        return [json.loads(row[0]) for row in db.execute("SELECT request FROM batches ORDER BY seq")]


def fingerprints(pipeline: Pipeline, container: str) -> dict[str, str]:
    """Each source blob's ETag: unchanged means nobody wrote it."""
    client = pipeline.storage().service.get_container_client(container)
    return {blob.name: str(blob.etag) for blob in client.list_blobs()}


def kept(container: str) -> str:
    """Where a test keeps the translations of `container` in storage: `<container>-out/handbook/<language>/<blob
    name>`, the report as `handbook/report.*` beside them."""
    return f"az://{container}-out/handbook"


def translate(pipeline: Pipeline, source: str, out: str = "out", *options: str) -> dict[str, object]:
    finished = pipeline.run(source, "--to", "fr,de", "--out", out, "--job", "handbook", *options)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    if out.startswith("az://"):
        assert f"Report: {out}/report.md" in finished.stdout
        container = out.removeprefix("az://").split("/")[0]
        return json.loads(pipeline.storage().download(container, "handbook/report.json"))
    return json.loads((pipeline.work / "out" / "report.json").read_text())


def kept_in_storage(pipeline: Pipeline, container: str, language: str) -> dict[str, bytes]:
    """The translations of `container` into `language`, kept in storage, by source blob name."""
    storage, out, prefix = pipeline.storage(), f"{container}-out", f"handbook/{language}/"
    names = [name for name in storage.names(out) if name.startswith(prefix)]
    return {name.removeprefix(prefix): storage.download(out, name) for name in names}


def test_a_prefix_is_translated_in_place_with_the_services_filter_then_only_what_changed(pipeline: Pipeline) -> None:
    storage = pipeline.storage()
    container = f"docs-{uuid.uuid4().hex[:12]}"
    storage.service.create_container(container)
    storage.upload(container, BLOBS)
    before = fingerprints(pipeline, container)

    report = translate(pipeline, f"az://{container}/guides/", kept(container))

    (sent,) = requests_received(pipeline)
    (one_input,) = sent["inputs"]  # type: ignore[misc]
    assert one_input["source"]["filter"] == {"prefix": "guides/"}
    assert one_input["storageType"] == "Folder"
    assert f"/{container}-out/handbook/fr?" in json.dumps(one_input["targets"])
    for language in ("fr", "de"):
        outputs = kept_in_storage(pipeline, container, language)
        assert sorted(outputs) == GUIDES
        assert all(text.startswith((b"[", b"<", b"#")) for text in outputs.values())
    assert not (pipeline.work / "out").exists(), "kept in storage: nothing downloaded"
    succeeded = {(d["source"], d["language"]): d["output"] for d in report["documents"]}  # type: ignore[index, attr-defined]
    assert succeeded[("guides/faq.txt", "de")] == f"{kept(container)}/de/guides/faq.txt"
    assert {s["source"] for s in report["skipped_files"]} == {"guides/setup.exe"}  # type: ignore[index]
    assert "handbook/report.md" in storage.names(f"{container}-out")
    assert fingerprints(pipeline, container) == before, "no source blob was written"
    with pytest.raises(ResourceNotFoundError):
        storage.names(pipeline.env["DOCTRANSLATE_SOURCE_CONTAINER"])  # nothing was staged

    rerun = translate(pipeline, f"az://{container}/guides/", kept(container))
    assert len(requests_received(pipeline)) == 1, "a re-run submits nothing"
    assert rerun["summary"]["already_translated"] == 6  # type: ignore[index]
    assert {d["output"] for d in rerun["documents"]} == set(succeeded.values()), "the report still says where"  # type: ignore[attr-defined]

    storage.upload(container, {"guides/faq.txt": b"Questions, answers, and more.\n"})
    translate(pipeline, f"az://{container}/guides/", kept(container))
    again = requests_received(pipeline)[-1]
    assert len(requests_received(pipeline)) == 2
    sources = [i["source"]["sourceUrl"].split("?")[0] for i in again["inputs"]]  # type: ignore[index, union-attr]
    assert sources == [f"{storage.base}/{container}/guides/faq.txt"], "the changed blob alone, where it is"
    assert kept_in_storage(pipeline, container, "de")["guides/faq.txt"].count(b"~") > 0


def test_a_prefix_with_a_blob_the_service_would_fail_gets_one_input_per_blob(pipeline: Pipeline) -> None:
    storage = pipeline.storage()
    container = f"docs-{uuid.uuid4().hex[:12]}"
    storage.service.create_container(container)
    storage.upload(container, BLOBS)

    report = translate(pipeline, f"az://{container}/notes/")

    (sent,) = requests_received(pipeline)
    assert [i["storageType"] for i in sent["inputs"]] == ["File"]  # type: ignore[index, union-attr]
    assert (pipeline.work / "out" / "fr" / "notes/a.txt").is_file()
    assert {s["source"] for s in report["skipped_files"]} == {"notes/empty.txt"}  # type: ignore[index]


def container_of_1500(pipeline: Pipeline) -> tuple[str, int]:
    """small/: 300 documents and 5 programs (one folder the filter selects); large/: 1,100 (more than a batch);
    mixed/: 93, one empty, one over 40 MB (the filter would pick those up, so it cannot be used there)."""
    storage = pipeline.storage()
    container = f"docs-{uuid.uuid4().hex[:12]}"
    storage.service.create_container(container)
    kinds = ("txt", "md", "html")
    blobs = {f"small/s{i:03}.{kinds[i % 3]}": f"Small document {i}.".encode() for i in range(300)}
    blobs |= {f"small/tool{i}.exe": b"MZ" for i in range(5)}
    blobs |= {f"large/part-{i // 100}/l{i:04}.txt": f"Large set, document {i}.".encode() for i in range(1100)}
    blobs |= {f"mixed/m{i:02}.md": f"# Mixed {i}".encode() for i in range(93)}
    blobs |= {"mixed/empty.txt": b"", "mixed/huge.txt": b"x" * (41 * 1024 * 1024)}
    assert len(blobs) == 1500
    storage.upload(container, blobs)
    return container, 300 + 1100 + 93


def test_1500_blobs_under_nested_prefixes_are_translated_in_place(pipeline: Pipeline) -> None:
    container, translatable = container_of_1500(pipeline)
    before = fingerprints(pipeline, container)
    # Every request our command makes is logged (redacted): what it read and wrote can be counted.
    pipeline.env |= {"DOCTRANSLATE_LOG_HTTP": "true", "PREFECT_LOGGING_EXTRA_LOGGERS": "doctranslate,httpx,azure"}

    # QA off: QA reads each source and output once to compare them (the other tests keep it on); here what is
    # counted is what translating in place costs.
    report = translate(pipeline, f"az://{container}/", kept(container), "--qa", "off")

    bodies = requests_received(pipeline)
    inputs = [i for body in bodies for i in body["inputs"]]  # type: ignore[attr-defined]
    assert all(len(b["inputs"]) <= 1000 for b in bodies)  # type: ignore[arg-type]
    filtered = [i for i in inputs if i["storageType"] == "Folder"]
    assert [i["source"]["filter"] for i in filtered] == [{"prefix": "small/"}], "the filter where it fits"
    in_place = [i["source"]["sourceUrl"].split("?")[0] for i in inputs if i not in filtered]
    per_blob = {url.rsplit(f"/{container}/", 1)[1] for url in in_place}
    assert len(per_blob) == translatable - 300 and not any(name.startswith("small/") for name in per_blob)
    assert {"mixed/empty.txt", "mixed/huge.txt"} <= {s["source"] for s in report["skipped_files"]}  # type: ignore[index]
    for language in ("fr", "de"):
        assert len(kept_in_storage(pipeline, container, language)) == translatable
    assert report["summary"]["succeeded"] == 2 * translatable  # type: ignore[index]
    assert fingerprints(pipeline, container) == before
    log = pipeline.logs[-1].splitlines()
    listings = [line for line in log if "Request URL" in line and f"/{container}?" in line]
    assert listings, "the HTTP log is on: the listing of the source container must show in it"
    blob_requests = [line for line in log if f"/{container}/" in line]  # a read or a write names the blob
    assert blob_requests == [], "doctranslate itself only lists the source container"
    assert not [line for line in log if "Request URL" in line and f"/{container}-out/handbook/fr/" in line], (
        "the translations were not downloaded either"
    )


def test_a_glossary_in_storage_is_checked_and_used_where_it_is(pipeline: Pipeline) -> None:
    storage = pipeline.storage()
    container = f"docs-{uuid.uuid4().hex[:12]}"
    storage.service.create_container(container)
    storage.upload(
        container, {"guides/a.txt": b"Contoso ships documents.\n", "terms/terms.fr.csv": b"Contoso,Kontoso\n"}
    )

    finished = pipeline.run(
        f"az://{container}/guides/",
        "--to",
        "fr,de",
        "--glossary",
        f"az://{container}/terms/terms.fr.csv",
        "--out",
        "out",
    )

    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    (sent,) = requests_received(pipeline)
    glossaries = {t["language"]: t.get("glossaries") for i in sent["inputs"] for t in i["targets"]}  # type: ignore[attr-defined]
    assert glossaries["de"] is None, "terms.fr.csv is for French only"
    assert glossaries["fr"][0]["glossaryUrl"].split("?")[0].endswith(f"/{container}/terms/terms.fr.csv")
    assert (pipeline.work / "out" / "fr" / "guides/a.txt").read_text().startswith("[fr: Kontoso "), "the term, verbatim"
    with pytest.raises(ResourceNotFoundError):
        storage.names(pipeline.env["DOCTRANSLATE_SOURCE_CONTAINER"])  # the glossary was not staged either

    wrong = pipeline.run(
        f"az://{container}/guides/", "--to", "de", "--glossary", f"fr=az://{container}/terms/terms.fr.csv"
    )
    assert wrong.returncode == 2
    assert "is for language 'fr', which is not among the targets de" in wrong.stderr.strip().splitlines()[-1]
