"""The one exception hierarchy of the core package.

Every error says what went wrong *and what to do next*, because the person reading it is usually
looking at a failed overnight run, not at our source. Messages pass through `redact_text`, so an
exception can never carry a SAS signature or key into a log, a Prefect artifact or a report.
"""

from __future__ import annotations

from typing import Final

from doctranslate.redaction import redact_text


class DocTranslateError(Exception):
    """Base of everything doctranslate raises on purpose."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        self.message = redact_text(message)
        self.hint = redact_text(hint) if hint else None
        super().__init__(self.message if not self.hint else f"{self.message} — {self.hint}")


class ConfigurationError(DocTranslateError):
    """A setting is missing or invalid; the message names the environment variable to set."""


class BadInputError(DocTranslateError):
    """Input the user gave (a file, a language, a request field) cannot be used as it is."""


class BudgetExceededError(BadInputError):
    """The estimated cost is above the budget; nothing was submitted."""


class TargetsExistError(BadInputError):
    """`--on-existing fail` found outputs that already exist."""


class GlossaryError(BadInputError):
    """A glossary cannot be read; the message names the file and the line or element."""


class DocumentFormatError(BadInputError):
    """The document is corrupt, hostile or not what its extension says."""


class NoTranslatableTextError(BadInputError):
    """The document has no text to translate (the service's `NoTranslatableText`)."""


class RemoteError(DocTranslateError):
    """Something a remote HTTP service (the translator or blob storage) answered or failed to answer.

    `code` is the service's own error code (the translator's `error.code`, storage's `x-ms-error-code`),
    `inner_code` the translator's more specific one; callers match on `most_specific_code`.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: str | None = None,
        inner_code: str | None = None,
        request_id: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.status_code = status_code
        self.code = code
        self.inner_code = inner_code
        self.request_id = request_id
        super().__init__(message, hint=hint if hint is not None else hint_for(inner_code or code))

    @property
    def most_specific_code(self) -> str | None:
        return self.inner_code or self.code


class ServiceError(RemoteError):
    """The translation service answered with an error.

    `code` is the top-level error code (`InvalidRequest`, or the gateway's HTTP-status string such as
    `"429"`), `inner_code` the specific one (`InvalidDocumentAccessLevel`, `TargetFileAlreadyExists`).
    """


class StorageError(RemoteError):
    """Blob storage could not be reached or refused an operation (`code`: storage's `x-ms-error-code`)."""


class BlobExistsError(StorageError):
    """A create-only write found the blob already there (409/412)."""


class RetryExhaustedError(RemoteError):
    """Retries ran out on a throttled (429), unavailable (5xx) or unreachable service or storage account."""


class AuthenticationError(ServiceError):
    """401/403 from the translator: wrong key, wrong endpoint, token without access, or a free tier."""


class NotFoundError(ServiceError):
    """404: the batch or document id does not exist on this translator resource."""


class InvalidRequestError(ServiceError):
    """400: the service rejected the request body or parameters synchronously."""


class BatchFailedError(ServiceError):
    """The batch ended `ValidationFailed` (storage access, checked after the 202) or `Failed`."""

    def __init__(
        self,
        batch_id: str,
        status: str,
        message: str,
        *,
        code: str | None = None,
        inner_code: str | None = None,
    ) -> None:
        self.batch_id = batch_id
        self.status = status
        super().__init__(f"batch {batch_id} ended {status}: {message}", code=code, inner_code=inner_code)


# Plain-language next steps per service error code. Codes come from real recordings and the
# published catalogue (api-facts §5.2); unknown codes get no hint rather than a guess.
_HINTS: Final[dict[str, str]] = {
    "InvalidDocumentAccessLevel": (
        "the source SAS needs read and list permission (sp=rl), must not be expired, and must be a "
        "container SAS for a folder job; with managed identity, grant 'Storage Blob Data Contributor'"
    ),
    "InvalidTargetDocumentAccessLevel": (
        "the target SAS needs write and list permission (sp=wl) on the target container and must not "
        "be expired; with managed identity, grant 'Storage Blob Data Contributor'"
    ),
    "TargetFileAlreadyExists": (
        "the service never overwrites an output; re-run with --on-existing skip (keep it), overwrite "
        "(delete it first), version (write under a new prefix) or fail"
    ),
    "NoTranslatableText": "the document is empty or contains no text to translate (e.g. scanned images only)",
    "DocumentSizeExceeded": "the service reads documents of at most 40 MB; split the document or compress its images",
    "MaxDocumentsExceeded": "a batch holds at most 1,000 documents; narrow the prefix or submit several batches",
    "SASTokenInvalid": "a SAS token in the request is malformed or signed with the wrong key; generate a new one",
    "Unauthorized": (
        "check DOCTRANSLATE_TRANSLATOR_KEY (or the Entra ID role 'Cognitive Services User') and that the "
        "endpoint is your resource's custom domain https://<name>.cognitiveservices.azure.com"
    ),
    "401": (
        "the key was refused: check DOCTRANSLATE_TRANSLATOR_KEY and that the endpoint is your resource's "
        "custom domain https://<name>.cognitiveservices.azure.com"
    ),
    "403": "access denied: Document Translation needs a Standard (S1) or higher tier, not the free F0 tier",
    "ResourceNotFound": "no batch or document with that id exists on this translator resource",
    "429": "the service is throttling requests; lower the poll rate or the number of concurrent runs",
    "RequestRateTooHigh": "the service is throttling requests; lower the poll rate or the number of concurrent runs",
    "RateTooHigh": "the service is throttling requests; lower the poll rate or the number of concurrent runs",
    "ServiceUnavailable": "the service is temporarily unavailable; the run can simply be started again later",
    "ServiceTemporaryUnavailable": "the service is temporarily unavailable; the run can simply be started again later",
    "InternalServerError": "the service failed internally; retry later and quote the request id if it persists",
    # Blob storage's own codes (x-ms-error-code).
    "AuthorizationPermissionMismatch": (
        "the SAS or identity lacks a permission this step needs; with Entra ID, grant "
        "'Storage Blob Data Contributor' on the account"
    ),
    "AuthenticationFailed": "storage refused the signature: check the connection string or account key, and the clock",
    "ContainerNotFound": "the container does not exist in this storage account; check the container setting",
}


def hint_for(code: str | None) -> str | None:
    """The plain next step for a service error code, or None when we know none."""
    return _HINTS.get(code) if code else None


class PollTimeoutError(DocTranslateError):
    """A batch did not finish within the time the caller allowed; it keeps running on the service."""


class StackError(DocTranslateError):
    """A local-stack process could not be started or reached."""


def describe_document_error(source_path: str, language: str, code: str | None, message: str | None) -> str:
    """One line for a failed document x language: which file, what the service said, what to do.

    e.g. `docs/a.docx -> fr: TargetFileAlreadyExists (Target document file already exists.) — the service
    never overwrites an output; re-run with --on-existing skip ...`
    """
    line = f"{redact_text(source_path)} -> {language}: {code or 'unknown error'}"
    if message:
        line += f" ({redact_text(message)})"
    hint = hint_for(code)
    return f"{line} — {hint}" if hint else line
