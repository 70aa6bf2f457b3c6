"""The CLI against a real HTTP endpoint on loopback, and its exit codes."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from doctranslate.cli import commands as app
from tests.support.flaky_server import dropping_server

BATCH = "7d2e1f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6"
STATUS = {
    "id": BATCH,
    "createdDateTimeUtc": "2026-11-22T10:00:00Z",
    "lastActionDateTimeUtc": "2026-11-22T10:00:05Z",
    "status": "Succeeded",
    "summary": {
        "total": 3,
        "failed": 1,
        "success": 2,
        "inProgress": 0,
        "notYetStarted": 0,
        "cancelled": 0,
        "totalCharacterCharged": 81,
    },
}


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DOCTRANSLATE_TRANSLATOR_KEY", "cli-test-key")
    monkeypatch.setenv("DOCTRANSLATE_RETRY_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("DOCTRANSLATE_RETRY_BACKOFF_SECONDS", "0")
    monkeypatch.setenv("DOCTRANSLATE_RETRY_BACKOFF_MAX_SECONDS", "0")


def test_status_prints_the_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    with dropping_server(drops=0, body=STATUS) as (url, seen):
        monkeypatch.setenv("DOCTRANSLATE_TRANSLATOR_ENDPOINT", url)
        result = CliRunner().invoke(app, ["status", BATCH])

    assert result.exit_code == 0, result.output
    assert "Succeeded" in result.output and "succeeded 2, failed 1" in result.output
    assert seen == [f"GET /translator/document/batches/{BATCH}?api-version=2026-03-01 HTTP/1.1"]


def test_service_errors_exit_1_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    body = {"error": {"code": "ResourceNotFound", "message": "id not found"}}
    with dropping_server(drops=0, body=body, status="404 Not Found") as (url, _):
        monkeypatch.setenv("DOCTRANSLATE_TRANSLATOR_ENDPOINT", url)
        result = CliRunner().invoke(app, ["status", BATCH])

    assert result.exit_code == 1
    assert "HTTP 404 ResourceNotFound" in result.output
    assert "Traceback" not in result.output


def test_bad_configuration_exits_2_and_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCTRANSLATE_TRANSLATOR_ENDPOINT", "http://translator.example.com")

    result = CliRunner().invoke(app, ["status", BATCH])

    assert result.exit_code == 2
    assert "DOCTRANSLATE_TRANSLATOR_ENDPOINT" in result.output


def test_a_command_without_a_translator_or_a_running_stack_says_how_to_get_one() -> None:
    result = CliRunner().invoke(app, ["batches"])

    assert result.exit_code == 2
    assert "no local stack running here" in result.output and "doctranslate stack up" in result.output
