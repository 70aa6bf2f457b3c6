"""What the user asks for: the flow parameters, checked field by field before anything runs.

`TranslationRequest` is the flow parameter (the Prefect UI renders it as a form), so it holds names
and paths only: no key, no SAS.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from doctranslate.errors import BadInputError
from doctranslate.formats.image import is_image
from doctranslate.languages import LANGUAGE_PATTERN, canonical_language
from doctranslate.settings import ApiVersion
from doctranslate.storage.locations import is_storage_spec

_JOB = re.compile(r"[^a-z0-9-]+")


LanguageCode = Annotated[
    str,
    AfterValidator(canonical_language),
    # The pattern is for forms only (a UI refuses `German` as it is typed); validation is the list, whose error
    # names the nearest codes (`German` -> de).
    Field(json_schema_extra={"pattern": LANGUAGE_PATTERN, "examples": ["fr", "de", "zh-Hans"]}),
]
"""A language the service translates, in its spelling."""

OptionalLanguageCode = Annotated[
    str,
    Field(json_schema_extra={"pattern": f"^$|{LANGUAGE_PATTERN}", "examples": ["", "fr", "de"]}),
]
"""For a flat flow parameter: a language code, or "" for none (`TranslationRequest` checks it against the list)."""


def plain_optional_fields(schema: dict[str, Any]) -> None:
    """Prefect's run form draws `str | None` as a switch between a text box and "None" ("Property is type
    None"). Here an optional field is its plain type, with no default: left empty, it is not sent at all and
    the model's None applies (and "" from a box typed in and cleared is read as None too)."""
    for field in schema.get("properties", {}).values():
        choices = field.get("anyOf", [])
        others = [choice for choice in choices if choice != {"type": "null"}]
        if len(choices) == 2 and len(others) == 1 and "default" in field and field["default"] is None:
            del field["anyOf"], field["default"]
            field.update(others[0])


class OnExisting(StrEnum):
    """What to do with a translation that already exists (the service itself never overwrites)."""

    SKIP = "skip"
    OVERWRITE = "overwrite"
    VERSION = "version"
    FAIL = "fail"


class QaPolicy(StrEnum):
    """What QA findings do to a run: it is not checked (`off`), they are reported (`warn`), or each output with
    findings counts as failed (`fail`: the run exits 1 and `rerun-failed` translates those again)."""

    OFF = "off"
    WARN = "warn"
    FAIL = "fail"


class TranslationRequest(BaseModel):
    """What to translate, into which languages, and how to treat what is already there."""

    model_config = ConfigDict(frozen=True, json_schema_extra=plain_optional_fields)

    sources: list[str] = Field(
        min_length=1,
        description="Local folders or files, or documents already in storage: az://<container>/<prefix> (translated "
        "where they are, never downloaded or uploaded).",
    )
    languages: list[LanguageCode] = Field(min_length=1, description="Target languages, e.g. fr, de, ja.")
    source_language: LanguageCode | None = Field(None, description="Source language; empty to auto-detect.")
    out_dir: str = Field(
        "translations",
        description="Where translations and the report go: a local folder (downloaded there), or "
        "az://<container>/<prefix> (kept in storage, not downloaded); empty: kept in storage, in the target "
        "container under the job's name.",
    )
    glossaries: list[str] = Field(default_factory=list, description="Glossary files or folders; 'fr=terms.csv'.")
    on_existing: OnExisting = Field(
        OnExisting.SKIP,
        description="Translations that exist already: skip keeps those made from the same content (and redoes "
        "outdated ones), overwrite translates them again, version writes a new version folder, fail stops before "
        "submitting and lists them.",
    )
    include: list[str] = Field(default_factory=list, description="Only files matching these globs.")
    exclude: list[str] = Field(default_factory=list, description="Leave out files matching these globs.")
    job: str | None = Field(None, description="Name of this job's folder in storage; default: the source's name.")
    budget: float | None = Field(None, ge=0, description="Stop before submitting if the estimate costs more.")
    qa: QaPolicy = Field(
        QaPolicy.WARN,
        description="Check every translation against its source (structure, untranslated text, glossary terms, "
        "numbers, links, placeholders, tags, length): off, warn (report findings) or fail (count them as failures).",
    )
    empty_ok: bool = Field(
        False, description="A source with nothing to translate is a run with nothing to do, not an error (sweeps)."
    )
    category: str | None = Field(
        None, description="Custom Translator category id of a trained model; empty: the general model."
    )
    deployment: str | None = Field(
        None,
        description="Deployment name of a custom model or an LLM on the Foundry resource (API 2026-03-01); "
        "empty: the service's default.",
    )
    translate_images: bool = Field(
        False,
        description="Also translate text in images: image files (.jpeg .jpg .png .bmp .webp, up to 5 MB) and the "
        "pictures in .docx and .pptx (API 2026-03-01; charged per image). Without it image files are left out.",
    )
    sync: bool = Field(
        False,
        description="Translate each local file (up to 10 MB) with one synchronous call per language: no storage "
        "account, no batch; outputs and the report go to the local out_dir.",
    )
    translator_block: str | None = Field(
        None, description="Prefect block with the translator's endpoint and key; empty: the worker's settings."
    )
    storage_block: str | None = Field(
        None, description="prefect-azure storage credentials block; empty: the worker's settings."
    )

    @field_validator(
        "source_language", "job", "category", "deployment", "translator_block", "storage_block", mode="before"
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        """A form's empty box, or an empty flow parameter, means "not given"."""
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _distinct_languages(self) -> Self:
        seen = [code.lower() for code in self.languages]
        duplicates = sorted({code for code in seen if seen.count(code) > 1})
        if duplicates:
            raise ValueError(f"languages: {', '.join(duplicates)} given twice; each target needs its own output")
        return self

    def check_api_version(self, version: ApiVersion, names: Sequence[str] = ()) -> None:
        """Options the chosen API version does not have are refused before anything runs, not at submit; so
        are image files among the documents' `names` (batch inputs since 2026-03-01)."""
        image = next((name for name in names if is_image(name)), None)
        options = (
            ("deployment", bool(self.deployment)),
            ("translate_images", self.translate_images),
            (f"an image file as input ({image})", image is not None),
        )
        wanted = [name for name, given in options if given]
        if wanted and version is not ApiVersion.V2026_03_01:
            raise BadInputError(
                f"{', '.join(wanted)} needs API 2026-03-01, and DOCTRANSLATE_API_VERSION is {version.value}",
                hint="set DOCTRANSLATE_API_VERSION=2026-03-01 (the default) or drop the option",
            )

    @property
    def job_name(self) -> str:
        name = self.job or Path(self.sources[0]).resolve().name or "documents"
        cleaned = _JOB.sub("-", name.lower()).strip("-")
        return cleaned or "documents"


class LanguageSet(BaseModel):
    """A named group of target languages, translated into {out_dir}/{name} (a folder or a storage prefix)."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9_-]+$", description="Names the output subfolder, e.g. europe.")
    languages: list[LanguageCode] = Field(
        min_length=1, description="This set's target languages, e.g. fr, de, it; they replace the base's."
    )


class SharedOptions(TranslationRequest):
    """A request whose target languages come from each set: the form asks for none."""

    languages: list[LanguageCode] = Field(
        default_factory=list, description="Leave empty: each set brings its own languages (any given are replaced)."
    )


class LanguageSetsRequest(BaseModel):
    """One source into several named sets of languages, each set into its own folder of the output."""

    base: SharedOptions = Field(description="Sources and options shared by every set; each set adds its languages.")
    sets: list[LanguageSet] = Field(
        min_length=1, description="The named sets: each is translated into {out_dir}/{name}, with its own report."
    )

    @field_validator("base", mode="before")
    @classmethod
    def _any_request(cls, value: object) -> object:
        """A plain `TranslationRequest` serves as the shared options too (its languages are not used)."""
        return value.model_dump() if isinstance(value, TranslationRequest) else value

    def for_each_set(self) -> list[TranslationRequest]:
        return [self.for_set(language_set) for language_set in self.sets]

    def for_set(self, language_set: LanguageSet) -> TranslationRequest:
        """The base request aimed at one set: its languages, into `<out_dir>/<set name>/` (with no `out_dir`,
        under the job `<job>-<set name>` in storage, so each set keeps its own report)."""
        base = self.base
        update: dict[str, object] = {
            "languages": language_set.languages,
            "out_dir": out_dir_of_set(base.out_dir, language_set.name),
        }
        if not base.out_dir:
            update["job"] = f"{base.job_name}-{language_set.name}"
        one = base.model_copy(update=update)
        return TranslationRequest.model_validate(one.model_dump())


def out_dir_of_set(out_dir: str, set_name: str) -> str:
    """`<out_dir>/<set name>`, for a local folder and an `az://` prefix alike; empty stays empty (see `for_set`)."""
    if not out_dir:
        return ""
    if is_storage_spec(out_dir):
        return f"{out_dir.rstrip('/')}/{set_name}"
    return str(Path(out_dir) / set_name)


def describe_request_error(exc: ValidationError) -> str:
    """One line per problem, named by field: `languages: List should have at least 1 item`."""
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'request'}: {e['msg'].removeprefix('Value error, ')}"
        for e in exc.errors(include_url=False, include_input=False)
    )
