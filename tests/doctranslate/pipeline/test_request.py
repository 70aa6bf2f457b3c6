"""The request: fields checked one by one, with the field named; job names fit storage; sets derive requests."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from doctranslate.pipeline.request import (
    LanguageSet,
    LanguageSetsRequest,
    TranslationRequest,
    describe_request_error,
)


def test_bad_fields_are_named_one_line_each() -> None:
    with pytest.raises(ValidationError) as caught:
        TranslationRequest(sources=[], languages=["German", "fr"])  # type: ignore[call-arg]
    described = describe_request_error(caught.value)
    assert "sources: List should have at least 1 item" in described
    assert "languages.0: 'German' is not a language the service translates; did you mean de (German)?" in described


def test_language_codes_match_case_insensitively_and_come_out_as_the_service_spells_them() -> None:
    request = TranslationRequest(sources=["docs"], languages=["ZH-hans", "fr-ca"], source_language="EN")  # type: ignore[call-arg]
    assert (request.languages, request.source_language) == (["zh-Hans", "fr-CA"], "en")
    with pytest.raises(ValidationError, match="zh-hans given twice"):
        TranslationRequest(sources=["docs"], languages=["zh-Hans", "zh-hans"])  # type: ignore[call-arg]


def test_a_form_refuses_what_is_not_shaped_like_a_code() -> None:
    schema = TranslationRequest.model_json_schema()
    assert schema["properties"]["languages"]["items"]["pattern"].startswith("^[A-Za-z]{2,3}")


def test_a_language_given_twice_is_refused() -> None:
    with pytest.raises(ValidationError, match="fr given twice"):
        TranslationRequest(sources=["docs"], languages=["fr", "de", "fr"])  # type: ignore[call-arg]


def test_job_names_are_storage_safe_and_default_to_the_source_folder() -> None:
    assert TranslationRequest(sources=["My Docs/"], languages=["fr"]).job_name == "my-docs"  # type: ignore[call-arg]
    assert TranslationRequest(sources=["x"], languages=["fr"], job="Team_A 2026").job_name == "team-a-2026"  # type: ignore[call-arg]


def test_each_language_set_gets_its_languages_and_its_own_folder() -> None:
    base = TranslationRequest(sources=["docs"], languages=["fr"], out_dir="out", budget=5)  # type: ignore[call-arg]
    sets = LanguageSetsRequest(base=base, sets=[LanguageSet(name="asia", languages=["ja", "zh-Hans"])])
    one = sets.for_set(sets.sets[0])
    assert (one.languages, one.out_dir, one.budget) == (["ja", "zh-Hans"], "out/asia", 5)


def test_a_language_set_in_storage_gets_its_own_prefix_and_with_no_out_its_own_job() -> None:
    def one_set(out_dir: str) -> TranslationRequest:
        base = TranslationRequest(sources=["az://docs/"], languages=["fr"], out_dir=out_dir, job="hb")  # type: ignore[call-arg]
        sets = LanguageSetsRequest(base=base, sets=[LanguageSet(name="asia", languages=["ja"])])
        return sets.for_set(sets.sets[0])

    assert one_set("az://translated/hb/").out_dir == "az://translated/hb/asia"
    kept = one_set("")
    assert (kept.out_dir, kept.job_name) == ("", "hb-asia"), "each set keeps its own report in storage"


def test_the_options_language_sets_share_need_no_languages_of_their_own() -> None:
    """The form asked for Base → Languages, which every set replaced: now the sets alone bring languages."""
    given = {"base": {"sources": ["docs"], "out_dir": "out"}, "sets": [{"name": "asia", "languages": ["ja", "ko"]}]}

    sets = LanguageSetsRequest.model_validate(given)

    assert [(r.languages, r.out_dir) for r in sets.for_each_set()] == [(["ja", "ko"], "out/asia")]
    shared = LanguageSetsRequest.model_json_schema()["$defs"]["SharedOptions"]
    assert "languages" not in shared.get("required", []) and shared["properties"]["languages"]["description"]
