"""The `doctranslate` command line.

Exit codes: 0 success, 1 the service reported a failure, 2 bad input or configuration. Errors are
printed as one line (already redacted) with what to do next, never as a traceback.
"""

from __future__ import annotations

import functools
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
from doctranslate.local.sas_storage import DEFAULT_ALLOWED_HOSTS
from doctranslate.redaction import install_log_redaction, log_to_console
from doctranslate.settings import load_settings
from doctranslate.stack import StackInfo, default_home, stack_down, stack_up
from doctranslate.wire import Status, TranslationStatus

app = typer.Typer(help="Document translation at scale on Azure AI Document Translation.", no_args_is_help=True)

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
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        except DocTranslateError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None

    return wrapper


def _client() -> DocumentTranslationClient:
    return DocumentTranslationClient.from_settings(load_settings())


def _summary_line(status: TranslationStatus) -> str:
    s = status.summary
    return (
        f"{status.id}  {status.status.value:<16} {status.created_date_time_utc:%Y-%m-%d %H:%M}  "
        f"total {s.total}, succeeded {s.success}, failed {s.failed}, in progress {s.in_progress}, "
        f"waiting {s.not_yet_started}, cancelled {s.cancelled}, characters {s.total_character_charged}"
    )


@app.command()
@reports_errors
def config() -> None:
    """Show the effective settings (secrets masked) and where they come from."""
    settings = load_settings()
    for name, value in settings:
        typer.echo(f"{name:<28} {value}")


@app.command()
@reports_errors
def formats(glossary: Annotated[bool, typer.Option("--glossary", help="List glossary formats.")] = False) -> None:
    """List the document (or glossary) formats the service accepts."""
    with _client() as client:
        found = client.get_supported_glossary_formats() if glossary else client.get_supported_document_formats()
    for item in found:
        typer.echo(f"{item.format:<26} {' '.join(item.file_extensions)}")


@app.command()
@reports_errors
def batches(
    status: Annotated[list[Status] | None, typer.Option(help="Only batches in these states.")] = None,
    top: Annotated[int, typer.Option(min=1, help="At most this many, newest first.")] = 20,
) -> None:
    """List recent batches on the translator resource."""
    with _client() as client:
        for batch in client.list_translation_statuses(ListQuery(statuses=status or None, top=top)):
            typer.echo(_summary_line(batch))


@app.command("status")
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


@app.command("local-service")
@reports_errors
def local_service(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 5300,
    key: Annotated[
        str | None, typer.Option(envvar="DOCTRANSLATE_LOCAL_KEY", help="Key clients must send (none: open).")
    ] = None,
    state_dir: Annotated[
        Path | None, typer.Option(help="Keep batches here (SQLite) so a restart loses none; default: memory.")
    ] = None,
    engine: Annotated[str, typer.Option(help="Translation engine.")] = "pseudo",
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Documents translated at once.")] = 4,
    allow_storage_host: Annotated[
        list[str] | None,
        typer.Option(help="Storage hosts the service may contact (repeatable; default: loopback and Azure blob)."),
    ] = None,
    access_log: Annotated[
        bool, typer.Option("--access-log", help="Log every request (method, path, status), e.g. to count polls.")
    ] = False,
) -> None:
    """Run the local Azure-compatible Document Translation service (faults: DOCTRANSLATE_FAULT_* variables)."""
    from doctranslate.local.app import LocalServiceConfig  # the service's web stack: only for this command
    from doctranslate.local.faults import FaultPlan
    from doctranslate.local.server import serve

    config = LocalServiceConfig(
        key=SecretStr(key) if key else None,
        state_dir=state_dir,
        engine=engine,
        concurrency=concurrency,
        allowed_storage_hosts=tuple(allow_storage_host) if allow_storage_host else DEFAULT_ALLOWED_HOSTS,
        faults=FaultPlan(),
    )
    serve(config, host=host, port=port, access_log=access_log)


@app.command()
@reports_errors
def cancel(batch_id: str) -> None:
    """Cancel a batch. Documents already translated stay translated (and charged)."""
    with _client() as client:
        typer.echo(_summary_line(client.cancel_translation(batch_id)))


stack_app = typer.Typer(help="The local stack: Azurite + the local translation service, in the background.")
app.add_typer(stack_app, name="stack")


def _print_environment(info: StackInfo) -> None:
    for name, value in info.environment.items():
        typer.echo(f"export {name}='{value}'")


@stack_app.command("up")
@reports_errors
def stack_up_command() -> None:
    """Start the stack (if not running) and print the settings that point doctranslate at it."""
    info = stack_up()
    typer.echo(f"# local stack running: Azurite on port {info.azurite.port}, translator on port {info.service.port}")
    typer.echo(f"# logs and data: {info.home}")
    _print_environment(info)


@stack_app.command("down")
@reports_errors
def stack_down_command() -> None:
    """Stop the stack (Azurite is stopped gracefully so it keeps every write)."""
    typer.echo("local stack stopped" if stack_down() else "no local stack was running here")


@stack_app.command("status")
@reports_errors
def stack_status_command() -> None:
    """Say whether the stack is running, and its settings."""
    info = StackInfo.load(default_home())
    if info is None or not info.running:
        typer.echo("local stack: not running (start it with `doctranslate stack up`)")
        raise typer.Exit(1)
    typer.echo(f"# local stack running: Azurite pid {info.azurite.pid}, translator pid {info.service.pid}")
    _print_environment(info)


events_app = typer.Typer(help="Blob arrivals as Prefect events: the Event Grid relay and the container watcher.")
app.add_typer(events_app, name="events")


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

    from doctranslate.event_relay import create_relay_app
    from doctranslate.prefect_events import PrefectEventSink

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
    import hashlib
    import time

    from doctranslate.event_watch import ContainerWatcher
    from doctranslate.prefect_events import PrefectEventSink
    from doctranslate.storage import StorageAccount

    log_to_console()
    settings = load_settings()
    suffix = f"-{hashlib.sha256(prefix.encode()).hexdigest()[:8]}" if prefix else ""
    watcher = ContainerWatcher(
        StorageAccount(settings), container, prefix, settings.state_dir / "watch" / f"{container}{suffix}.json"
    )
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


if __name__ == "__main__":
    app()
