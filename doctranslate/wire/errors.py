"""Error bodies in both shapes the service produces.

The translator's own shape nests a specific `innerError` under a generic code; the API gateway in
front of it answers throttling and auth failures with a flat body whose `code` is the HTTP status as a
string (`{"error":{"code":"429","message":...}}`), and the synchronous endpoint has been seen with a
numeric code (`400000`). All three parse into `ErrorDetail`, with `code` always a string.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from doctranslate.wire.base import WireModel


class InnerError(WireModel):
    code: str | None = None
    message: str | None = None
    target: str | None = None
    inner_error: InnerError | None = None

    @field_validator("code", mode="before")
    @classmethod
    def _code_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class ErrorDetail(InnerError):
    """A batch's or document's `error`, or the `error` of an HTTP error body."""

    @property
    def innermost_code(self) -> str | None:
        """The most specific code: what callers should branch on (e.g. `TargetFileAlreadyExists`)."""
        node: InnerError | None = self.inner_error
        code = self.code
        while node is not None:
            code = node.code or code
            node = node.inner_error
        return code

    @property
    def innermost_message(self) -> str | None:
        node: InnerError | None = self.inner_error
        message = self.message
        while node is not None:
            message = node.message or message
            node = node.inner_error
        return message


class ErrorResponse(WireModel):
    error: ErrorDetail = Field(default_factory=ErrorDetail)
