"""The local stack's commands: `local-service` (the Azure-compatible translation service in the foreground)
and `stack up|down|status` (Azurite and the service in the background)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr

from doctranslate.cli import reports_errors
from doctranslate.errors import ConfigurationError
from doctranslate.local.faults import FaultPlan
from doctranslate.local.sas_storage import DEFAULT_ALLOWED_HOSTS
from doctranslate.local.stack import StackInfo, default_home, make_prefect_database_template, stack_down, stack_up

commands = typer.Typer()


@commands.command("local-service")
@reports_errors
def local_service(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 5300,
    key: Annotated[
        str | None,
        typer.Option(envvar="DOCTRANSLATE_LOCAL_KEY", help="Key clients must send (default: one made up and printed)."),
    ] = None,
    open_: Annotated[
        bool,
        typer.Option(
            "--open",
            help="No key: on loopback only, for requests to a loopback name with JSON bodies (no web page can).",
        ),
    ] = False,
    state_dir: Annotated[
        Path | None, typer.Option(help="Keep batches here (SQLite) so a restart loses none; default: memory.")
    ] = None,
    engine: Annotated[str, typer.Option(help="Translation engine.")] = "pseudo",
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Documents translated at once.")] = 4,
    allow_storage_host: Annotated[
        list[str] | None,
        typer.Option(
            help="Storage the service may contact: host:port, or a host pattern for https on 443 (repeatable; "
            "default: *.blob.core.windows.net and Azurite's 127.0.0.1:10000)."
        ),
    ] = None,
    access_log: Annotated[
        bool, typer.Option("--access-log", help="Log every request (method, path, status), e.g. to count polls.")
    ] = False,
) -> None:
    """Run the local Azure-compatible Document Translation service (faults: DOCTRANSLATE_FAULT_* variables)."""
    from doctranslate.local.app import LocalServiceConfig  # the service's web stack: only for this command
    from doctranslate.local.server import serve

    if open_ and key:
        raise ConfigurationError("--open and --key exclude each other: a service either checks a key or has none")
    if not open_ and not key:
        key = secrets.token_urlsafe(24)
        typer.echo(f"no --key given: clients must send the header Ocp-Apim-Subscription-Key: {key}", err=True)
    config = LocalServiceConfig(
        key=SecretStr(key) if key else None,
        state_dir=state_dir,
        engine=engine,
        concurrency=concurrency,
        allowed_storage_hosts=tuple(allow_storage_host) if allow_storage_host else DEFAULT_ALLOWED_HOSTS,
        faults=FaultPlan(),
    )
    serve(config, host=host, port=port, access_log=access_log)


stack_app = typer.Typer(
    help="The local stack: Azurite, the local translation service and a Prefect server with its UI, in the background."
)
commands.add_typer(stack_app, name="stack")


def _print_environment(info: StackInfo) -> None:
    for name, value in info.environment.items():
        typer.echo(f"export {name}='{value}'")


@stack_app.command("up")
@reports_errors
def stack_up_command() -> None:
    """Start the stack (if not running) and print the settings that point doctranslate at it."""
    info = stack_up()
    typer.echo(f"# local stack running: Azurite on port {info.azurite.port}, translator on port {info.service.port}")
    typer.echo(f"# Prefect UI: {info.ui_url}")
    typer.echo(f"# logs and data: {info.home}")
    _print_environment(info)


@stack_app.command("prepare")
@reports_errors
def stack_prepare_command() -> None:
    """Make the empty Prefect database new stacks start from (scripts/setup runs this after each install)."""
    typer.echo(f"Prefect database template: {make_prefect_database_template()}")


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
    typer.echo(f"# Prefect UI: {info.ui_url or '(none: restart the stack to get one)'}")
    _print_environment(info)
