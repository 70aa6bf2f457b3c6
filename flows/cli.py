"""The `doctranslate` command: `build_app` puts together the core's commands, the local stack's, and the
pipeline's (`translate`, `rerun-failed`, `translate-sets`, `serve`, `notifications`), which run the flows.

Lives beside the flows, not in the core package, because the core never imports Prefect.
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import yaml
from pydantic import ValidationError

from doctranslate.cli import commands as service_commands
from doctranslate.cli import reports_errors
from doctranslate.errors import BadInputError, ConfigurationError, describe_document_error
from doctranslate.local.commands import commands as local_commands
from doctranslate.local.stack import StackInfo, default_home, stack_up
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
from doctranslate.pipeline.single import plan_single
from doctranslate.settings import load_settings, setting_sources
from doctranslate.storage.locations import is_storage_spec
from doctranslate.verbosity import VERBOSE_ENV
from doctranslate_prefect.flows.console import quiet_prefect_console, run_console

if TYPE_CHECKING:  # Prefect is imported only once `_prefect_defaults` has set what it reads at import
    from prefect.client.schemas.objects import State

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
    quiet_prefect_console()


def _run_flow(flow_call: Awaitable[State[Any]]) -> Any:
    """Run a flow to its end state and give its result (a report, also when documents failed), then let Prefect
    finish sending its events and logs before we print the outcome, and say where the run is in the Prefect UI.

    Otherwise Prefect drains them at exit and its "still processing items" lines land after our last word.

    Everything made so far (Prefect's and our modules, pydantic's validators: most of the process's objects) is
    frozen out of the garbage collector's passes first: its full passes over them took 0.42 s of a 1,000-document
    run here (`gc.callbacks`), and those objects live to the end anyway.
    """
    from doctranslate_prefect.flows.translate import report_of

    async def run() -> Any:
        state = await flow_call
        run_id = state.state_details.flow_run_id
        api = os.environ.get("PREFECT_API_URL", "")
        if run_id and api.endswith("/api"):
            typer.echo(f"Run in the Prefect UI: {api.removesuffix('/api')}/runs/flow-run/{run_id}", err=True)
        return await report_of(state)

    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    try:
        with run_console():
            gc.freeze()
            return asyncio.run(run())
    finally:
        EventsWorker.drain_all(timeout=30, at_exit=False)
        APILogWorker.drain_all(timeout=30, at_exit=False)


def _use_local_stack_if_unconfigured() -> None:
    settings = load_settings()
    if settings.translator_endpoint is not None or settings.translator_block is not None:
        return
    current = StackInfo.load(default_home())
    if current is None or not current.running or current.prefect is None:
        typer.echo("Starting the local stack (Azurite, the local translation service, a Prefect server)...", err=True)
    info = stack_up()
    for name, value in info.environment.items():
        if name == "PREFECT_API_URL":  # a Prefect server the user chose stays theirs
            os.environ.setdefault(name, value)
        else:
            os.environ[name] = value
    typer.echo(
        f"No Azure endpoint configured: using the local stack (data in {info.home}; Prefect UI {info.ui_url}); it "
        "keeps running for the next run — stop it with `doctranslate stack down`.",
        err=True,
    )


@pipeline_commands.command()
@reports_errors
def config() -> None:
    """Show the effective settings (secrets masked) and where each comes from: environment, .env, a Prefect
    block (DOCTRANSLATE_TRANSLATOR_BLOCK / DOCTRANSLATE_STORAGE_BLOCK, read from PREFECT_API_URL's server), or
    default."""
    settings = load_settings()
    sources = setting_sources()
    if settings.translator_block or settings.storage_block:
        _prefect_defaults(settings.state_dir)
        from doctranslate_prefect.deployments.blocks import values_from_blocks

        overrides, from_blocks = asyncio.run(values_from_blocks(settings))
        settings, sources = load_settings(**overrides), sources | from_blocks
    for name, value in settings:
        typer.echo(f"{name:<30} {value!s:<48} {sources[name]}")


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
    category: Annotated[
        str | None, typer.Option(help="Custom Translator category id of a trained model (default: general).")
    ] = None,
    deployment: Annotated[
        str | None, typer.Option(help="Deployment name of a custom model or LLM on the resource (API 2026-03-01).")
    ] = None,
    translate_images: Annotated[
        bool,
        typer.Option(
            "--translate-images",
            help="Also translate text in images: image files, and pictures in .docx/.pptx (charged per image).",
        ),
    ] = False,
    sync: Annotated[
        bool,
        typer.Option(
            "--sync", help="Files up to 10 MB, one synchronous call per file and language: no storage, no batch."
        ),
    ] = False,
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
            category=category,
            deployment=deployment,
            translate_images=translate_images,
            sync=sync,
        )
    except ValidationError as exc:
        raise BadInputError(describe_request_error(exc)) from None
    request.check_api_version(load_settings().api_version)
    if request.sync:
        plan_single(request)  # all of its checks, before the stack or Prefect starts
    else:
        preflight(request)
    if not is_storage_spec(out) and Path(out).exists() and not Path(out).is_dir():
        raise BadInputError(f"--out {out} is a file", hint="give a folder for the translations and the report")
    _prefect_defaults(load_settings().state_dir)
    _use_local_stack_if_unconfigured()
    from doctranslate_prefect.flows.translate import translate_documents

    report = _run_flow(translate_documents(request, return_state=True))
    _finish(report, out)


def _finish(report: RunReport, out: str) -> None:
    s = report.summary
    typer.echo(
        f"\n{s.succeeded} translated, {s.already_translated} already up to date, {s.failed} failed, "
        f"{s.skipped_files} file(s) not submitted; {s.characters_charged:,} characters charged ({s.cost_text})."
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

    merged = _run_flow(rerun_failed(report, return_state=True))
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
    for one_set in request.for_each_set():  # each set's glossaries against its own languages
        preflight(one_set)
    _prefect_defaults(load_settings().state_dir)
    _use_local_stack_if_unconfigured()
    from doctranslate_prefect.flows.translate import translate_language_sets

    reports = _run_flow(translate_language_sets(request, return_state=True))
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


def _options(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Prefect's log lines and tracebacks too, not just progress.")
    ] = False,
) -> None:
    if verbose:
        os.environ[VERBOSE_ENV] = "1"


def build_app() -> typer.Typer:
    """The whole command line, built in one place (no command appears by the side effect of an import)."""
    app = typer.Typer(
        help="Document translation at scale on Azure AI Document Translation.",
        no_args_is_help=True,
        callback=_options,
    )
    for group in (service_commands, local_commands, pipeline_commands):
        app.add_typer(group)
    return app


def main() -> None:
    try:
        build_app()()
    finally:
        # At exit the interpreter runs the collector over every object left (0.6 s after a run here, most of the
        # command's last second); frozen, they are skipped, and freed all the same when the process ends.
        gc.freeze()


if __name__ == "__main__":
    main()
