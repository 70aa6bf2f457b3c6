"""Every response the real service gave in the recordings parses into our wire models, unchanged."""

from __future__ import annotations

import re

import httpx
import pytest

from doctranslate.client.calls import _parse_started, _parse_translated
from doctranslate.wire import (
    DocumentStatus,
    DocumentStatusPage,
    ErrorResponse,
    SupportedFileFormats,
    TranslationStatus,
    TranslationStatusPage,
)
from doctranslate.wire.base import WireModel
from tests.support.recordings import Exchange, all_recording_names, translator_exchanges

_ID = r"[0-9a-fA-F-]{36}"
_ROUTES: list[tuple[str, str, type[WireModel]]] = [
    ("GET", rf"/batches/{_ID}/documents/{_ID}$", DocumentStatus),
    ("GET", rf"/batches/{_ID}/documents$", DocumentStatusPage),
    ("GET", rf"/batches/{_ID}$", TranslationStatus),
    ("DELETE", rf"/batches/{_ID}$", TranslationStatus),
    ("GET", r"/batches$", TranslationStatusPage),
    ("GET", r"/formats$", SupportedFileFormats),
]


def _model_for(exchange: Exchange) -> type[WireModel]:
    if exchange.status >= 400:
        return ErrorResponse
    for method, pattern, model in _ROUTES:
        if exchange.method == method and re.search(pattern, exchange.path):
            return model
    raise AssertionError(f"no model for {exchange.method} {exchange.path}")


CASES = [
    pytest.param(exchange, id=f"{name[:60]}#{index}")
    for name in all_recording_names()
    for index, exchange in enumerate(translator_exchanges(name))
]


@pytest.mark.parametrize("exchange", CASES)
def test_recorded_response_parses(exchange: Exchange) -> None:
    response = exchange.to_response(httpx.Request(exchange.method, exchange.url))
    if exchange.method == "POST" and exchange.path.endswith("/batches"):
        started = _parse_started(response)
        assert started.id in response.headers["operation-location"]
        return
    if exchange.path.endswith("/document:translate"):
        assert _parse_translated(response).content == exchange.response_body
        return
    model = _model_for(exchange)
    parsed = model.model_validate_json(exchange.response_body)
    # Nothing is lost: dumping with the wire names gives back the recorded JSON.
    # Timestamps come back in Python's 6-digit form (checked separately); everything else exactly.
    dumped = parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert _drop_timestamps(dumped) == _drop_timestamps(exchange.json())


def _drop_timestamps(value: object) -> object:
    if isinstance(value, dict):
        return {k: _drop_timestamps(v) for k, v in value.items() if not k.endswith("DateTimeUtc")}
    if isinstance(value, list):
        return [_drop_timestamps(v) for v in value]
    return value


def test_every_recording_is_covered() -> None:
    assert len(CASES) >= 40
    assert {n for n in all_recording_names()} == {n for n in all_recording_names() if translator_exchanges(n)}


def test_seven_digit_timestamps_keep_microseconds() -> None:
    status = TranslationStatus.model_validate_json(
        translator_exchanges("test_translation.pyTestTranslationtest_bad_input_source.json")[1].response_body
    )
    assert status.created_date_time_utc.microsecond == 695753  # "2024-10-11T02:18:42.6957534Z"
    assert status.created_date_time_utc.utcoffset() is not None
