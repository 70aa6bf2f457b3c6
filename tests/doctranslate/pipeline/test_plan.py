"""Planning: batches within every limit at once, stable keys, recorded batches re-attached, the existing-target
policy and the budget applied before anything is submitted."""

from __future__ import annotations

from pathlib import Path

import pytest

from doctranslate.errors import BadInputError, BudgetExceededError, TargetsExistError
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.existing import ExistingDecision, Pair
from doctranslate.pipeline.limits import Limits
from doctranslate.pipeline.plan import (
    Folders,
    PlannedBatch,
    RunPlan,
    Selection,
    batch_key,
    plan_batches,
    plan_run,
    preflight,
)
from doctranslate.pipeline.request import OnExisting, TranslationRequest
from doctranslate.pipeline.scan import Scan, SourceDocument, file_md5, scan_blobs
from doctranslate.pricing import Pricing
from doctranslate.storage.blobs import BlobInfo
from doctranslate.storage.locations import StorageLocation
from doctranslate.storage.names import SOURCE_MD5_METADATA


def docs(count: int, size: int = 1000) -> list[SourceDocument]:
    return [
        SourceDocument(relative_path=f"d/{i:05}.txt", local_path=Path(f"/x/{i}"), size=size, md5=f"{i:032x}")
        for i in range(count)
    ]


def test_2500_documents_into_3_languages_make_3_batches_of_at_most_1000() -> None:
    batches = plan_batches(docs(2500), ["fr", "de", "ja"])
    assert [len(b.documents) for b in batches] == [1000, 1000, 500]
    assert all(b.languages == ["fr", "de", "ja"] for b in batches)
    assert len({d.relative_path for b in batches for d in b.documents}) == 2500  # each exactly once


def test_more_than_10_languages_and_250_mb_split_too() -> None:
    twelve = [f"l{i}" for i in range(12)]
    batches = plan_batches(docs(600, size=1024 * 1024), twelve)  # 600 MB
    assert {len(b.languages) for b in batches} == {10, 2}
    assert all(b.total_bytes <= 250 * 1024 * 1024 and len(b.documents) <= 1000 for b in batches)
    assert len(batches) == 2 * 3  # two language groups x (250 + 250 + 100 documents)


def test_batch_keys_depend_on_content_languages_and_context_only() -> None:
    a = docs(3)
    assert batch_key(a, ["fr", "de"], "ctx") == batch_key(list(reversed(a)), ["de", "fr"], "ctx")
    changed = [*a[:2], a[2].model_copy(update={"md5": "f" * 32})]
    assert batch_key(changed, ["fr", "de"], "ctx") != batch_key(a, ["fr", "de"], "ctx")
    assert batch_key(a, ["fr"], "ctx") != batch_key(a, ["fr"], "other glossary")


def folder(tmp_path: Path) -> Path:
    root = tmp_path / "docs"
    (root / "guide").mkdir(parents=True)
    (root / "guide" / "intro.md").write_text("# Intro\n\nHello there.\n")
    (root / "notes.txt").write_text("Plain notes.\n")
    (root / "logo.png").write_bytes(b"\x89PNG")
    return root


def request(root: Path, **options: object) -> TranslationRequest:
    return TranslationRequest(sources=[str(root)], languages=["fr", "de"], job="docs", **options)  # type: ignore[arg-type]


def plan(
    root: Path, journal: dict[str, str], existing: dict[str, dict[str, str]] | None = None, **options: object
) -> RunPlan:
    return plan_run(
        request(root, **options),
        existing or {},
        journal.get,
        source_container="src",
        destination=Destination(container="tgt", root="docs"),
        pricing=Pricing(per_million_characters=10.0),
    )


def test_a_fresh_plan_submits_every_pair_and_prices_exactly_what_will_be_charged(tmp_path: Path) -> None:
    journal = {}
    run = plan(folder(tmp_path), journal)

    assert [s.relative_path for s in run.scan.skipped] == ["logo.png"]
    assert len(run.batches) == 1 and run.batches[0].needs_submitting
    assert sorted(p.target for p in run.batches[0].decision.translate) == [
        "docs/de/guide/intro.md",
        "docs/de/notes.txt",
        "docs/fr/guide/intro.md",
        "docs/fr/notes.txt",
    ]
    assert run.estimated_characters == 2 * (len("Intro") + len("Hello there.") + len("Plain notes."))
    assert run.estimated_cost == pytest.approx(run.estimated_characters * 10 / 1_000_000)
    assert "4 to translate in 1 batch" in run.describe()


def test_a_batch_the_journal_knows_is_reattached_and_what_it_gathered_is_kept(tmp_path: Path) -> None:
    root, journal = folder(tmp_path), {}
    key = plan(root, journal).batches[0].batch.key
    journal[key] = "b-1"
    gathered = {"docs/fr/notes.txt": {SOURCE_MD5_METADATA: file_md5(root / "notes.txt")}}

    run = plan(root, journal, gathered, on_existing=OnExisting.OVERWRITE)

    (batch,) = run.batches
    assert batch.batch.key != key, "overwrite asks for new work: its batches get fresh keys"
    journal[batch.batch.key] = "b-2"
    resumed = plan(root, journal, gathered).batches[0]
    assert resumed.submitted_as == "b-1" and not resumed.needs_submitting
    assert [p.target for p in resumed.decision.already_done] == ["docs/fr/notes.txt"]
    assert len(resumed.decision.translate) == 3, "the rest is still to be followed"
    assert resumed.decision.delete_first == [], "a batch already ours never deletes an output"
    assert plan(root, journal, gathered).estimated_characters == 0, "nothing new is paid for"


def test_current_outputs_are_kept_and_stale_ones_replaced(tmp_path: Path) -> None:
    root = folder(tmp_path)
    existing = {
        "docs/fr/notes.txt": {SOURCE_MD5_METADATA: file_md5(root / "notes.txt")},
        "docs/de/notes.txt": {SOURCE_MD5_METADATA: "0" * 32},
    }
    (batch,) = plan(root, {}, existing).batches

    assert [p.target for p in batch.decision.already_done] == ["docs/fr/notes.txt"]
    assert [p.target for p in batch.decision.delete_first] == ["docs/de/notes.txt"]
    assert "docs/de/notes.txt" in [p.target for p in batch.decision.translate]


def test_over_budget_or_in_conflict_nothing_is_planned(tmp_path: Path) -> None:
    root, journal = folder(tmp_path), {}
    with pytest.raises(BudgetExceededError, match="over the budget"):
        plan(root, journal, budget=0.0000001)
    with pytest.raises(TargetsExistError, match=r"docs/fr/notes\.txt"):
        plan(root, journal, {"docs/fr/notes.txt": {}}, on_existing=OnExisting.FAIL)


def test_preflight_refuses_missing_sources_and_empty_selections(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="does not exist"):
        preflight(request(tmp_path / "nowhere"))
    with pytest.raises(BadInputError, match="nothing to translate"):
        preflight(request(folder(tmp_path), include=["*.pdf"]))


def listing(names: dict[str, int]) -> list[BlobInfo]:
    return [BlobInfo(name, size, {}, etag=f"e-{name}") for name, size in names.items()]


def folders_of(
    source: StorageLocation, names: dict[str, int], *, suffix: str | None = "", limit: int = 1000
) -> tuple[Scan, Folders]:
    found = scan_blobs(source, listing(names))
    folders = Folders(suffix, Limits(documents=limit))
    folders.add(source, found)
    return found, folders


def whole(batch: PlannedBatch) -> ExistingDecision:
    return ExistingDecision(
        translate=[Pair(d, lang, f"t/{lang}/{d.relative_path}") for d in batch.documents for lang in batch.languages]
    )


def test_a_clean_prefix_that_fits_is_one_batch_the_filter_selects() -> None:
    source = StorageLocation("docs", "guides/")
    found, folders = folders_of(source, {"guides/a.md": 5, "guides/deep/b.txt": 5, "guides/tool.exe": 5})
    (batch,) = plan_batches(found.documents, ["fr"], folder=folders.folder_of)
    assert folders.selection(batch, whole(batch)) == Selection(container="docs", prefix="guides/")
    partly_done = whole(batch)
    partly_done.already_done.append(partly_done.translate.pop())
    assert folders.selection(batch, partly_done) is None, "the filter cannot leave out what is already done"


def test_an_image_not_asked_for_keeps_the_filter_off_its_folder() -> None:
    """The service (2026-03-01) takes image files from a folder input, and charges them: one under the prefix
    that the run leaves out makes the batch name its documents one by one."""
    source = StorageLocation("docs", "guides/")
    found, folders = folders_of(source, {"guides/a.md": 5, "guides/logo.png": 5})
    (batch,) = plan_batches(found.documents, ["fr"], folder=folders.folder_of)
    assert [s.relative_path for s in found.skipped] == ["guides/logo.png"]
    assert folders.selection(batch, whole(batch)) is None


def test_a_source_too_big_for_a_batch_is_cut_at_its_folders_and_only_clean_ones_are_filtered() -> None:
    source = StorageLocation("docs", "")
    names = {f"a/{i}.txt": 5 for i in range(3)} | {f"b/{i}.txt": 5 for i in range(3)}
    names |= {"b/empty.txt": 0, "top.txt": 5}
    found, folders = folders_of(source, names, limit=4)
    batches = plan_batches(found.documents, ["fr"], limits=Limits(documents=4), folder=folders.folder_of)
    assert [[d.relative_path for d in b.documents] for b in batches] == [
        ["top.txt"],
        ["a/0.txt", "a/1.txt", "a/2.txt"],
        ["b/0.txt", "b/1.txt", "b/2.txt"],
    ]
    chosen = [folders.selection(b, whole(b)) for b in batches]
    assert chosen == [None, Selection(container="docs", prefix="a/"), None], "top level: subfolders; b/: an empty blob"


def test_the_filter_takes_a_single_suffix_pattern_and_nothing_else() -> None:
    source = StorageLocation("docs", "")
    found, folders = folders_of(source, {"x.txt": 5, "y.txt": 5}, suffix=".txt")
    (batch,) = plan_batches(found.documents, ["fr"], folder=folders.folder_of)
    assert folders.selection(batch, whole(batch)) == Selection(container="docs", prefix="", suffix=".txt")
    found, no_filter = folders_of(source, {"x.txt": 5}, suffix=None)
    (batch,) = plan_batches(found.documents, ["fr"], folder=no_filter.folder_of)
    assert no_filter.selection(batch, whole(batch)) is None


def test_an_empty_source_is_nothing_to_do_when_the_request_says_so(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "logo.png").write_bytes(b"\x89PNG")
    run = plan(tmp_path / "docs", {}, empty_ok=True)
    assert run.batches == [] and run.estimated_characters == 0
    assert [s.relative_path for s in run.scan.skipped] == ["logo.png"], "what was left out is still reported"
    with pytest.raises(BadInputError, match="nothing to translate"):
        plan(tmp_path / "docs", {})


def test_batch_keys_of_the_default_destination_are_those_planned_before_outputs_could_go_elsewhere(
    tmp_path: Path,
) -> None:
    """A batch recorded by the earlier code must be found again by its key, or a resumed run pays twice."""
    run = plan(folder(tmp_path), {})
    (batch,) = run.batches
    assert batch.batch.key == batch_key(batch.batch.documents, batch.batch.languages, "docs|tgt|||")
