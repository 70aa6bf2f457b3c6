"""The real service's limits, enforced by the local service where a hostile or careless client meets them:
at the door (one start request: its size and its languages), while listing a source, and while reading each blob.

Without them one request of 378 KB (100 inputs x 2,000 targets) became 200,000 documents and 740 MB, a
listing whose `NextMarker` never ends grew without bound, and a 100 MB blob was read whole. The figures are
the service's (api-facts §6, the same ones planning splits by); where the real error code is unconfirmed,
the code used here says what was exceeded.
"""

from __future__ import annotations

from typing import Final

from doctranslate.languages import UnknownLanguage, canonical_language
from doctranslate.pipeline.limits import MAX_BATCH_DOCUMENTS, MAX_BATCH_LANGUAGES
from doctranslate.wire.requests import StartTranslationDetails

MAX_LISTING_PAGES: Final = 200
"""Pages of one source listing (5,000 names each: a million blobs) before the listing is given up."""


def over_the_door_limits(details: StartTranslationDetails) -> str | None:
    """What in a start request is over the service's limits, or None: checked before anything is stored."""
    if len(details.inputs) > MAX_BATCH_DOCUMENTS:
        return (
            f"The request has {len(details.inputs):,} inputs; a batch holds at most {MAX_BATCH_DOCUMENTS:,} documents."
        )
    languages = {target.language.lower() for batch in details.inputs for target in batch.targets}
    widest = max((len(batch.targets) for batch in details.inputs), default=0)
    if len(languages) > MAX_BATCH_LANGUAGES or widest > MAX_BATCH_LANGUAGES:
        return f"A batch translates into at most {MAX_BATCH_LANGUAGES} target languages."
    glossaries = sum(len(target.glossaries or []) for batch in details.inputs for target in batch.targets)
    if glossaries > MAX_BATCH_DOCUMENTS:
        return f"The request names {glossaries:,} glossaries; at most {MAX_BATCH_DOCUMENTS:,} are read per batch."
    return None


def unknown_language(details: StartTranslationDetails) -> tuple[str, str] | None:
    """(inner code, message) for the first source or target language the service does not translate, or None.

    The real service's code for this is unconfirmed (api-facts §13); the codes here say which language was
    wrong, and the messages are the Translator text API's for the same mistake."""
    for index, batch in enumerate(details.inputs):
        checks = [("InvalidSourceLanguage", "source", batch.source.language)] if batch.source.language else []
        checks += [("InvalidTargetLanguage", "target", target.language) for target in batch.targets]
        for code, which, language in checks:
            try:
                canonical_language(language or "")
            except UnknownLanguage as exc:
                return code, f"inputs[{index}]: the {which} language is not valid: {exc}."
    return None
