"""REST client for Azure AI Document Translation (and the local service), sync and async."""

from doctranslate.client.async_client import AsyncDocumentTranslationClient, AsyncTranslationPoller
from doctranslate.client.calls import TranslatedDocument
from doctranslate.client.config import ClientConfig
from doctranslate.client.progress import BatchView
from doctranslate.client.routes import ListQuery
from doctranslate.client.sync_client import DocumentTranslationClient, TranslationPoller
from doctranslate.http.retry import RetryPolicy

__all__ = [
    "AsyncDocumentTranslationClient",
    "AsyncTranslationPoller",
    "BatchView",
    "ClientConfig",
    "DocumentTranslationClient",
    "ListQuery",
    "RetryPolicy",
    "TranslatedDocument",
    "TranslationPoller",
]
