"""Staging on a real Azurite: documents and glossaries go up once, by content; nothing in the target is touched."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from doctranslate.local.stack import ManagedProcess, connection_string
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.existing import existing_outputs
from doctranslate.pipeline.plan import RunPlan, plan_run
from doctranslate.pipeline.request import TranslationRequest
from doctranslate.pipeline.stage import stage_plan
from doctranslate.pricing import Pricing
from doctranslate.settings import load_settings
from doctranslate.storage.account import StorageAccount
from doctranslate.storage.names import SOURCE_MD5_METADATA
from tests.support.storage import Storage

pytestmark = pytest.mark.e2e  # a real Azurite


def plan(account: StorageAccount, root: Path, source: str, target: str) -> RunPlan:
    request = TranslationRequest(  # type: ignore[call-arg]
        sources=[str(root / "docs")], languages=["fr"], job="docs", glossaries=[str(root / "terms.fr.csv")]
    )
    return plan_run(
        request,
        existing_outputs(account, target, request.job_name),
        {}.get,
        source_container=source,
        destination=Destination(container=target, root=request.job_name),
        pricing=Pricing(per_million_characters=0),
    )


def stage(run: RunPlan, account: StorageAccount) -> tuple[int, int]:
    return asyncio.run(stage_plan(run, account, lifetime=timedelta(minutes=10), concurrency=4))


def test_stage_uploads_only_what_is_missing_or_changed(azurite: ManagedProcess, tmp_path: Path) -> None:
    storage = Storage(azurite.port)
    source, target = storage.new_container("src"), storage.new_container("tgt")
    account = StorageAccount(load_settings(storage_connection_string=connection_string(azurite.port)))
    (tmp_path / "docs" / "guide").mkdir(parents=True)
    (tmp_path / "docs" / "guide" / "intro.md").write_text("# Intro\n")
    (tmp_path / "docs" / "notes.txt").write_text("Notes.\n")
    (tmp_path / "terms.fr.csv").write_text("Intro,Introduction\n")

    first = plan(account, tmp_path, source, target)
    assert stage(first, account) == (3, 0), "two documents and the glossary"
    assert "docs/guide/intro.md" in storage.names(source)
    notes = next(d for d in first.scan.documents if d.relative_path == "notes.txt")
    assert storage.metadata(source, "docs/notes.txt")[SOURCE_MD5_METADATA] == notes.md5

    assert stage(plan(account, tmp_path, source, target), account) == (0, 3)

    storage.upload(target, {"docs/fr/notes.txt": b"an outdated translation"})  # made from other content
    (tmp_path / "docs" / "notes.txt").write_text("Notes, edited.\n")
    changed = plan(account, tmp_path, source, target)
    assert [p.target for b in changed.batches for p in b.decision.delete_first] == ["docs/fr/notes.txt"]
    assert stage(changed, account) == (1, 2), "only the edited document goes up again"
    assert "docs/fr/notes.txt" in storage.names(target), "outputs are replaced under the batch's claim, not here"
