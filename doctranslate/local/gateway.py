"""Who may use the local service: what API Management checks in front of the real one, and what a keyless
service on loopback must check instead.

With a key, every request must carry it (compared in constant time). Without one (`local-service --open`,
loopback only), any web page the user visits could otherwise post to it: a browser sends a cross-site
`text/plain` POST without asking, and a DNS-rebound name reaches 127.0.0.1 carrying a foreign `Host`. So a
keyless service answers only requests addressed to a loopback name, and takes a request body only as JSON
(a cross-site page cannot send that without a preflight the service never grants) or, on the synchronous
route, as the multipart form the API defines, from no foreign origin.
"""

from __future__ import annotations

import hmac
from typing import Final

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import SecretStr

from doctranslate.local.presenter import error_body, gateway_error_body
from doctranslate.settings import is_loopback_host

KEY_HEADER: Final = "ocp-apim-subscription-key"
DENIED: Final = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key "
    "for an active subscription and use a correct regional API endpoint for your resource."
)
_SYNC_PATH: Final = "/translator/document:translate"


def refusal(request: Request, key: SecretStr | None) -> JSONResponse | None:
    """The answer that turns `request` away, or None when it may go on."""
    if key is not None:
        sent = request.headers.get(KEY_HEADER, "").encode()
        if not hmac.compare_digest(sent, key.get_secret_value().encode()):
            return _answer(401, gateway_error_body(401, DENIED))
        return None
    if not is_loopback_host(_host_name(request.headers.get("host", ""))):
        message = "A keyless local service answers only requests addressed to 127.0.0.1, localhost or [::1]."
        return _answer(421, error_body(421, "InvalidRequest", "MisdirectedRequest", message))
    if request.method in ("POST", "PUT", "PATCH"):
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        wanted = "multipart/form-data" if request.url.path == _SYNC_PATH else "application/json"
        if kind != wanted or request.headers.get("origin"):
            message = f"A keyless local service takes {wanted} bodies only, and none from a web page."
            return _answer(415, error_body(415, "InvalidRequest", "UnsupportedMediaType", message))
    return None


def _host_name(header: str) -> str:
    """`127.0.0.1:5300` → `127.0.0.1`, `[::1]:5300` → `::1`."""
    if header.startswith("["):
        return header[1 : header.index("]")] if "]" in header else ""
    return header.rsplit(":", 1)[0]


def _answer(status: int, body: object) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type="application/json; charset=utf-8")
