"""The synchronous route (`POST /translator/document:translate`): one document in, its translation out.

Its limits are the real service's (api-facts §6: a document of at most 10 MB, one glossary of at most 1 MB)
and hold before anything is buffered: the whole body is read through a cap, so a 1 GB upload is refused
after its first 11 MB instead of being spooled to disk whole, and no part is read into memory unchecked.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Sequence
from typing import Final

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from doctranslate.errors import GlossaryError
from doctranslate.formats.glossaries import GlossaryTerms, parse_glossary
from doctranslate.formats.registry import handler_for
from doctranslate.languages import LANGUAGE_CODES
from doctranslate.local.engines import TranslationEngine
from doctranslate.local.rewriting import Unrewritable, rewrite
from doctranslate.pipeline.limits import MAX_SYNC_DOCUMENT_BYTES
from doctranslate.wire.catalogue import glossary_format_named

MAX_SYNC_GLOSSARY_BYTES: Final = 1024 * 1024
MAX_SYNC_BODY_BYTES: Final = MAX_SYNC_DOCUMENT_BYTES + MAX_SYNC_GLOSSARY_BYTES + 64 * 1024  # and the form's framing
_EXPOSED: Final = "X-RequestId,x-ms-request-id,X-RequestId-Forwarded,X-Metered-Usage"


class _BodyTooLarge(Exception):
    pass


def sync_error(status: int, message: str) -> JSONResponse:
    """The synchronous endpoint's errors carry status-derived codes (`400000`, reported as a number by one
    user; no recording shows it). Sent as a string, which is what the 2024-05-01 spec requires."""
    return JSONResponse(
        {"error": {"code": str(status * 1000), "message": message}},
        status_code=status,
        media_type="application/json; charset=utf-8",
    )


def add_sync_route(
    app: FastAPI, engine: TranslationEngine, family_of: Callable[[Request], object | JSONResponse]
) -> None:
    async def translate_document(request: Request) -> Response:
        family = family_of(request)
        if isinstance(family, JSONResponse):
            return family
        target = request.query_params.get("targetLanguage")
        if not target:
            return sync_error(400, "The targetLanguage field is required.")
        for which, language in (("target", target), ("source", request.query_params.get("sourceLanguage"))):
            if language and language.lower() not in LANGUAGE_CODES:
                return sync_error(400, f"The {which} language is not valid: {language!r}.")
        form = await _form(request)
        if isinstance(form, JSONResponse):
            return form
        upload = form.get("document")
        if not isinstance(upload, UploadFile):
            return sync_error(400, "The Document field is required.")
        if upload.size is None or upload.size > MAX_SYNC_DOCUMENT_BYTES:
            return sync_error(413, f"The document is larger than {MAX_SYNC_DOCUMENT_BYTES} bytes.")
        source_language = request.query_params.get("sourceLanguage")
        glossary = await _glossary(form, source_language, target)
        if isinstance(glossary, JSONResponse):
            return glossary
        return await _translated(upload, engine, source_language, target, glossary)

    app.add_api_route("/translator/document:translate", translate_document, methods=["POST"])


async def _form(request: Request) -> FormData | JSONResponse:
    """The multipart form, read through the body cap."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_SYNC_BODY_BYTES:
        return sync_error(413, f"The request is larger than {MAX_SYNC_BODY_BYTES} bytes.")

    async def capped() -> AsyncGenerator[bytes, None]:
        seen = 0
        async for chunk in request.stream():
            seen += len(chunk)
            if seen > MAX_SYNC_BODY_BYTES:
                raise _BodyTooLarge
            yield chunk

    parser = MultiPartParser(request.headers, capped(), max_files=3, max_fields=10)
    try:
        return await parser.parse()
    except _BodyTooLarge:
        return sync_error(413, f"The request is larger than {MAX_SYNC_BODY_BYTES} bytes.")
    except MultiPartException as exc:
        return sync_error(400, f"The request is not a valid multipart form: {exc.message}")


async def _glossary(form: FormData, source_language: str | None, target: str) -> GlossaryTerms | JSONResponse | None:
    merged: GlossaryTerms | None = None
    for part in form.getlist("glossary"):
        if not isinstance(part, UploadFile):
            continue
        if part.size is None or part.size > MAX_SYNC_GLOSSARY_BYTES:
            return sync_error(413, f"The glossary is larger than {MAX_SYNC_GLOSSARY_BYTES} bytes.")
        file_format = glossary_format_named(None, part.filename or "")
        if file_format is None:
            return sync_error(400, f"Unsupported glossary format of {part.filename!r}.")
        try:
            parsed = parse_glossary(await part.read(), file_format.format, name=part.filename or "glossary")
        except GlossaryError as exc:
            return sync_error(400, exc.message)
        if parsed.applies_to(source_language, target):
            merged = parsed if merged is None else merged.merged_with(parsed)
    return merged


async def _translated(
    upload: UploadFile,
    engine: TranslationEngine,
    source_language: str | None,
    target: str,
    glossary: GlossaryTerms | None,
) -> Response:
    name = upload.filename or "document"
    handler = handler_for(name)
    if handler is None:
        return sync_error(415, f"The document format of {name!r} is not supported.")
    data = await upload.read()

    def translate(segments: Sequence[str]) -> list[str]:
        return engine.translate(segments, source_language=source_language, target_language=target, glossary=glossary)

    try:
        rewritten = await rewrite(handler, data, translate)
    except Unrewritable as exc:
        return sync_error(400, exc.message)
    return Response(
        rewritten.content,
        media_type="application/octet-stream",
        headers={"X-Metered-Usage": str(rewritten.characters), "Access-Control-Expose-Headers": _EXPOSED},
    )
