"""Replay every recorded session of the real service through our client and check its outcome.

Each test drives the client the way the official SDK drove the real service when the recording was
made; `Replayer` fails on the first request that differs (method, path or query), and the assertions
check what the recording shows: ids, statuses, summaries, every page, error codes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

import httpx
import pytest

from doctranslate.client import DocumentTranslationClient, ListQuery
from doctranslate.errors import BatchFailedError
from doctranslate.settings import ApiVersion
from doctranslate.wire import SourceInput, StartTranslationDetails, Status, TargetInput
from doctranslate.wire.requests import BatchRequest
from tests.support.recordings import Replayer, request_json, translator_exchanges, without_empty

MakeClient = Callable[..., DocumentTranslationClient]


def details_as_a_user_would_build(recorded_body: dict[str, Any]) -> StartTranslationDetails:
    """Build the request with our constructors from the recorded URLs, not by parsing the recording."""
    (batch,) = recorded_body["inputs"]
    return StartTranslationDetails(
        inputs=[
            BatchRequest(
                source=SourceInput(source_url=batch["source"]["sourceUrl"]),
                targets=[TargetInput(target_url=t["targetUrl"], language=t["language"]) for t in batch["targets"]],
            )
        ]
    )


def replay(name: str, sync_client: MakeClient, api_version: ApiVersion = ApiVersion.V2024_05_01, **kw: Any):
    replayer = Replayer(translator_exchanges(name), **kw)
    return replayer, sync_client(replayer, api_version)


def submit_as_recorded(replayer: Replayer, client: DocumentTranslationClient):
    recorded_body = replayer.exchanges[0].request_body
    poller = client.begin_translation(details_as_a_user_would_build(recorded_body))
    assert request_json(replayer.seen[0]) == without_empty(recorded_body)
    return poller


def test_source_without_access_ends_validation_failed_with_a_sas_hint(sync_client: MakeClient) -> None:
    replayer, client = replay("test_translation.pyTestTranslationtest_bad_input_source.json", sync_client)
    poller = submit_as_recorded(replayer, client)
    assert poller.id == "e84bc959-ec9c-4588-85f1-29719ce32860"

    with pytest.raises(BatchFailedError) as caught:
        poller.wait()

    assert caught.value.inner_code == "InvalidDocumentAccessLevel"
    assert caught.value.status == "ValidationFailed"
    assert "read and list permission (sp=rl)" in str(caught.value)
    assert replayer.exhausted


def test_target_without_access_surfaces_after_not_started_polls(sync_client: MakeClient) -> None:
    replayer, client = replay("test_translation.pyTestTranslationtest_bad_input_target.excerpt.json", sync_client)
    poller = submit_as_recorded(replayer, client)
    seen: list[Status] = []

    with pytest.raises(BatchFailedError) as caught:
        poller.wait(on_update=lambda s: seen.append(s.status))

    assert seen == [Status.NOT_STARTED, Status.VALIDATION_FAILED]
    assert caught.value.inner_code == "InvalidTargetDocumentAccessLevel"
    assert "write and list permission (sp=wl)" in str(caught.value)


def test_empty_document_fails_the_batch_and_the_document_says_why(sync_client: MakeClient) -> None:
    replayer, client = replay("test_translation.pyTestTranslationtest_empty_document.excerpt.json", sync_client)
    poller = submit_as_recorded(replayer, client)

    final = poller.wait()
    documents = list(client.list_document_statuses(poller.id))

    assert final.status is Status.FAILED
    assert (final.summary.total, final.summary.failed) == (1, 1)
    assert final.error is not None and final.error.innermost_code == "NoTranslatableText"
    (document,) = documents
    assert document.status is Status.FAILED
    assert document.error is not None and document.error.innermost_code == "NoTranslatableText"
    assert document.path is None
    assert replayer.exhausted


def test_v1_existing_target_fails_every_document_with_target_exists(sync_client: MakeClient) -> None:
    replayer, client = replay(
        "test_translation.pyTestTranslationtest_existing_documents_in_target.json", sync_client, ApiVersion.V1_0
    )
    poller = submit_as_recorded(replayer, client)
    assert poller.id == "18e5e684-1249-4416-a2dc-17ce54e3339f"  # from Operation-Location; v1 202 has no body

    final = poller.wait()
    (document,) = poller.result()

    assert final.status is Status.FAILED
    assert document.error is not None and document.error.innermost_code == "TargetFileAlreadyExists"
    assert document.created_date_time_utc is None  # v1.0 omitted it for failed documents
    assert replayer.exhausted


def test_v1_partial_failure_is_succeeded_and_survives_a_gateway_429(sync_client: MakeClient) -> None:
    replayer, client = replay(
        "test_translation.pyTestTranslationtest_existing_documents_in_target_one_valid.excerpt.json",
        sync_client,
        ApiVersion.V1_0,
    )
    poller = submit_as_recorded(replayer, client)

    final = poller.wait()
    documents = {d.status: d for d in poller.result()}

    assert final.status is Status.SUCCEEDED
    assert (final.summary.success, final.summary.failed, final.summary.total_character_charged) == (1, 1, 27)
    assert documents[Status.SUCCEEDED].character_charged == 27
    assert documents[Status.FAILED].error is not None
    assert documents[Status.FAILED].error.innermost_code == "TargetFileAlreadyExists"
    assert [r.method for r in replayer.seen].count("GET") == 5  # 3 polls + the retried 429 + documents
    assert replayer.exhausted


def test_unsupported_files_are_silently_skipped(sync_client: MakeClient) -> None:
    replayer, client = replay(
        "test_translation.pyTestTranslationtest_use_supported_and_unsupported_files.json", sync_client
    )
    poller = submit_as_recorded(replayer, client)
    statuses: list[Status] = []

    final = poller.wait(on_update=lambda s: statuses.append(s.status))
    (document,) = poller.result()

    assert statuses[0] is Status.NOT_STARTED and statuses[-1] is Status.SUCCEEDED
    assert final.summary.total == 1  # the .jpg never shows up
    assert document.source_path.endswith(".txt")
    assert document.path is not None and ":443/" in document.path and "?" not in document.path
    assert document.character_charged == 27


def test_cancel_never_moves_backwards_through_stale_reads(sync_client: MakeClient) -> None:
    replayer, client = replay(
        "test_cancel_translation.pyTestCancelTranslationtest_cancel_translation.excerpt.json", sync_client
    )
    poller = submit_as_recorded(replayer, client)
    assert poller.cancel().status is Status.CANCELLING
    views: list[Status] = []

    final = poller.wait(on_update=lambda s: views.append(s.status))

    # The recording shows NotStarted (served from cache, Age up to 59) after Cancelling; our view holds.
    assert Status.NOT_STARTED not in views
    assert views[-1] is Status.CANCELLED
    assert (final.summary.total, final.summary.cancelled) == (8, 8)
    assert poller.view.stale_reads == 4


def test_list_translations_follows_at_next_link(sync_client: MakeClient) -> None:
    name = "test_list_translations.pyTestListTranslationstest_list_translations.excerpt.json"
    recorded = translator_exchanges(name)
    next_link = recorded[0].json()["@nextLink"]
    # The recording ends at page 1; answer the follow-up request with a last page built here.
    last_page = {"value": [recorded[0].json()["value"][0] | {"id": "00000000-0000-4000-8000-000000000001"}]}
    replayer = Replayer(recorded, extra=lambda request: httpx.Response(200, json=last_page, request=request))
    client = sync_client(replayer)

    batches = list(client.list_translation_statuses())

    assert str(replayer.seen[1].url) == next_link
    assert len(batches) == len(recorded[0].json()["value"]) + 1
    assert batches[-1].id == "00000000-0000-4000-8000-000000000001"
    assert len(replayer.seen) == 2


def test_v1_list_with_skip_uses_dollar_names_and_stops_on_the_last_page(sync_client: MakeClient) -> None:
    replayer, client = replay(
        "test_list_translations.pyTestListTranslationstest_list_translations_with_skip.v1.0.excerpt.json",
        sync_client,
        ApiVersion.V1_0,
    )

    batches = list(client.list_translation_statuses(ListQuery(skip=855, top=22, page_size=50)))

    assert [b.status for b in batches] == [Status.SUCCEEDED, Status.CANCELLED]
    assert batches[1].summary.cancelled == 4 and batches[1].summary.total_character_charged == 108
    assert replayer.exhausted


def test_list_filters_skip_orderby_and_ids(sync_client: MakeClient) -> None:
    exchanges = translator_exchanges("list-filters-2024-05-01.excerpt.json")
    client = sync_client(Replayer(exchanges))
    skip_batch = exchanges[0].path.split("/")[4]
    order_batch = exchanges[1].path.split("/")[4]
    ids = dict(exchanges[2].query)["ids"].split(",")

    skipped = list(client.list_document_statuses(skip_batch, ListQuery(skip=2)))
    ordered = list(client.list_document_statuses(order_batch, ListQuery(order="asc")))
    by_id = list(client.list_translation_statuses(ListQuery(ids=ids)))

    assert len(skipped) == 3
    assert ordered[0].created_date_time_utc is not None and ordered[1].created_date_time_utc is not None
    assert ordered[0].created_date_time_utc <= ordered[1].created_date_time_utc
    assert sorted(b.id for b in by_id) == sorted(ids)


def test_document_and_glossary_formats(sync_client: MakeClient) -> None:
    documents = Replayer(
        translator_exchanges("test_supported_formats.pyTestSupportedFormatstest_supported_document_formats.json")
    )
    glossaries = Replayer(
        translator_exchanges("test_supported_formats.pyTestSupportedFormatstest_supported_glossary_formats.json")
    )

    document_formats = sync_client(documents).get_supported_document_formats()
    glossary_formats = sync_client(glossaries).get_supported_glossary_formats()

    assert len(document_formats) == 21
    assert {f.format for f in glossary_formats} == {"XLIFF", "TSV", "CSV"}
    markdown = next(f for f in document_formats if f.format == "Markdown")
    assert markdown.accepts("README.md") and not markdown.accepts("image.png")
    xliff = next(f for f in glossary_formats if f.format == "XLIFF")
    assert (xliff.default_version, xliff.versions) == ("1.2", ["1.0", "1.1", "1.2"])


def test_v1_glossary_formats(sync_client: MakeClient) -> None:
    replayer = Replayer(translator_exchanges("test_supported_formats.test_supported_glossary_formats.v1.0.yaml"))

    formats = sync_client(replayer, ApiVersion.V1_0).get_supported_glossary_formats()

    assert [f.format for f in formats] == ["XLIFF", "TSV", "CSV"]
    assert all(f.type is None for f in formats)


def test_synchronous_document_translation_with_a_csv_glossary(sync_client: MakeClient) -> None:
    name = "test_single_document_translation.pyTestSingleDocumentTranslationtest_translate_single_csv_glossary.json"
    (exchange,) = translator_exchanges(name)
    recorded_parts = _multipart_parts(exchange.request_headers["Content-Type"], _recorded_body(exchange))
    replayer = Replayer([exchange])

    result = sync_client(replayer).translate_document(
        ("test-input.txt", recorded_parts["document"][2], "text/html"),
        "hi",
        glossaries=[("test-glossary.csv", recorded_parts["glossary"][2], "text/csv")],
    )

    sent = replayer.seen[0]
    assert _multipart_parts(sent.headers["content-type"], sent.read()) == recorded_parts
    assert sent.headers["accept"] == "application/octet-stream"
    assert result.characters_charged == 15
    assert result.content.decode("utf-8") == "यह एक test है।\n"


def _recorded_body(exchange: Any) -> bytes:
    import base64

    return base64.b64decode(exchange.request_body)


def _multipart_parts(content_type: str, body: bytes) -> dict[str, tuple[str | None, str, bytes]]:
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    parts = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        parts[str(name)] = (part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
    return parts


def test_recorded_request_bodies_are_json() -> None:
    """Guard for the helpers above: every recorded POST to /batches has a JSON body we can compare."""
    for name in [
        "test_translation.pyTestTranslationtest_bad_input_source.json",
        "test_cancel_translation.pyTestCancelTranslationtest_cancel_translation.excerpt.json",
    ]:
        body = translator_exchanges(name)[0].request_body
        assert json.loads(json.dumps(body))["inputs"]
