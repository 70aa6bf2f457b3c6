"""The local service against a hostile client with access to its port: each probe of the security review,
reproduced, and shown refused or contained (the status code, the per-document error, a bound on memory,
nothing contacted or written where it must not be). docs/reliability.md lists them with their figures."""

from __future__ import annotations

import io
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from doctranslate.local.server import HEADER_SECONDS
from doctranslate.local.stack import ManagedProcess, StackInfo, free_port, start_local_service
from doctranslate.local.sync_route import MAX_SYNC_BODY_BYTES
from doctranslate.pipeline.limits import MAX_DOCUMENT_BYTES
from tests.doctranslate.local.conftest import LocalStack, start_service
from tests.doctranslate.local.test_hostile_requests import endless, resident_megabytes
from tests.support.storage import Storage

pytestmark = pytest.mark.e2e

VERSION = "api-version=2024-05-01"
BATCHES = f"/translator/document/batches?{VERSION}"
SYNC = f"/translator/document:translate?{VERSION}&targetLanguage=fr"


@dataclass
class Listener:
    """A plain HTTP server on loopback that records every request: a service the local one must not reach,
    or (with `listing`) a storage look-alike whose listing never ends."""

    port: int
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener(free_port())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found.hits.append(f"GET {self.path}")
            marker = len(found.hits)
            body = (
                f"<?xml version='1.0'?><EnumerationResults><Blobs><Blob><Name>n{marker}.bin</Name><Properties>"
                f"<Content-Length>1</Content-Length></Properties></Blob></Blobs><NextMarker>m{marker}</NextMarker>"
                "</EnumerationResults>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_HEAD(self) -> None:
            found.hits.append(f"HEAD {self.path}")
            self.send_response(200)
            self.end_headers()

        def do_PUT(self) -> None:
            found.hits.append(f"PUT {self.path}")
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", found.port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found
    server.shutdown()


def keyed(stack: LocalStack) -> httpx.Client:
    return httpx.Client(base_url=stack.endpoint, headers={"Ocp-Apim-Subscription-Key": stack.key}, timeout=120)


def finished(client: httpx.Client, batch_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 90
    while (status := client.get(f"/translator/document/batches/{batch_id}?{VERSION}").json())["status"] in (
        "NotStarted", "Running",
    ):  # fmt: skip
        assert time.monotonic() < deadline, status
        time.sleep(0.2)
    return status


def documents(client: httpx.Client, batch_id: str) -> list[dict[str, Any]]:
    return list(client.get(f"/translator/document/batches/{batch_id}/documents?{VERSION}").json()["value"])


def one_file(storage: Storage, name: str, data: bytes) -> dict[str, Any]:
    source, target = storage.new_container("src"), storage.new_container("tgt")
    storage.upload(source, {name: data})
    return {
        "inputs": [
            {
                "storageType": "File",
                "source": {"sourceUrl": storage.blob_url(source, name, "r")},
                "targets": [{"targetUrl": storage.target_blob_url(target, name, "wl"), "language": "fr"}],
            }
        ]
    }


def test_storage_is_reached_only_at_an_allowed_host_and_port(stack: LocalStack, listener: Listener) -> None:
    """Probe: `storageType: File` at another loopback port made the service GET it and PUT the result."""
    elsewhere = f"http://127.0.0.1:{listener.port}/devstoreaccount1/c"
    body = {
        "inputs": [
            {
                "storageType": "File",
                "source": {"sourceUrl": f"{elsewhere}/secret.txt?sv=1&sig=x"},
                "targets": [{"targetUrl": f"{elsewhere}/out.txt?sv=1&sig=x", "language": "fr"}],
            }
        ]
    }
    with keyed(stack) as client:
        accepted = client.post(BATCHES, json=body)
        assert accepted.status_code == 202
        status = finished(client, accepted.json()["id"])
    assert status["status"] == "ValidationFailed"
    assert status["error"]["innerError"]["code"] == "InvalidDocumentAccessLevel"
    real_source = one_file(stack.storage, "a.txt", b"Hello world.")
    real_source["inputs"][0]["targets"][0]["targetUrl"] = f"{elsewhere}/a.txt?sv=1&sig=x"
    with keyed(stack) as client:
        status = finished(client, client.post(BATCHES, json=real_source).json()["id"])
    assert status["error"]["innerError"]["code"] == "InvalidTargetDocumentAccessLevel"
    assert listener.hits == [], "not a single request reached the other port, for a source or a target"


def test_a_keyless_service_takes_json_from_loopback_names_only(tmp_path: Path) -> None:
    """Probe: keyless by default, a cross-site text/plain POST was accepted and any Host echoed back."""
    port = free_port()
    log = (tmp_path / "open.log").open("wb")
    command = [sys.executable, "-m", "doctranslate.local", "local-service", "--open", "--port", str(port)]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/translator/document/formats?{VERSION}")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, (tmp_path / "open.log").read_text()
                time.sleep(0.2)
        cross_site = httpx.post(f"{base}{BATCHES}", content=b'{"inputs": []}', headers={"Content-Type": "text/plain"})
        assert cross_site.status_code == 415
        from_a_page = httpx.post(f"{base}{BATCHES}", json={"inputs": []}, headers={"Origin": "https://evil.example"})
        assert from_a_page.status_code == 415
        rebound = httpx.get(f"{base}{BATCHES}", headers={"Host": "evil.example"})
        assert rebound.status_code == 421
        assert "evil.example" not in rebound.text
        assert httpx.get(f"{base}{BATCHES}", headers={"Host": f"localhost:{port}"}).status_code == 200
        served = httpx.post(f"{base}{BATCHES}", json={"inputs": []})
        assert served.status_code not in (401, 415, 421), "JSON from loopback is served"
    finally:
        process.terminate()
        process.wait(10)


def test_with_no_key_given_one_is_made_up_printed_and_required(tmp_path: Path, azurite: ManagedProcess) -> None:
    port = free_port()
    service = start_local_service(port=port, key="", log=tmp_path / "service.log", state_dir=None)
    try:
        printed = Path(service.log).read_text()
        assert "no --key given: clients must send the header Ocp-Apim-Subscription-Key: " in printed
        key = printed.split("Ocp-Apim-Subscription-Key: ", 1)[1].split()[0]
        formats = f"http://127.0.0.1:{port}/translator/document/formats?{VERSION}"
        assert httpx.get(formats).status_code == 401
        assert httpx.get(formats, headers={"Ocp-Apim-Subscription-Key": key}).status_code == 200
    finally:
        service.stop()


def test_a_request_over_the_batch_limits_is_refused_at_the_door(stack: LocalStack) -> None:
    """Probe: 100 inputs x 2,000 targets (378 KB) became 200,000 documents, RSS 102 -> 740 MB."""
    url = "http://h/c/x?s"  # short, as the probe's were: 100 x 2,000 targets fit in a few hundred KB
    wide = {"storageType": "File", "source": {"sourceUrl": url}}
    targets = [{"targetUrl": url, "language": f"l{i}"} for i in range(2000)]
    before = resident_megabytes(stack.service.pid)
    with keyed(stack) as client:
        too_wide = client.post(BATCHES, json={"inputs": [{**wide, "targets": targets[:20]}] * 100})
        too_many = client.post(BATCHES, json={"inputs": [{**wide, "targets": targets[:1]}] * 1001})
        widest = client.post(BATCHES, json={"inputs": [{**wide, "targets": targets}]})
    assert widest.status_code == 400
    assert too_wide.status_code == 400
    assert "at most 10 target languages" in too_wide.json()["error"]["message"]
    assert too_many.status_code == 400
    assert "at most 1,000 documents" in too_many.json()["error"]["message"]
    assert too_wide.json()["error"]["innerError"]["code"] == "RequestLimitExceeded"
    assert resident_megabytes(stack.service.pid) - before < 60


def test_a_source_over_40_mb_fails_alone_without_being_read_whole(stack: LocalStack) -> None:
    """Probe: a 100 MB source took the service to 3.6 GB."""
    before = resident_megabytes(stack.service.pid)
    with keyed(stack) as client:
        accepted = client.post(BATCHES, json=one_file(stack.storage, "big.txt", b"word " * (100 * 1024 * 1024 // 5)))
        status = finished(client, accepted.json()["id"])
        (document,) = documents(client, accepted.json()["id"])
    assert status["status"] == "Failed"
    assert document["error"]["innerError"]["code"] == "DocumentSizeExceeded"
    grown = resident_megabytes(stack.service.pid) - before
    print(f"a 100 MB source: the service grew by {grown:.0f} MB")
    # At most the first 40 MB + 1 byte are fetched (a range), held once by httpx and once as bytes.
    assert grown < 3 * MAX_DOCUMENT_BYTES / 1024 / 1024, f"grew by {grown:.0f} MB"


def word_document(paragraphs: Iterator[bytes]) -> bytes:
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(
            "word/document.xml",
            b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            + b"".join(paragraphs)
            + b"</w:body></w:document>",
        )
    return sink.getvalue()


def test_a_glossary_over_10_mb_fails_its_documents_without_being_read_whole(stack: LocalStack) -> None:
    """Probe: a 313 MB glossary was read into memory before the 10 MB check."""
    body = one_file(stack.storage, "a.txt", b"Hello world.")
    terms = stack.storage.new_container("terms")
    stack.storage.upload(terms, {"huge.csv": b"hello,bonjour\n" * (12 * 1024 * 1024 // 14)})
    glossary = {"glossaryUrl": stack.storage.blob_url(terms, "huge.csv", "r"), "format": "CSV"}
    body["inputs"][0]["targets"][0]["glossaries"] = [glossary]
    with keyed(stack) as client:
        accepted = client.post(BATCHES, json=body)
        finished(client, accepted.json()["id"])
        (document,) = documents(client, accepted.json()["id"])
    assert document["error"]["innerError"]["code"] == "InvalidGlossary"
    assert "larger than 10 MB" in document["error"]["innerError"]["message"]


@pytest.mark.parametrize(
    ("kind", "refusal"),
    [("bomb", "a zip bomb?"), ("43 MB of plain text", "text parts expand to")],
)
def test_a_docx_expanding_past_what_is_read_fails_alone_and_costs_little(
    stack: LocalStack, kind: str, refusal: str
) -> None:
    """Probe: a 308 KB .docx expanding to 100 MB took the service to 3.6 GB. A bomb is refused by its
    compression ratio; an honest document whose text alone is over 32 MB, by the size of its text parts."""
    if kind == "bomb":
        paragraph = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>"
        package = word_document(iter([paragraph] * (100 * 1024 * 1024 // len(paragraph))))
        assert len(package) < 1024 * 1024
    else:
        words = (f"<w:p><w:r><w:t>{i:x} {i * 7919 % 100003:x}</w:t></w:r></w:p>".encode() for i in range(1_000_000))
        package = word_document(words)
    before = resident_megabytes(stack.service.pid)
    with keyed(stack) as client:
        accepted = client.post(BATCHES, json=one_file(stack.storage, "big.docx", package))
        finished(client, accepted.json()["id"])
        (document,) = documents(client, accepted.json()["id"])
    assert document["error"]["innerError"]["code"] == "InvalidDocument"
    assert refusal in document["error"]["innerError"]["message"]
    grown = resident_megabytes(stack.service.pid) - before
    print(f"{kind}: {len(package) / 1024:.0f} KB package, service grew by {grown:.0f} MB")
    assert grown < 400, f"grew by {grown:.0f} MB"


def test_a_listing_that_never_ends_is_given_up(azurite: ManagedProcess, listener: Listener, tmp_path: Path) -> None:
    """Probe: a storage listing whose NextMarker never ends: RSS 1.6 -> 3.6 GB in 120 s."""
    port = free_port()
    service = start_local_service(
        port=port, key="k", log=tmp_path / "log", state_dir=None, allowed_storage_hosts=(f"127.0.0.1:{listener.port}",)
    )
    container = f"http://127.0.0.1:{listener.port}/devstoreaccount1/c?sv=1&sig=x"
    body = {"inputs": [{"source": {"sourceUrl": container}, "targets": [{"targetUrl": container, "language": "fr"}]}]}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Ocp-Apim-Subscription-Key": "k"}) as client:
            accepted = client.post(BATCHES, json=body)
            status = finished(client, accepted.json()["id"])
    finally:
        service.stop()
    assert status["status"] == "ValidationFailed"
    assert status["error"]["innerError"]["code"] == "MaxDocumentsExceeded"
    assert "more than 200 pages" in status["error"]["innerError"]["message"]
    assert len([hit for hit in listener.hits if "comp=list" in hit]) == 200


def test_a_huge_synchronous_upload_is_cut_off_before_it_is_spooled(stack: LocalStack) -> None:
    """Probe: a 1 GB synchronous upload was spooled to disk whole before the 10 MB check."""
    boundary = "x-boundary"

    def upload() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="a.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        yield from endless(1024 * 1024 * 1024)

    headers = {"Ocp-Apim-Subscription-Key": stack.key, "Content-Type": f"multipart/form-data; boundary={boundary}"}
    started = time.monotonic()
    try:
        response = httpx.post(f"{stack.endpoint}{SYNC}", content=upload(), headers=headers, timeout=120)
    except httpx.TransportError:  # the service closed the connection while we were still sending
        response = None
    assert time.monotonic() - started < 60
    if response is not None:
        assert response.status_code == 413
        assert str(MAX_SYNC_BODY_BYTES) in response.json()["error"]["message"]
    with keyed(stack) as client:
        glossary = {"glossary": ("g.csv", b"a,b\n" * 300_000, "text/csv")}
        too_big = client.post(SYNC, files={"document": ("a.txt", b"hello", "text/plain"), **glossary})
    assert too_big.status_code == 413
    assert "glossary is larger than 1048576 bytes" in too_big.json()["error"]["message"]


@pytest.mark.parametrize(
    ("name", "data", "glossary"),
    [
        ("a.json", b'{"a": ' + b"9" * 5000 + b"}", None),
        ("b.json", b'{"a": "hello \\ud800 world"}', None),
        ("c.txt", b"Hello world.", b"hello," + b"x" * 200_000 + b"\n"),
    ],
    ids=["5000-digit-integer", "lone-surrogate", "csv-cell-over-128kb"],
)
def test_unreadable_content_is_a_400_or_a_failed_document_never_a_500(
    stack: LocalStack, name: str, data: bytes, glossary: bytes | None
) -> None:
    """Probe: these gave a 500 on the sync route, and in a batch a Failed/InternalServerError batch with the
    document left Running forever."""
    files: dict[str, Any] = {"document": (name, data, "application/octet-stream")}
    if glossary is not None:
        files["glossary"] = ("g.csv", glossary, "text/csv")
    with keyed(stack) as client:
        sync = client.post(SYNC, files=files)
        assert sync.status_code == 400, sync.text
        body = one_file(stack.storage, name, data)
        if glossary is not None:
            terms = stack.storage.new_container("terms")
            stack.storage.upload(terms, {"g.csv": glossary})
            glossary_url = stack.storage.blob_url(terms, "g.csv", "r")
            body["inputs"][0]["targets"][0]["glossaries"] = [{"glossaryUrl": glossary_url, "format": "CSV"}]
        accepted = client.post(BATCHES, json=body)
        status = finished(client, accepted.json()["id"])
        (document,) = documents(client, accepted.json()["id"])
    assert status["status"] == "Failed"
    assert document["status"] == "Failed"
    assert document["error"]["innerError"]["code"] in ("InvalidDocument", "InvalidGlossary")


def test_half_sent_requests_are_closed_and_real_ones_still_answered(stack: LocalStack) -> None:
    """Probe: 400 half-sent requests stayed open for good (uvicorn's defaults)."""
    sockets = []
    for _ in range(200):
        connection = socket.create_connection(("127.0.0.1", stack.service.port))
        connection.sendall(b"POST /translator/document/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        sockets.append(connection)
    with keyed(stack) as client:
        assert client.get(f"/translator/document/formats?{VERSION}").status_code == 200
    time.sleep(HEADER_SECONDS + 2)
    closed = 0
    for connection in sockets:
        connection.settimeout(1)
        try:
            closed += connection.recv(1) == b""
        except (TimeoutError, ConnectionResetError):
            closed += 0
        connection.close()
    assert closed == len(sockets), f"{len(sockets) - closed} half-sent requests still open"


def test_state_at_rest_is_the_owners_and_a_finished_batch_keeps_no_signature(stack: LocalStack) -> None:
    """Probe: the SQLite file (mode 644) held every full SAS URL, 2,016 `sig=` in one run."""
    with keyed(stack) as client:
        accepted = client.post(BATCHES, json=one_file(stack.storage, "a.txt", b"Hello world."))
        finished(client, accepted.json()["id"])
    state = Path(stack.service.log).parent / "state" / "state.sqlite3"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    assert stat.S_IMODE(state.parent.stat().st_mode) & 0o077 == 0
    for path in state.parent.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    with sqlite3.connect(state) as db:
        (request,) = db.execute("SELECT request FROM batches WHERE id = ?", (accepted.json()["id"],)).fetchone()
    signatures = request.split("sig=")[1:]
    assert signatures and all(part.startswith("REDACTED") for part in signatures)


def test_the_access_log_shows_no_key_sent_in_the_query(tmp_path: Path, azurite: ManagedProcess) -> None:
    """Probe: `--access-log` printed `subscription-key=` query values in clear."""
    port = free_port()
    service = start_service(azurite.port, port=port, key="k", log=tmp_path / "log", state_dir=None, access_log=True)
    try:
        httpx.get(f"http://127.0.0.1:{port}/translator/document/formats?{VERSION}&subscription-key=SECRETVALUE")
        time.sleep(0.5)
        log = Path(service.log).read_text()
    finally:
        service.stop()
    assert "/translator/document/formats" in log, "the access log is on"
    assert "SECRETVALUE" not in log
    assert "subscription-key=REDACTED" in log
    assert "--- Logging error ---" not in log


def test_the_stacks_record_of_its_key_is_never_readable_by_others(tmp_path: Path) -> None:
    """Probe: `stack.json` was written 644, then chmod 600."""
    process = ManagedProcess(pid=1, port=1, log=str(tmp_path / "log"))
    StackInfo(process, process, "the-key", str(tmp_path)).save()
    assert stat.S_IMODE((tmp_path / "stack.json").stat().st_mode) == 0o600
