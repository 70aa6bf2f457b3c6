"""A full run with a recognizable key, then a scan of everything it left: no key, no SAS signature.

Looked at: the command's output, the Prefect server's database (flow and task runs, parameters, logs,
artifacts), the state folder (Prefect results and cache records), the job's state in storage (submission
records, manifests), the reports, and the local service's log.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from doctranslate.local.stack import AZURITE_KEY
from doctranslate.storage.names import MANIFEST_FOLDER
from tests.pipeline.conftest import KEY, Pipeline
from tests.support.prefect_server import PrefectServer

pytestmark = pytest.mark.e2e

LEAKS = [
    re.compile(re.escape(KEY.encode())),
    re.compile(re.escape(AZURITE_KEY[:20].encode())),  # the storage account key of the connection string
    # A SAS signature that is not masked: real ones are ~44 base64 characters. (Prefect's own block
    # schemas carry a documentation example, `sig=SIGNATURE`, which this deliberately does not match.)
    re.compile(rb"sig=(?!REDACTED)[A-Za-z0-9%+/=]{20,}"),
]


def leaks_in(data: bytes) -> list[str]:
    return [m.group(0)[:40].decode(errors="replace") for pattern in LEAKS for m in pattern.finditer(data)]


def test_a_full_run_leaves_no_key_or_sas_anywhere(pipeline: Pipeline, prefect_server: PrefectServer) -> None:
    source = pipeline.work / "src"
    source.mkdir()
    (source / "a.txt").write_text("Secret-free text.")
    (source / "b.md").write_text("# More text")
    (pipeline.work / "g.csv").write_text("text,texte\n")

    # The chattiest setting there is: every HTTP request line (URLs with SAS) goes to the console and to
    # Prefect's database; only redaction stands between them and a leak.
    pipeline.env |= {"DOCTRANSLATE_LOG_HTTP": "true", "PREFECT_LOGGING_EXTRA_LOGGERS": "httpx,azure"}
    finished = pipeline.run("src", "--to", "fr,de", "--glossary", "g.csv", "--out", "out")
    assert finished.returncode == 0, finished.stdout[-2000:]

    # Positive control: the sentinels are real, and the scan can see them where they belong.
    assert len(leaks_in(f"Ocp-Apim-Subscription-Key: {KEY} sig=q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6%3D".encode())) == 2
    places: dict[str, bytes] = {"command output": "".join(pipeline.logs).encode()}
    for root in (prefect_server.home, pipeline.work / ".doctranslate", pipeline.work / "out"):
        for path in root.rglob("*"):
            if path.is_file():
                places[str(path)] = path.read_bytes()
    places["local service log"] = Path(pipeline.service.log).read_bytes()
    storage, target = pipeline.storage(), pipeline.env["DOCTRANSLATE_TARGET_CONTAINER"]
    for name in storage.names(target):
        if name.startswith(f"src/{MANIFEST_FOLDER}/"):  # the job's state in storage: submission records, manifests
            places[f"storage: {name}"] = storage.download(target, name)
    assert any("prefect.db" in name for name in places)
    assert any("/submissions/" in name for name in places), "the submission records are scanned too"
    assert any("report.json" in name for name in places)

    found = {name: leaks for name, data in places.items() if (leaks := leaks_in(data))}
    assert found == {}
