"""Configuration kept on the Prefect server, so a worker needs no `.env`: the translator in a block of ours,
storage in prefect-azure's `AzureBlobStorageCredentials`, each chosen by block name (in the request, or in
`DOCTRANSLATE_TRANSLATOR_BLOCK` / `DOCTRANSLATE_STORAGE_BLOCK` on the worker).

Block names travel as flow parameters; the secrets they hold never do: they are read inside the run and
go into `Settings` as `SecretStr`s. Register our block type once per server:
`prefect block register -m doctranslate_prefect.deployments.blocks`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from prefect.blocks.core import Block
from pydantic import Field, SecretStr

from doctranslate.errors import ConfigurationError
from doctranslate.local.stack import running_stack
from doctranslate.settings import Settings, load_settings

if TYPE_CHECKING:
    from prefect_azure import AzureBlobStorageCredentials

logger = logging.getLogger("doctranslate.deployments")


class DocumentTranslatorCredentials(Block):
    """Where doctranslate's flows reach Azure AI Document Translation, and how they sign in."""

    _block_type_name = "Document Translator Credentials"
    _block_type_slug = "document-translator-credentials"
    _description = "The Translator resource doctranslate submits batches to: endpoint, and key or Entra ID."

    endpoint: str = Field(
        description="Your Translator resource's custom domain, https://<name>.cognitiveservices.azure.com"
    )
    key: SecretStr | None = Field(
        default=None, description="The resource key; leave empty to sign in with Entra ID (DefaultAzureCredential)."
    )


async def settings_from_blocks(
    settings: Settings, *, translator_block: str | None = None, storage_block: str | None = None
) -> Settings:
    """`settings` with the translator and storage taken from the named blocks (the arguments, else the
    settings' own `translator_block` / `storage_block`); unchanged when no block is named."""
    overrides, _ = await values_from_blocks(settings, translator_block=translator_block, storage_block=storage_block)
    if overrides:
        return load_settings(**overrides)
    if settings.translator_endpoint is None and (stack := running_stack()) is not None:
        # A worker with nothing configured, where the local stack runs: what the CLI does too.
        logger.info("no translator configured: using the local stack in %s", stack.home)
        return load_settings(**stack.settings)
    return settings


async def values_from_blocks(
    settings: Settings, *, translator_block: str | None = None, storage_block: str | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The settings the named blocks give, and for each where it came from (`block <name> (<type>)`), for
    `doctranslate config` to show beside the environment's and `.env`'s."""
    overrides: dict[str, Any] = {}
    sources: dict[str, str] = {}
    translator = translator_block or settings.translator_block
    if translator:
        credentials = await _load(DocumentTranslatorCredentials, translator)
        given = {"translator_endpoint": credentials.endpoint, "translator_key": credentials.key}
        overrides |= given
        sources |= dict.fromkeys(given, f"block {translator} ({DocumentTranslatorCredentials._block_type_name})")
    storage = storage_block or settings.storage_block
    if storage:
        # prefect-azure is imported only when a block is named: it takes 0.2 s (its workers, Docker's SDK,
        # azure-identity), which every run on plain settings would otherwise pay before it starts.
        from prefect_azure import AzureBlobStorageCredentials

        given = _storage(await _load(AzureBlobStorageCredentials, storage), storage)
        overrides |= given
        sources |= dict.fromkeys(given, f"block {storage} ({AzureBlobStorageCredentials._block_type_name})")
    return overrides, sources


def _storage(credentials: AzureBlobStorageCredentials, name: str) -> dict[str, Any]:
    if credentials.connection_string is not None:
        return {"storage_connection_string": credentials.connection_string, "storage_account_url": None}
    if credentials.client_id or credentials.client_secret:
        raise ConfigurationError(
            f"storage block {name!r} uses a service principal, which doctranslate does not take from a block",
            hint="give the block a connection string, or an account URL alone (DefaultAzureCredential)",
        )
    return {"storage_connection_string": None, "storage_account_url": credentials.account_url}


async def _load(kind: type[Any], name: str) -> Any:
    try:
        return await kind.aload(name)
    except ValueError as exc:
        raise ConfigurationError(
            f"no {kind.__name__} block named {name!r} on the Prefect server ({exc})",
            hint="create it in the Prefect UI (Blocks) or with its Python class, then run again",
        ) from None
