"""The core's commands of the `doctranslate` command line: settings, the service's formats and batches,
and blob-arrival events. `doctranslate_prefect.flows.cli.build_app` puts them together with the local
stack's and the pipeline's commands.

Exit codes: 0 success, 1 the service reported a failure, 2 bad input or configuration. Errors are
printed as one line (already redacted) with what to do next, never as a traceback.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from pydantic import SecretStr

from doctranslate.client import DocumentTranslationClient, ListQuery
from doctranslate.errors import (
    AuthenticationError,
    BadInputError,
    ConfigurationError,
    DocTranslateError,
    describe_document_error,
)
from doctranslate.languages import LANGUAGES, LANGUAGES_AS_OF
from doctranslate.local.stack import running_stack
from doctranslate.pipeline.glossaries import select_glossaries, terms_for
from doctranslate.qa.check import check_folders
from doctranslate.redaction import install_log_redaction, log_to_console
from doctranslate.settings import Settings, load_settings
from doctranslate.verbosity import verbose
from doctranslate.wire import Status, TranslationStatus

commands = typer.Typer()
"""Talking to the translator and storage: no Prefect, no local stack."""

P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn our exceptions into one clear line and the documented exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        install_log_redaction()
        try:
            return command(*args, **kwargs)
        except (ConfigurationError, BadInputError, AuthenticationError) as exc:
            _say_error(exc)
            raise typer.Exit(2) from None
        except DocTranslateError as exc:
            _say_error(exc)
            raise typer.Exit(1) from None

    return wrapper


def _say_error(exc: DocTranslateError) -> None:
    """One line, already redacted; the traceback too only with `--verbose` (`DOCTRANSLATE_VERBOSE=1`)."""
    if verbose():
        traceback.print_exception(exc)
    typer.echo(f"error: {exc}", err=True)


def _client() -> DocumentTranslationClient:
    return DocumentTranslationClient.from_settings(settings_or_local_stack())


def settings_or_local_stack() -> Settings:
    """The settings; with no translator configured, those of the local stack `translate` started, when it is
    running (said on stderr, so a script's output stays clean), else the error that says how to get one."""
    settings = load_settings()
    if settings.translator_endpoint is not None:
        return settings
    stack = running_stack()
    if stack is None:
        raise ConfigurationError(
            "no translator endpoint configured, and no local stack running here",
            hint="set DOCTRANSLATE_TRANSLATOR_ENDPOINT (and a key or `az login`), or start the local stack with "
            "`doctranslate stack up`",
        )
    typer.echo(f"(no Azure endpoint configured: using the local stack in {stack.home})", err=True)
    return load_settings(**stack.settings)


def _summary_line(status: TranslationStatus) -> str:
    s = status.summary
    return (
        f"{status.id}  {status.status.value:<16} {status.created_date_time_utc:%Y-%m-%d %H:%M}  "
        f"total {s.total}, succeeded {s.success}, failed {s.failed}, in progress {s.in_progress}, "
        f"waiting {s.not_yet_started}, cancelled {s.cancelled}, characters {s.total_character_charged}"
    )


@commands.command()
@reports_errors
def check(
    source: Annotated[Path, typer.Argument(help="The source folder.")],
    output: Annotated[Path, typer.Argument(help="The translations: <output>/<language>/<path under the source>.")],
    glossary: Annotated[
        list[str] | None, typer.Option("--glossary", help="Glossary the outputs should follow, or lang=file.")
    ] = None,
) -> None:
    """QA: check every translation under OUTPUT against its source, also translations made elsewhere.

    Exit 0 with no findings, 1 with findings (each named: document, language, rule, segment, what to do)."""
    for folder, what in ((source, "source"), (output, "output")):
        if not folder.is_dir():
            raise BadInputError(f"{what} {folder} is not a folder", hint="give the source folder, then the output one")
    languages = sorted(p.name for p in output.iterdir() if p.is_dir() and not p.name.startswith("."))
    chosen = select_glossaries(glossary or [], languages) if languages else []
    result = check_folders(source, output, {language: terms_for(chosen, language) for language in languages})
    for finding in result.findings:
        segment = f' "{finding.segment}"' if finding.segment else ""
        typer.echo(
            f"{finding.source} -> {finding.language}: {finding.rule}: {finding.detail}{segment} — {finding.hint}"
        )
    counts = ", ".join(f"{rule} {count}" for rule, count in result.summary.by_rule.items()) or "none"
    typer.echo(f"checked {result.summary.documents} translation(s): {result.summary.findings} finding(s) ({counts})")
    if result.findings:
        raise typer.Exit(1)


@commands.command()
@reports_errors
def formats(glossary: Annotated[bool, typer.Option("--glossary", help="List glossary formats.")] = False) -> None:
    """List the document (or glossary) formats the service accepts."""
    with _client() as client:
        found = client.get_supported_glossary_formats() if glossary else client.get_supported_document_formats()
    for item in found:
        typer.echo(f"{item.format:<26} {' '.join(item.file_extensions)}")


@commands.command(
    help=f"List the languages the service translates: the copy every code is checked against (taken {LANGUAGES_AS_OF})."
)
def languages(
    like: Annotated[str | None, typer.Argument(help="Only codes or names containing this, e.g. 'port'.")] = None,
) -> None:
    wanted = (like or "").lower()
    for code, name in LANGUAGES.items():
        if wanted in code.lower() or wanted in name.lower():
            typer.echo(f"{code:<10} {name}")


@commands.command()
@reports_errors
def batches(
    status: Annotated[list[Status] | None, typer.Option(help="Only batches in these states.")] = None,
    top: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 20,
) -> None:
    """List recent batches on the translator resource."""
    with _client() as client:
        for batch in client.list_translation_statuses(ListQuery(statuses=status or None, top=top)):
            typer.echo(_summary_line(batch))


@commands.command("status")
@reports_errors
def batch_status(
    batch_id: str,
    documents: Annotated[bool, typer.Option("--documents", help="Also list every document.")] = False,
) -> None:
    """Show one batch, and optionally each of its documents."""
    with _client() as client:
        typer.echo(_summary_line(client.get_translation_status(batch_id)))
        if documents:
            for doc in client.list_document_statuses(batch_id):
                if doc.error is None:
                    typer.echo(f"  {doc.status.value:<10} {doc.to:<8} {doc.source_path}")
                else:
                    problem = describe_document_error(
                        doc.source_path, doc.to, doc.error.innermost_code, doc.error.innermost_message
                    )
                    typer.echo(f"  {doc.status.value:<10} {problem}")


@commands.command()
@reports_errors
def cancel(batch_id: str) -> None:
    """Cancel a batch. Documents already translated stay translated (and charged)."""
    with _client() as client:
        typer.echo(_summary_line(client.cancel_translation(batch_id)))


events_app = typer.Typer(help="Blob arrivals as Prefect events: the Event Grid relay and the container watcher.")
commands.add_typer(events_app, name="events")


@events_app.command("relay")
@reports_errors
def events_relay(
    secret: Annotated[
        str, typer.Option(envvar="DOCTRANSLATE_RELAY_SECRET", help="The ?code= value Event Grid must send.")
    ],
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 5400,
    ssl_certfile: Annotated[Path | None, typer.Option(help="TLS certificate (Event Grid needs HTTPS).")] = None,
    ssl_keyfile: Annotated[Path | None, typer.Option(help="TLS key.")] = None,
) -> None:
    """Receive Event Grid deliveries at /eventgrid?code=SECRET and post blob arrivals to PREFECT_API_URL."""
    import uvicorn

    from doctranslate.events.prefect_sink import PrefectEventSink
    from doctranslate.events.relay import create_relay_app

    if len(secret) < 16:
        raise ConfigurationError("DOCTRANSLATE_RELAY_SECRET is too short: use 16 or more random characters")
    log_to_console()
    relay = create_relay_app(PrefectEventSink.from_environment(), SecretStr(secret))
    certificate = {"ssl_certfile": str(ssl_certfile), "ssl_keyfile": str(ssl_keyfile)} if ssl_certfile else {}
    uvicorn.run(relay, host=host, port=port, log_level="warning", access_log=False, **certificate)  # type: ignore[arg-type]


@events_app.command("watch")
@reports_errors
def events_watch(
    container: Annotated[str, typer.Argument(help="The container documents arrive in.")],
    prefix: Annotated[str, typer.Option(help="Only blobs whose names start with this.")] = "",
    interval: Annotated[float, typer.Option(min=1, help="Seconds between listings.")] = 30,
    once: Annotated[bool, typer.Option(help="List once, report, and exit.")] = False,
) -> None:
    """Poll CONTAINER and post a Prefect event for every new or changed blob (for Azurite, or no Event Grid)."""
    import time

    from doctranslate.events.prefect_sink import PrefectEventSink
    from doctranslate.events.watcher import ContainerWatcher
    from doctranslate.storage.account import StorageAccount

    log_to_console()
    settings = load_settings()
    account = StorageAccount(settings)
    account.ensure_container(settings.target_container)
    watcher = ContainerWatcher(account, container, prefix, state_container=settings.target_container)
    sink = PrefectEventSink.from_environment()
    while True:
        arrivals = watcher.poll()
        sink.emit([arrival.to_prefect_event() for arrival in arrivals])
        watcher.commit()
        if arrivals:
            typer.echo(f"{len(arrivals)} blob arrival(s) in {container}/{prefix} reported to Prefect")
        if once:
            return
        time.sleep(interval)
