"""Which glossary goes with which target language, checked before anything is submitted.

`--glossary` takes `fr=terms.csv` (explicit), a file (an XLIFF file's `target-language` decides, a
CSV/TSV named like `terms.fr.csv` or `fr.tsv` goes to that language, any other applies to all), or a
folder of such files. Every file is parsed here, so a broken or mismatched glossary stops the run
with its name and the problem, before any characters are paid for.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from doctranslate.errors import BadInputError, GlossaryError
from doctranslate.formats.glossaries import parse_glossary
from doctranslate.pipeline.scan import file_md5
from doctranslate.wire.catalogue import glossary_format_named


class GlossaryFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: Path
    format: str
    md5: str
    language: str | None  # None: for every target language

    def applies_to(self, language: str) -> bool:
        return self.language is None or _base(self.language) == _base(language)


def _base(language: str) -> str:
    return language.lower().split("-")[0]


def _language_from_name(path: Path, languages: Sequence[str]) -> str | None:
    parts = path.name.lower().split(".")[:-1]  # "terms.fr.csv" -> ["terms", "fr"]
    candidates = {parts[-1]} if parts else set()
    return next((lang for lang in languages if lang.lower() in candidates), None)


def _load(path: Path, explicit: str | None, languages: Sequence[str]) -> GlossaryFile:
    file_format = glossary_format_named(None, path.name)
    if file_format is None:
        raise BadInputError(
            f"glossary {path}: unsupported file type {path.suffix or '(none)'}", hint="use .xlf, .tsv/.tab or .csv"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInputError(f"glossary {path} cannot be read: {exc.strerror or exc}") from None
    try:
        glossary = parse_glossary(data, file_format.format, name=str(path))
    except GlossaryError as exc:
        raise BadInputError(exc.message, hint=exc.hint) from None
    language = explicit or glossary.target_language or _language_from_name(path, languages)
    if language is not None and not any(_base(language) == _base(lang) for lang in languages):
        raise BadInputError(
            f"glossary {path} is for language {language!r}, which is not among the targets {', '.join(languages)}",
            hint="the service would silently ignore it; fix the file's language or the --to list",
        )
    return GlossaryFile(path=path, format=file_format.format, md5=file_md5(path), language=language)


def select_glossaries(specs: Sequence[str], languages: Sequence[str]) -> list[GlossaryFile]:
    selected: list[GlossaryFile] = []
    for spec in specs:
        language, _, location = spec.partition("=") if "=" in spec and not Path(spec).exists() else ("", "", spec)
        path = Path(location)
        if not path.exists():
            raise BadInputError(
                f"glossary {path} does not exist", hint="give a .xlf/.tsv/.csv file or a folder of them"
            )
        files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
        selected += [_load(file, language or None, languages) for file in files]
    return selected
