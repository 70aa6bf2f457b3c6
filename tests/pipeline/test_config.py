"""`doctranslate config`: every setting, masked where secret, with where it comes from (the environment,
`.env`, a Prefect block, the default). Blocks are read from a real Prefect server in `test_fleet.py`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from doctranslate_prefect.flows.cli import build_app


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DOCTRANSLATE_TRANSLATOR_KEY", "cli-test-key")


def config_lines() -> dict[str, str]:
    result = CliRunner().invoke(build_app(), ["config"])
    assert result.exit_code == 0, result.output
    return {line.split()[0]: line for line in result.output.splitlines()}


def test_config_masks_the_key() -> None:
    lines = config_lines()

    assert "translator_key" in lines and "cli-test-key" not in "\n".join(lines.values())


def test_config_says_where_each_setting_comes_from(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DOCTRANSLATE_POLL_INTERVAL_SECONDS=3\nDOCTRANSLATE_TARGET_CONTAINER=from-file\n")
    monkeypatch.setenv("DOCTRANSLATE_TARGET_CONTAINER", "from-env")  # the environment wins over .env

    lines = config_lines()

    assert lines["poll_interval_seconds"].split()[1:] == ["3.0", ".env", "(DOCTRANSLATE_POLL_INTERVAL_SECONDS)"]
    assert lines["target_container"].split()[1:] == ["from-env", "environment", "(DOCTRANSLATE_TARGET_CONTAINER)"]
    assert lines["translator_key"].split()[1:] == ["**********", "environment", "(DOCTRANSLATE_TRANSLATOR_KEY)"]
    assert lines["sas_lifetime_minutes"].endswith("default")
    assert lines["currency"].split()[1:] == ["USD", "default"]
