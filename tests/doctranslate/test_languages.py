"""The shipped language list: what codes are accepted, how they are spelt, and what a wrong one suggests."""

from __future__ import annotations

import pytest

from doctranslate.languages import LANGUAGES, UnknownLanguage, canonical_language, nearest_languages


@pytest.mark.parametrize(
    ("given", "sent"), [("fr", "fr"), ("FR", "fr"), ("zh-hans", "zh-Hans"), ("SR-latn", "sr-Latn"), ("pt-pt", "pt-PT")]
)
def test_codes_are_matched_case_insensitively_and_sent_as_the_service_spells_them(given: str, sent: str) -> None:
    assert canonical_language(given) == sent


@pytest.mark.parametrize(
    ("given", "nearest"),
    [
        ("German", ["de"]),
        ("japanese", ["ja"]),
        ("pt-BR", ["pt", "pt-PT"]),
        ("zh", ["zh-Hans", "zh-Hant"]),
        ("fre", ["fr"]),
        ("xx-invalid", []),
    ],
)
def test_a_wrong_code_names_the_nearest_valid_ones(given: str, nearest: list[str]) -> None:
    assert nearest_languages(given) == nearest
    with pytest.raises(UnknownLanguage) as caught:
        canonical_language(given)
    assert caught.value.nearest == nearest
    assert repr(given) in str(caught.value)


def test_the_list_is_the_translation_scope_of_the_service() -> None:
    assert len(LANGUAGES) > 130
    assert {"en", "de", "fr-CA", "zh-Hans", "zh-Hant", "sr-Cyrl", "tlh-Latn", "yue"} <= LANGUAGES.keys()
    assert all(code == code.strip() and name for code, name in LANGUAGES.items())
