"""Turn an unsuccessful HTTP answer into the typed error a caller can act on."""

from __future__ import annotations

import json

import httpx
from pydantic import ValidationError

from doctranslate.errors import (
    AuthenticationError,
    InvalidRequestError,
    NotFoundError,
    ServiceError,
)
from doctranslate.wire.errors import ErrorResponse

_BY_STATUS: dict[int, type[ServiceError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: AuthenticationError,
    404: NotFoundError,
}


def error_from_response(response: httpx.Response) -> ServiceError:
    """Parse either error shape (service or gateway); fall back to the raw text when it is neither."""
    code: str | None = None
    inner_code: str | None = None
    message = response.reason_phrase or "no message"
    try:
        body = ErrorResponse.model_validate(response.json())
    except (ValueError, json.JSONDecodeError, ValidationError):
        text = response.text.strip()
        if text:
            message = text[:500]
    else:
        code = body.error.code
        innermost = body.error.innermost_code
        inner_code = innermost if innermost != code else None
        message = body.error.innermost_message or body.error.message or message
    request = response.request
    error_type = _BY_STATUS.get(response.status_code, ServiceError)
    return error_type(
        f"{request.method} {request.url.path} failed with HTTP {response.status_code}"
        + (f" {code}" if code and code != str(response.status_code) else "")
        + (f"/{inner_code}" if inner_code else "")
        + f": {message}",
        status_code=response.status_code,
        code=code,
        inner_code=inner_code,
        request_id=response.headers.get("x-requestid") or response.headers.get("apim-request-id"),
    )
