"""Every request the client builds is one the official OpenAPI file for its API version allows."""

from __future__ import annotations

from datetime import UTC, datetime

import jsonschema
import pytest

from doctranslate.client.calls import Calls
from doctranslate.client.routes import ListQuery
from doctranslate.errors import BadInputError
from doctranslate.http.call import Call
from doctranslate.settings import ApiVersion
from doctranslate.wire import (
    BatchOptions,
    BatchRequest,
    DocumentFilter,
    PdfAdditionalFormat,
    SourceInput,
    StartTranslationDetails,
    Status,
    StorageType,
    TargetInput,
    TargetOptions,
    TranslationGlossary,
)
from tests.support.openapi import Spec
from tests.support.recordings import ENDPOINT

SAS = "?sv=2025-11-05&sp=rl&sr=c&sig=abc%2Fdef"
BATCH = "0d8cc1a4-6d4c-4c8b-9a1c-4f3c1e2b7a10"
DOCUMENT = "010a09d4-0000-0000-0000-000000000000"
VERSIONS = [ApiVersion.V2024_05_01, ApiVersion.V1_1, ApiVersion.V1_0]


def full_details(*, pdf_option: bool = False) -> StartTranslationDetails:
    """A request that uses every field, so the spec gets to judge each one."""
    return StartTranslationDetails(
        inputs=[
            BatchRequest(
                source=SourceInput(
                    source_url=f"https://acct.blob.core.windows.net/src{SAS}",
                    filter=DocumentFilter(prefix="run-1/docs/", suffix=".docx"),
                    language="en",
                    storage_source="AzureBlob",
                ),
                targets=[
                    TargetInput(
                        target_url=f"https://acct.blob.core.windows.net/out-fr{SAS}",
                        language="fr",
                        category="general",
                        storage_source="AzureBlob",
                        glossaries=[
                            TranslationGlossary(
                                glossary_url=f"https://acct.blob.core.windows.net/g/fr.xlf{SAS}",
                                format="XLIFF",
                                version="1.2",
                                storage_source="AzureBlob",
                            )
                        ],
                        options=TargetOptions(pdf_output_additional_format=PdfAdditionalFormat.OPEN_XML_WORD)
                        if pdf_option
                        else None,
                    )
                ],
                storage_type=StorageType.FOLDER,
            ),
            BatchRequest(
                source=SourceInput(source_url=f"https://acct.blob.core.windows.net/src/one.txt{SAS}"),
                targets=[
                    TargetInput(target_url=f"https://acct.blob.core.windows.net/out-de/one.txt{SAS}", language="de")
                ],
                storage_type=StorageType.FILE,
            ),
        ]
    )


FULL_QUERY = ListQuery(
    ids=[BATCH],
    statuses=[Status.SUCCEEDED, Status.FAILED],
    created_after=datetime(2026, 1, 1, tzinfo=UTC),
    created_before=datetime(2026, 2, 1, tzinfo=UTC),
    order="asc",
    top=10,
    skip=5,
    page_size=20,
)


def all_calls(calls: Calls, *, pdf_option: bool) -> list[Call[object]]:
    built: list[Call[object]] = [
        calls.start_translation(full_details(pdf_option=pdf_option)),
        calls.get_translation(BATCH),
        calls.cancel_translation(BATCH),
        calls.list_translations(FULL_QUERY),
        calls.list_documents(BATCH, FULL_QUERY),
        calls.get_document(BATCH, DOCUMENT),
        calls.document_formats(),
        calls.glossary_formats(),
    ]
    if calls.routes.sync_translate_path:
        built.append(
            calls.translate_document(
                ("a.txt", b"hello", "text/plain"),
                "fr",
                source_language="en",
                category="general",
                allow_fallback=False,
                glossaries=[("g.csv", b"hello,bonjour", "text/csv")],
            )
        )
    return built


@pytest.mark.parametrize("api_version", VERSIONS)
def test_every_call_matches_an_operation_of_the_spec(api_version: ApiVersion) -> None:
    spec = Spec(api_version)
    calls = Calls(ENDPOINT, api_version)

    for call in all_calls(calls, pdf_option=api_version is ApiVersion.V1_1):
        operation = spec.operation_for(call.method, call.url)
        assert set(call.params) <= operation.names("query"), call.description
        if call.json is not None:
            spec.validate_body(operation, call.json)
        if call.files is not None:
            assert {name for name, _ in call.files} <= operation.names("formData")


@pytest.mark.parametrize("api_version", VERSIONS)
def test_the_strict_validator_rejects_a_misspelt_field(api_version: ApiVersion) -> None:
    """The check above could fail: a snake_case field is refused by the closed schema."""
    spec = Spec(api_version)
    call = Calls(ENDPOINT, api_version).start_translation(full_details())
    body = call.json | {"inputs": [call.json["inputs"][0] | {"storage_type": "File"}]}

    with pytest.raises(jsonschema.ValidationError):
        spec.validate_body(spec.operation_for("POST", call.url), body)


def test_pdf_output_option_is_refused_outside_v1_1() -> None:
    with pytest.raises(BadInputError, match=r"pdfOutputAdditionalFormat exists only in API v1.1"):
        Calls(ENDPOINT, ApiVersion.V2024_05_01).start_translation(full_details(pdf_option=True))


def test_sync_translation_needs_a_dated_version() -> None:
    with pytest.raises(BadInputError, match="DOCTRANSLATE_API_VERSION=2026-03-01"):
        Calls(ENDPOINT, ApiVersion.V1_1).translate_document(("a.txt", b"x", "text/plain"), "fr")


def test_wire_body_reveals_sas_that_repr_hides() -> None:
    call = Calls(ENDPOINT, ApiVersion.V2024_05_01).start_translation(full_details())
    assert call.json["inputs"][0]["source"]["sourceUrl"].endswith("sig=abc%2Fdef")
    assert "abc%2Fdef" not in repr(full_details())


def model_details(**options: object) -> StartTranslationDetails:
    target = TargetInput(
        target_url="https://acct.blob.core.windows.net/out-fr", language="fr", category="c1", **options
    )
    return StartTranslationDetails(
        inputs=[
            BatchRequest(source=SourceInput(source_url="https://acct.blob.core.windows.net/src"), targets=[target])
        ],
        options=BatchOptions(translate_text_within_image=True),
    )


def test_a_2026_request_is_what_the_official_sdk_2_sends() -> None:
    """No OpenAPI file of 2026-03-01 exists; the SDK that defaults to it is the reference (api-facts §9b)."""
    from azure.ai.translation.document import models as sdk

    ours = Calls(ENDPOINT, ApiVersion.V2026_03_01).start_translation(model_details(deployment_name="contoso-gpt"))
    theirs = sdk.StartTranslationDetails(
        inputs=[
            sdk.DocumentBatch(
                source=sdk.SourceInput(source_url="https://acct.blob.core.windows.net/src"),
                targets=[
                    sdk.TranslationTarget(
                        target_url="https://acct.blob.core.windows.net/out-fr",
                        language="fr",
                        category_id="c1",
                        deployment_name="contoso-gpt",
                    )
                ],
            )
        ],
        options=sdk.BatchOptions(translate_text_within_image=True),
    )
    assert ours.json == theirs.as_dict()
    assert ours.params == {"api-version": "2026-03-01"}


@pytest.mark.parametrize("api_version", VERSIONS)
def test_2026_fields_are_refused_by_older_versions(api_version: ApiVersion) -> None:
    with pytest.raises(BadInputError, match="exists only in API 2026-03-01"):
        Calls(ENDPOINT, api_version).start_translation(model_details())
    with pytest.raises(BadInputError, match=r"targets\[fr\].deploymentName exists only in API 2026-03-01"):
        details = model_details(deployment_name="x").model_copy(update={"options": None})
        Calls(ENDPOINT, api_version).start_translation(details)
