"""The SAS tokens in a submitted request grant the minimum: source and glossary read-only on one blob,
targets write+list, all expiring at the configured lifetime; a filter input over a prefix in place gets
read+list on its container, as the service needs to enumerate it, and nothing more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from doctranslate.local.stack import ManagedProcess, connection_string
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.existing import ExistingDecision, Pair
from doctranslate.pipeline.glossaries import GlossaryFile
from doctranslate.pipeline.plan import BatchLayout, BatchPlan, PlannedBatch, Selection
from doctranslate.pipeline.scan import SourceDocument
from doctranslate.pipeline.submit import build_request
from doctranslate.settings import load_settings
from doctranslate.storage.account import StorageAccount

pytestmark = pytest.mark.e2e


def sas(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def batch_of(pairs: list[Pair], selection: Selection | None = None) -> BatchPlan:
    documents = sorted({p.document.relative_path: p.document for p in pairs}.values(), key=lambda d: d.relative_path)
    planned = PlannedBatch(key="k" * 32, documents=documents, languages=sorted({p.language for p in pairs}))
    return BatchPlan(batch=planned, decision=ExistingDecision(translate=pairs), selection=selection)


def test_sas_scopes_and_lifetimes_are_minimal(azurite: ManagedProcess) -> None:
    settings = load_settings(storage_connection_string=connection_string(azurite.port))
    account = StorageAccount(settings)
    document = SourceDocument(relative_path="a/b.txt", local_path=Path("b.txt"), size=1, md5="0" * 32)
    glossary = GlossaryFile(path=Path("g.csv"), format="CSV", md5="1" * 32, language="fr")
    layout = BatchLayout(job="job", source_container="src", destination=Destination(container="out", root=""))
    lifetime = timedelta(minutes=30)

    details = build_request(batch_of([Pair(document, "fr", "fr/a/b.txt")]), [glossary], layout, account, lifetime)
    details = details.to_wire()

    (source_input,) = details["inputs"]
    source = sas(source_input["source"]["sourceUrl"])
    (target,) = source_input["targets"]
    target_sas = sas(target["targetUrl"])
    glossary_sas = sas(target["glossaries"][0]["glossaryUrl"])
    assert (source["sp"], source["sr"]) == ("r", "b") and source_input["storageType"] == "File"
    assert (target_sas["sp"], target_sas["sr"]) == ("wl", "c")
    assert (glossary_sas["sp"], glossary_sas["sr"]) == ("r", "b")
    assert urlsplit(target["targetUrl"]).path.endswith("/out/fr/a/b.txt")
    for token in (source, target_sas, glossary_sas):
        expiry = datetime.fromisoformat(token["se"].replace("Z", "+00:00"))
        assert abs((expiry - datetime.now(UTC)) - lifetime) < timedelta(minutes=1)


def test_a_prefix_in_place_gets_read_and_list_on_its_container_and_folder_targets(azurite: ManagedProcess) -> None:
    account = StorageAccount(load_settings(storage_connection_string=connection_string(azurite.port)))
    document = SourceDocument(relative_path="guides/a.txt", container="docs", size=1, md5="0" * 32)
    layout = BatchLayout(job="job", source_container="src", destination=Destination(container="out", root="job"))
    pairs = [Pair(document, language, f"job/{language}/guides/a.txt") for language in ("de", "fr")]
    selection = Selection(container="docs", prefix="guides/", suffix=".txt")

    details = build_request(batch_of(pairs, selection), [], layout, account, timedelta(minutes=30)).to_wire()

    (folder_input,) = details["inputs"]
    source = sas(folder_input["source"]["sourceUrl"])
    assert (source["sp"], source["sr"]) == ("rl", "c")
    assert urlsplit(folder_input["source"]["sourceUrl"]).path.endswith("/docs")
    assert folder_input["source"]["filter"] == {"prefix": "guides/", "suffix": ".txt"}
    assert [urlsplit(t["targetUrl"]).path.rsplit("/out/", 1)[1] for t in folder_input["targets"]] == [
        "job/de",
        "job/fr",
    ]
    assert all(sas(t["targetUrl"])["sp"] == "wl" for t in folder_input["targets"])
