"""Which glossary goes with which target language, checked before anything is submitted.

Glossaries may be local or already in storage (`az://container/terms.fr.csv`, or a prefix ending in `/`
for the glossaries right under it); those are read (they are small, and must be parsed to be checked) and
used where they are, never staged.

`--glossary` takes `fr=terms.csv` (explicit), a file (an XLIFF file's `target-language` decides, a
CSV/TSV named like `terms.fr.csv` or `fr.tsv` goes to that language, any other applies to all), or a
folder of such files. Every file is parsed here, so a broken or mismatched glossary stops the run
with its name and the problem, before any characters are paid for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict

from doctranslate.errors import BadInputError, GlossaryError
from doctranslate.formats.glossaries import GlossaryTerms, parse_glossary
from doctranslate.pipeline.scan import StorageReader
from doctranslate.storage.locations import StorageLocation, is_storage_spec
from doctranslate.wire.catalogue import glossary_format_named


class GlossaryFile(BaseModel):
    """A glossary checked for a run. A local file (`path`) is staged; one already in storage (`container`,
    with `path` its blob name) is used where it is."""

    model_config = ConfigDict(frozen=True)

    path: Path
    format: str
    md5: str
    language: str | None  # None: for every target language
    container: str | None = None

    def applies_to(self, language: str) -> bool:
        return self.language is None or _base(self.language) == _base(language)


def _base(language: str) -> str:
    return language.lower().split("-")[0]


def _language_from_name(path: PurePosixPath | Path, languages: Sequence[str]) -> str | None:
    parts = path.name.lower().split(".")[:-1]  # "terms.fr.csv" -> ["terms", "fr"]
    candidates = {parts[-1]} if parts else set()
    return next((lang for lang in languages if lang.lower() in candidates), None)


def _checked(
    name: str, data: bytes, explicit: str | None, languages: Sequence[str], container: str | None = None
) -> GlossaryFile:
    """Parse one glossary (`name`: its path or blob name) and decide its language, or say what is wrong."""
    path = PurePosixPath(name)
    file_format = glossary_format_named(None, path.name)
    if file_format is None:
        raise BadInputError(
            f"glossary {name}: unsupported file type {path.suffix or '(none)'}", hint="use .xlf, .tsv/.tab or .csv"
        )
    try:
        glossary = parse_glossary(data, file_format.format, name=name)
    except GlossaryError as exc:
        raise BadInputError(exc.message, hint=exc.hint) from None
    language = explicit or glossary.target_language or _language_from_name(path, languages)
    if language is not None and not any(_base(language) == _base(lang) for lang in languages):
        raise BadInputError(
            f"glossary {name} is for language {language!r}, which is not among the targets {', '.join(languages)}",
            hint="the service would silently ignore it; fix the file's language or the --to list",
        )
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    return GlossaryFile(path=Path(name), format=file_format.format, md5=md5, language=language, container=container)


def _local(location: str, explicit: str | None, languages: Sequence[str]) -> list[GlossaryFile]:
    path = Path(location)
    if not path.exists():
        raise BadInputError(f"glossary {path} does not exist", hint="give a .xlf/.tsv/.csv file or a folder of them")
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    selected = []
    for file in files:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise BadInputError(f"glossary {file} cannot be read: {exc.strerror or exc}") from None
        selected.append(_checked(str(file), data, explicit, languages))
    return selected


def _in_storage(
    location: str, explicit: str | None, languages: Sequence[str], reader: StorageReader
) -> list[GlossaryFile]:
    source = StorageLocation.given(location, reader.url, what="glossary")
    if source.prefix.endswith("/") or not source.prefix:  # a folder: the glossaries right under it
        listed = reader.list_blobs(source.container, source.prefix)
        names = sorted(b.name for b in listed if "/" not in b.name[len(source.prefix) :])
    else:
        names = [source.prefix]
    selected = []
    for name in names:
        data = reader.read_blob(source.container, name)
        if data is None:
            raise BadInputError(f"glossary az://{source.container}/{name} does not exist in storage")
        selected.append(_checked(name, data, explicit, languages, source.container))
    return selected


def select_glossaries(
    specs: Sequence[str], languages: Sequence[str], reader: StorageReader | None = None
) -> list[GlossaryFile]:
    """Every glossary of `specs` (files, folders, `lang=file`, or the same in storage: `az://container/blob`),
    parsed and matched to the target languages. Glossaries in storage need the `reader`; without it (pre-flight
    before a run, with no storage at hand) they are left for the run to check."""
    selected: list[GlossaryFile] = []
    for spec in specs:
        explicit, _, location = spec.partition("=") if "=" in spec and not Path(spec).exists() else ("", "", spec)
        if not is_storage_spec(location):
            selected += _local(location, explicit or None, languages)
        elif reader is not None:
            selected += _in_storage(location, explicit or None, languages, reader)
    return selected


def terms_for(
    glossaries: Sequence[GlossaryFile], language: str, reader: StorageReader | None = None
) -> GlossaryTerms | None:
    """The terms the service applies for `language`, all its glossaries merged (None without any): what QA
    checks each output against. Read again from where they are; they were checked when the run planned."""
    merged: GlossaryTerms | None = None
    for glossary in (g for g in glossaries if g.applies_to(language)):
        if glossary.container is None:
            data: bytes | None = glossary.path.read_bytes()
        else:
            data = reader.read_blob(glossary.container, glossary.path.as_posix()) if reader is not None else None
        if data is None:
            continue
        terms = parse_glossary(data, glossary.format, name=glossary.path.name)
        merged = terms if merged is None else merged.merged_with(terms)
    return merged
