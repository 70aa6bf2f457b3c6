"""doctranslate: document translation at scale on Azure AI Document Translation.

This package is the Prefect-free core: settings, wire models, the REST client, storage and planning.
`flows/` and `tasks/` build the Prefect pipeline on top of it.
"""

from doctranslate.client import (
    AsyncDocumentTranslationClient,
    ClientConfig,
    DocumentTranslationClient,
    ListQuery,
    RetryPolicy,
)
from doctranslate.errors import (
    AuthenticationError,
    BadInputError,
    BatchFailedError,
    ConfigurationError,
    DocTranslateError,
    InvalidRequestError,
    NotFoundError,
    PollTimeoutError,
    RetryExhaustedError,
    ServiceError,
)
from doctranslate.redaction import SasUrl, install_log_redaction, redact_text
from doctranslate.settings import ApiVersion, Settings, load_settings

__all__ = [
    "ApiVersion",
    "AsyncDocumentTranslationClient",
    "AuthenticationError",
    "BadInputError",
    "BatchFailedError",
    "ClientConfig",
    "ConfigurationError",
    "DocTranslateError",
    "DocumentTranslationClient",
    "InvalidRequestError",
    "ListQuery",
    "NotFoundError",
    "PollTimeoutError",
    "RetryExhaustedError",
    "RetryPolicy",
    "SasUrl",
    "ServiceError",
    "Settings",
    "install_log_redaction",
    "load_settings",
    "redact_text",
]
