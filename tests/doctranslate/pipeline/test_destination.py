from __future__ import annotations

from pathlib import Path

import pytest

from doctranslate.errors import BadInputError
from doctranslate.pipeline.destination import Destination
from doctranslate.pipeline.existing import Pair
from doctranslate.pipeline.scan import SourceDocument
from doctranslate.storage.locations import StorageLocation

ACCOUNT = "http://127.0.0.1:10000/devstoreaccount1"
PAIR = Pair(SourceDocument(relative_path="a/b.docx", container="docs", size=1, md5="0" * 32), "fr", "hb/fr/a/b.docx")


def of(out_dir: str) -> Destination:
    return Destination.of(out_dir, job="hb", target_container="doctranslate-target", account_url=ACCOUNT)


def test_a_local_folder_downloads_from_the_target_container_under_the_job() -> None:
    local = of("out")
    assert (local.container, local.root, local.local) == ("doctranslate-target", "hb", Path("out"))
    assert local.location_of(PAIR) == str(Path("out/fr/a/b.docx"))
    assert local.report_location("md") == str(Path("out/report.md"))


def test_a_place_in_storage_keeps_everything_there_under_its_prefix() -> None:
    for spelling in ("az://translated/handbook/", f"{ACCOUNT}/translated/handbook"):
        kept = of(spelling)
        assert (kept.container, kept.root, kept.local) == ("translated", "handbook", None)
    assert kept.location_of(PAIR) == "az://translated/hb/fr/a/b.docx"
    assert kept.report_location("json") == "az://translated/handbook/report.json"
    assert kept.describe() == "az://translated/handbook/<language>/..."
    top = of("az://translated")
    assert (top.root, top.report_location("md"), top.describe()) == (
        "",
        "az://translated/report.md",
        "az://translated/<language>/...",
    )


def test_empty_keeps_the_translations_in_the_target_container_under_the_job() -> None:
    assert of("") == Destination(container="doctranslate-target", root="hb")


def test_a_bad_container_or_another_account_is_refused_naming_the_flag() -> None:
    with pytest.raises(BadInputError, match="--out az://Bad_Name/x: 'Bad_Name' is not a container name"):
        of("az://Bad_Name/x")
    with pytest.raises(BadInputError, match="is not in the configured storage account"):
        of("https://other.blob.core.windows.net/translated/x")


def test_outputs_under_a_source_prefix_are_refused_beside_it_they_are_not() -> None:
    source = StorageLocation("docs", "guides/")
    with pytest.raises(BadInputError, match="lies inside the source az://docs/guides/"):
        of("az://docs/guides/translated").check_apart_from([source])
    with pytest.raises(BadInputError):
        of("az://docs").check_apart_from([StorageLocation("docs", "")])
    of("az://docs/translated").check_apart_from([source])
    of("az://other/guides").check_apart_from([source])


def test_names_a_local_folder_cannot_hold_are_named_and_storage_takes_them_all() -> None:
    def document(name: str) -> SourceDocument:
        return SourceDocument(relative_path=name, container="docs", size=1, md5="0" * 32)

    found = [document("a.txt"), document("a.txt/b.txt"), document(f"{'x' * 240}.txt"), document("ok/c.txt")]

    reasons = of("out").unwritable(found)
    assert sorted(reasons) == ["a.txt", f"{'x' * 240}.txt"]
    assert "a folder of the same name" in reasons["a.txt"]
    assert "too long for a local file" in reasons[f"{'x' * 240}.txt"]
    assert of("az://translated/hb").unwritable(found) == {}
