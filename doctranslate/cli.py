"""The `doctranslate` command line.

Exit codes: 0 success, 1 the service reported a failure, 2 bad input or configuration. Errors are
printed as one line (already redacted) with what to do next, never as a traceback.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, ParamSpec, TypeVar

import typer

from doctranslate.client import DocumentTranslationClient, ListQuery
from doctranslate.errors import BadInputError, ConfigurationError, DocTranslateError, describe_document_error
from doctranslate.redaction import install_log_redaction
from doctranslate.settings import load_settings
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
        except (ConfigurationError, BadInputError) as exc:
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


@app.command()
@reports_errors
def cancel(batch_id: str) -> None:
    """Cancel a batch. Documents already translated stay translated (and charged)."""
    with _client() as client:
        typer.echo(_summary_line(client.cancel_translation(batch_id)))
