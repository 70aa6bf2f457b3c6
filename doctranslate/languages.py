"""The languages the service translates, shipped with us so a wrong code is caught before anything is uploaded.

The service takes any string as a language and fails late (a whole batch accepted, then nothing translated),
so every code a user gives is checked here first, source and targets, offline and on the local stack alike.
The list is the Translator `languages` resource, scope `translation` (what Document Translation accepts as
`targets[].language` and `source.language`), as published when this copy was taken; `LANGUAGES_AS_OF` says
when. Codes match case-insensitively and are sent in the service's own spelling (`zh-hans` -> `zh-Hans`).
"""

from __future__ import annotations

import difflib
from typing import Final

LANGUAGES_AS_OF: Final = "2026-11"
"""When this copy of https://api.cognitive.microsofttranslator.com/languages?api-version=3.0&scope=translation
was taken."""

LANGUAGES: Final[dict[str, str]] = {
    "af": "Afrikaans",
    "am": "Amharic",
    "ar": "Arabic",
    "as": "Assamese",
    "az": "Azerbaijani",
    "ba": "Bashkir",
    "bg": "Bulgarian",
    "bho": "Bhojpuri",
    "bn": "Bangla",
    "bo": "Tibetan",
    "brx": "Bodo",
    "bs": "Bosnian",
    "ca": "Catalan",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "doi": "Dogri",
    "dsb": "Lower Sorbian",
    "dv": "Divehi",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "eu": "Basque",
    "fa": "Persian",
    "fi": "Finnish",
    "fil": "Filipino",
    "fj": "Fijian",
    "fo": "Faroese",
    "fr": "French",
    "fr-CA": "French (Canada)",
    "ga": "Irish",
    "gl": "Galician",
    "gom": "Konkani",
    "gu": "Gujarati",
    "ha": "Hausa",
    "he": "Hebrew",
    "hi": "Hindi",
    "hne": "Chhattisgarhi",
    "hr": "Croatian",
    "hsb": "Upper Sorbian",
    "ht": "Haitian Creole",
    "hu": "Hungarian",
    "hy": "Armenian",
    "id": "Indonesian",
    "ig": "Igbo",
    "ikt": "Inuinnaqtun",
    "is": "Icelandic",
    "it": "Italian",
    "iu": "Inuktitut",
    "iu-Latn": "Inuktitut (Latin)",
    "ja": "Japanese",
    "ka": "Georgian",
    "kk": "Kazakh",
    "km": "Khmer",
    "kmr": "Kurdish (Northern)",
    "kn": "Kannada",
    "ko": "Korean",
    "ks": "Kashmiri",
    "ku": "Kurdish (Central)",
    "ky": "Kyrgyz",
    "ln": "Lingala",
    "lo": "Lao",
    "lt": "Lithuanian",
    "lug": "Ganda",
    "lv": "Latvian",
    "lzh": "Chinese (Literary)",
    "mai": "Maithili",
    "mg": "Malagasy",
    "mi": "Maori",
    "mk": "Macedonian",
    "ml": "Malayalam",
    "mn-Cyrl": "Mongolian (Cyrillic)",
    "mn-Mong": "Mongolian (Traditional)",
    "mni": "Manipuri",
    "mr": "Marathi",
    "ms": "Malay",
    "mt": "Maltese",
    "mww": "Hmong Daw",
    "my": "Myanmar (Burmese)",
    "nb": "Norwegian",
    "ne": "Nepali",
    "nl": "Dutch",
    "nso": "Sesotho sa Leboa",
    "nya": "Nyanja",
    "or": "Odia",
    "otq": "Queretaro Otomi",
    "pa": "Punjabi",
    "pl": "Polish",
    "prs": "Dari",
    "ps": "Pashto",
    "pt": "Portuguese (Brazil)",
    "pt-PT": "Portuguese (Portugal)",
    "ro": "Romanian",
    "ru": "Russian",
    "run": "Rundi",
    "rw": "Kinyarwanda",
    "sd": "Sindhi",
    "si": "Sinhala",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sm": "Samoan",
    "sn": "Shona",
    "so": "Somali",
    "sq": "Albanian",
    "sr-Cyrl": "Serbian (Cyrillic)",
    "sr-Latn": "Serbian (Latin)",
    "st": "Sesotho",
    "sv": "Swedish",
    "sw": "Swahili",
    "ta": "Tamil",
    "te": "Telugu",
    "th": "Thai",
    "ti": "Tigrinya",
    "tk": "Turkmen",
    "tlh-Latn": "Klingon (Latin)",
    "tlh-Piqd": "Klingon (pIqaD)",
    "tn": "Setswana",
    "to": "Tongan",
    "tr": "Turkish",
    "tt": "Tatar",
    "ty": "Tahitian",
    "ug": "Uyghur",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "uz": "Uzbek",
    "vi": "Vietnamese",
    "xh": "Xhosa",
    "yo": "Yoruba",
    "yua": "Yucatec Maya",
    "yue": "Cantonese (Traditional)",
    "zh-Hans": "Chinese Simplified",
    "zh-Hant": "Chinese Traditional",
    "zu": "Zulu",
}

LANGUAGE_PATTERN: Final = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
"""The shape of a code, for forms that check as the user types (the list itself is checked on submit)."""

_BY_LOWER: Final = {code.lower(): code for code in LANGUAGES}
LANGUAGE_CODES: Final = frozenset(_BY_LOWER)
"""Every code in lower case, for a quick membership test."""
_BY_NAME: Final = {name.lower(): code for code, name in LANGUAGES.items()}


class UnknownLanguage(ValueError):
    """A code the service does not translate, with the nearest codes it does."""

    def __init__(self, code: str, nearest: list[str]) -> None:
        self.code = code
        self.nearest = nearest
        named = ", ".join(f"{near} ({LANGUAGES[near]})" for near in nearest)
        suggestion = f"did you mean {named}?" if nearest else "`doctranslate languages` lists them"
        super().__init__(f"{code!r} is not a language the service translates; {suggestion}")


def canonical_language(code: str) -> str:
    """The service's spelling of `code` (matched case-insensitively), or `UnknownLanguage` naming the nearest."""
    found = _BY_LOWER.get(code.strip().lower())
    if found is None:
        raise UnknownLanguage(code, nearest_languages(code))
    return found


def nearest_languages(text: str, most: int = 3) -> list[str]:
    """Codes a user probably meant: by name (`German` -> de), by base language (`pt-BR` -> pt, pt-PT), by
    spelling (`fre` -> fr)."""
    lower = text.strip().lower()
    if lower in _BY_NAME:
        return [_BY_NAME[lower]]
    base = lower.split("-")[0]
    same_base = [code for low, code in _BY_LOWER.items() if low.split("-")[0] == base]
    if same_base:
        return same_base[:most]
    by_name = difflib.get_close_matches(lower, _BY_NAME, n=most, cutoff=0.75)
    if by_name:
        return [_BY_NAME[name] for name in by_name]
    return [_BY_LOWER[low] for low in difflib.get_close_matches(lower, _BY_LOWER, n=most, cutoff=0.6)]
