"""The `doctranslate` command: `build_app` puts together the core's commands, the local stack's, and the
pipeline's (`translate`, `rerun-failed`, `translate-sets`, `serve`, `notifications`), which run the flows.

Lives beside the flows, not in the core package, because the core never imports Prefect.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import yaml
from pydantic import ValidationError

from doctranslate.cli import commands as service_commands
from doctranslate.cli import reports_errors
from doctranslate.errors import BadInputError, ConfigurationError, describe_document_error
from doctranslate.local.commands import commands as local_commands
from doctranslate.local.stack import stack_up
from doctranslate.pipeline.plan import preflight
from doctranslate.pipeline.report import RunReport
from doctranslate.pipeline.request import (
    LanguageSetsRequest,
    OnExisting,
    QaPolicy,
    TranslationRequest,
    describe_request_error,
    out_dir_of_set,
)
from doctranslate.settings import load_settings
from doctranslate.storage.locations import is_storage_spec

pipeline_commands = typer.Typer()
"""The commands that run the Prefect flows and manage deployments."""


def _prefect_defaults(state_dir: Path) -> None:
    """Prefect reads these at import: keep its database per project, offline, and patient on cold starts."""
    home = (state_dir / "prefect-home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(home))
    # Our own log lines (retries, submissions, downloads) appear with the run's, in the console and the UI.
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "doctranslate")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


T = TypeVar("T")


def _run_flow(flow_call: Coroutine[Any, Any, T]) -> T:
    """Run a flow, then let Prefect finish sending its events and logs before we print the outcome.

    Otherwise Prefect drains them at exit and its "still processing items" lines land after our last word.
    """
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    try:
        return asyncio.run(flow_call)
    finally:
        EventsWorker.drain_all(timeout=30, at_exit=False)
        APILogWorker.drain_all(timeout=30, at_exit=False)


def _use_local_stack_if_unconfigured() -> None:
    settings = load_settings()
    if settings.translator_endpoint is not None or settings.translator_block is not None:
        return
    info = stack_up()
    os.environ.update(info.environment)
    typer.echo(
        f"No Azure endpoint configured: using the local stack (Azurite + the local translation service, data in "
        f"{info.home}); it keeps running for the next run — stop it with `doctranslate stack down`.",
        err=True,
    )


@pipeline_commands.command()
@reports_errors
def translate(
    sources: Annotated[
        list[str],
        typer.Argument(help="Folders (recursively) or files, or documents in storage: az://container/prefix."),
    ],
    to: Annotated[str, typer.Option("--to", help="Target languages, comma-separated: fr,de,ja.")],
    source_language: Annotated[str | None, typer.Option("--from", help="Source language (default: detect).")] = None,
    out: Annotated[
        str,
        typer.Option(
            "--out",
            help="Output folder (<out>/<lang>/<path> and the report), or az://container/prefix to keep the "
            "translations and the report in storage, not downloaded.",
        ),
    ] = "translations",
    glossary: Annotated[
        list[str] | None, typer.Option("--glossary", help="Glossary file or folder, or lang=file (repeatable).")
    ] = None,
    on_existing: Annotated[OnExisting, typer.Option(help="For translations that already exist.")] = OnExisting.SKIP,
    include: Annotated[list[str] | None, typer.Option(help="Only files matching this glob (repeatable).")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="Leave out files matching this glob (repeatable).")] = None,
    job: Annotated[str | None, typer.Option(help="Job folder name in storage (default: source folder name).")] = None,
    budget: Annotated[float | None, typer.Option(help="Stop before submitting if the estimate is above this.")] = None,
    qa: Annotated[
        QaPolicy,
        typer.Option(help="Check every translation against its source: report findings, fail on them, or not."),
    ] = QaPolicy.WARN,
) -> None:
    """Translate documents with the Prefect pipeline; exit 0 if all succeeded, 1 if some failed, 2 for bad input."""
    try:
        request = TranslationRequest(
            sources=sources,
            languages=[code.strip() for code in to.split(",") if code.strip()],
            source_language=source_language,
            out_dir=out,
            glossaries=glossary or [],
            on_existing=on_existing,
            include=include or [],
            exclude=exclude or [],
            job=job,
            budget=budget,
            qa=qa,
        )
    except ValidationError as exc:
        raise BadInputError(describe_request_error(exc)) from None
    preflight(request)
    if not is_storage_spec(out) and Path(out).exists() and not Path(out).is_dir():
        raise BadInputError(f"--out {out} is a file", hint="give a folder for the translations and the report")
    _prefect_defaults(load_settings().state_dir)
    _use_local_stack_if_unconfigured()
    from doctranslate_prefect.flows.translate import translate_documents

    report = _run_flow(translate_documents(request))
    _finish(report, out)


def _finish(report: RunReport, out: str) -> None:
    s = report.summary
    typer.echo(
        f"\n{s.succeeded} translated, {s.already_translated} already up to date, {s.failed} failed, "
        f"{s.skipped_files} file(s) not submitted; {s.characters_charged:,} characters charged ({s.cost:.4f})."
    )
    if out:
        base = out.rstrip("/")
        typer.echo(f"Translations: {base}/<language>/...   Report: {base}/report.md and {base}/report.json")
    else:
        typer.echo("Translations and report: in storage, in the target container under the job's name")
    for failure in report.failures:
        problem = describe_document_error(failure.source, failure.language, failure.error, failure.message)
        typer.echo(f"  failed: {problem}")
    for skipped in report.skipped_files:
        typer.echo(f"  not submitted: {skipped.source}: {skipped.reason}")
    if report.qa is not None and report.qa.findings:
        counts = ", ".join(f"{rule} {count}" for rule, count in report.qa.summary.by_rule.items())
        typer.echo(f"QA: {report.qa.summary.findings} finding(s) ({counts}); each is listed in the report")
    if report.failures:
        raise typer.Exit(1)


@pipeline_commands.command("rerun-failed")
@reports_errors
def rerun_failed_command(
    report: Annotated[
        str, typer.Argument(help="report.json of an earlier run: a local file, or az://container/prefix/report.json.")
    ],
) -> None:
    """Translate again only the documents x languages that failed in REPORT (after fixing them)."""
    if not is_storage_spec(report) and not Path(report).is_file():
        raise BadInputError(f"report {report} does not exist", hint="give the report.json of an earlier run")
    _prefect_defaults(load_settings().state_dir)
    _use_local_stack_if_unconfigured()
    from doctranslate_prefect.flows.rerun import rerun_failed

    merged = _run_flow(rerun_failed(report))
    _finish(merged, report.rsplit("/", 1)[0] if "/" in report else ".")


@pipeline_commands.command("translate-sets")
@reports_errors
def translate_sets_command(
    sets_file: Annotated[Path, typer.Argument(help="YAML: {base: {sources, out_dir, ...}, sets: [{name, languages}]}")],
) -> None:
    """Translate one source into several named language sets, each into <out_dir>/<set name>/."""
    try:
        request = LanguageSetsRequest.model_validate(yaml.safe_load(sets_file.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise BadInputError(f"{sets_file}: {describe_request_error(exc)}") from None
    except (OSError, yaml.YAMLError) as exc:
        raise BadInputError(f"{sets_file}: {exc}") from None
    preflight(request.base)
    _prefect_defaults(load_settings().state_dir)
    _use_local_stack_if_unconfigured()
    from doctranslate_prefect.flows.translate import translate_language_sets

    reports = _run_flow(translate_language_sets(request))
    failed = False
    for name, one in reports.items():
        typer.echo(f"[{name}]", nl=False)
        try:
            _finish(one, out_dir_of_set(request.base.out_dir, name))
        except typer.Exit:
            failed = True
    if failed:
        raise typer.Exit(1)


@pipeline_commands.command("serve")
@reports_errors
def serve_command(
    limit: Annotated[int, typer.Option(min=1, help="Flow runs at once.")] = 4,
) -> None:
    """Serve every deployment of prefect.yaml from this process (no work pool, no worker) until stopped.

    Needs a Prefect server (PREFECT_API_URL): schedules, triggers and UI runs come from it."""
    if not os.environ.get("PREFECT_API_URL"):
        raise ConfigurationError(
            "PREFECT_API_URL is not set: start a server (`prefect server start`) and export "
            "PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    from doctranslate_prefect.deployments.serve import serve_project

    serve_project(limit=limit)


notifications_app = typer.Typer(help="Prefect automations that call a webhook when a run or its documents fail.")
pipeline_commands.add_typer(notifications_app, name="notifications")


@notifications_app.command("install")
@reports_errors
def notifications_install(
    webhook_block: Annotated[
        str, typer.Option(help="Name of a Prefect webhook block (`prefect block create webhook`).")
    ],
) -> None:
    """Create or replace the two automations on the Prefect server at PREFECT_API_URL."""
    from doctranslate_prefect.deployments.notifications import install_notifications

    created = asyncio.run(install_notifications(webhook_block))
    typer.echo(f"{len(created)} automation(s) installed, calling webhook block {webhook_block!r}")


def build_app() -> typer.Typer:
    """The whole command line, built in one place (no command appears by the side effect of an import)."""
    app = typer.Typer(help="Document translation at scale on Azure AI Document Translation.", no_args_is_help=True)
    for group in (service_commands, local_commands, pipeline_commands):
        app.add_typer(group)
    return app


def main() -> None:
    build_app()()


if __name__ == "__main__":
    main()
