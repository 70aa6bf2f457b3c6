"""Bad input, as a table: the exact error a user sees, the exit code, and proof that nothing was
submitted and nothing in the source folder was touched."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from doctranslate.local.stack import free_port
from tests.pipeline.conftest import Pipeline

pytestmark = pytest.mark.e2e


def tree_digest(root: Path) -> str:
    """Everything the user put in the work folder (not the run's own state or outputs)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.relative_to(root).parts[0] not in (".doctranslate", "out")):
        digest.update(path.relative_to(root).as_posix().encode())
        if path.is_file() and not path.is_symlink():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def nothing(work: Path) -> None:
    return None


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    message: str
    code: int = 2
    before_prefect: bool = True  # found by the preflight: no Prefect run, no traceback at all
    setup: Callable[[Path], None] = nothing
    env: dict[str, str] = field(default_factory=dict)
    verb: str = "translate"


def _write(name: str, data: bytes | str) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(data.encode() if isinstance(data, str) else data)

    return setup


def _all(*steps: Callable[[Path], None]) -> Callable[[Path], None]:
    def setup(work: Path) -> None:
        for step in steps:
            step(work)

    return setup


def _symlink_out(work: Path) -> None:
    (work / "outside.txt").write_text("not in the source folder")
    (work / "links").mkdir()
    (work / "links" / "escape.txt").symlink_to(work / "outside.txt")


XLIFF_ES = (
    '<?xml version="1.0"?><xliff version="1.2"><file source-language="en" target-language="es" original="g">'
    "<body><trans-unit id='1'><source>cat</source><target>gato</target></trans-unit></body></file></xliff>"
)

CASES = [
    Case(
        "unknown language",
        ("src", "--to", "fr,xx-invalid"),
        "'xx-invalid' is not a language the service translates; `doctranslate languages` lists them",
    ),
    Case("source language unknown", ("src", "--to", "fr", "--from", "zz"), "'zz' is not a language the service"),
    Case(
        "a language by its name",
        ("src", "--to", "German"),
        "'German' is not a language the service translates; did you mean de (German)?",
    ),
    Case("a regional code the service lacks", ("src", "--to", "pt-BR"), "did you mean pt (Portuguese (Brazil))"),
    Case(
        "text in images without a .docx or .pptx",
        ("src", "--to", "fr", "--translate-images"),
        "the service reads text in images of image files and .docx and .pptx documents only",
    ),
    Case(
        "a deployment name on an API version without them",
        ("src", "--to", "fr", "--deployment", "contoso-gpt"),
        "deployment needs API 2026-03-01, and DOCTRANSLATE_API_VERSION is 2024-05-01",
        env={"DOCTRANSLATE_API_VERSION": "2024-05-01"},
    ),
    Case("duplicate target language", ("src", "--to", "fr,de,fr"), "languages: fr given twice"),
    Case("no languages", ("src", "--to", ","), "error: languages: List should have at least 1 item"),
    Case("missing source", ("nowhere", "--to", "fr"), "source nowhere does not exist"),
    Case("out is a file", ("src", "--to", "fr", "--out", "src/a.txt"), "--out src/a.txt is a file"),
    Case(
        "out inside the source",
        ("az://docs/", "--to", "fr", "--out", "az://docs/translated"),
        "--out az://docs/translated lies inside the source az://docs/",
    ),
    Case("out not a container", ("src", "--to", "fr", "--out", "az://No_Such/x"), "'No_Such' is not a container name"),
    Case("bad policy", ("src", "--to", "fr", "--on-existing", "maybe"), "Invalid value for '--on-existing'"),
    Case("only unsupported", ("bin", "--to", "fr"), "unsupported file type .exe", setup=_write("bin/a.exe", b"MZ")),
    Case("only empty", ("blank", "--to", "fr"), "empty file", setup=_write("blank/a.txt", b"")),
    Case(
        "only oversize",
        ("big", "--to", "fr"),
        "over the service's 40 MB limit",
        setup=lambda w: (w / "big").mkdir() or (w / "big" / "a.txt").open("wb").truncate(41 * 2**20),
    ),
    Case("include matches nothing", ("src", "--to", "fr", "--include", "*.docx"), "nothing to translate"),
    Case("symlink out of the folder", ("links", "--to", "fr"), "outside the source folder", setup=_symlink_out),
    Case("glossary missing", ("src", "--to", "fr", "--glossary", "nope.csv"), "glossary nope.csv does not exist"),
    Case(
        "glossary wrong type",
        ("src", "--to", "fr", "--glossary", "g.txt"),
        "unsupported file type .txt",
        setup=_write("g.txt", "a,b"),
    ),
    Case(
        "glossary malformed",
        ("src", "--to", "fr", "--glossary", "g.csv"),
        "line 1: expected 2 columns",
        setup=_write("g.csv", "a,b,c\n"),
    ),
    Case(
        "glossary not UTF-8",
        ("src", "--to", "fr", "--glossary", "g.tsv"),
        "is not UTF-8 text",
        setup=_write("g.tsv", b"caf\xe9\tcafe\n"),
    ),
    Case(
        "glossary wrong pair",
        ("src", "--to", "fr", "--glossary", "g.xlf"),
        "is for language 'es'",
        setup=_write("g.xlf", XLIFF_ES),
    ),
    Case(
        "glossary entity attack",
        ("src", "--to", "fr", "--glossary", "e.xlf"),
        "not valid XLIFF",
        setup=_write("e.xlf", '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xliff>&e;</xliff>'),
    ),
    Case("budget", ("src", "--to", "fr,de", "--budget", "0.00001"), "over the budget of 0.00001", before_prefect=False),
    Case(
        "wrong key",
        ("src", "--to", "fr"),
        "HTTP 401",
        env={"DOCTRANSLATE_TRANSLATOR_KEY": "wrong"},
        before_prefect=False,
    ),
    Case(
        "plain http off this machine",
        ("src", "--to", "fr"),
        "plain http on a non-loopback host",
        env={"DOCTRANSLATE_TRANSLATOR_ENDPOINT": "http://translator.example.com"},
    ),
    Case(
        "not a custom domain",
        ("src", "--to", "fr"),
        "does not serve Document Translation",
        env={"DOCTRANSLATE_TRANSLATOR_ENDPOINT": "https://api.cognitive.microsofttranslator.com"},
    ),
    Case(
        "invalid setting",
        ("src", "--to", "fr"),
        "DOCTRANSLATE_POLL_INTERVAL_SECONDS: Input should be greater",
        env={"DOCTRANSLATE_POLL_INTERVAL_SECONDS": "0"},
    ),
    Case(
        "invalid container name",
        ("src", "--to", "fr"),
        "DOCTRANSLATE_TARGET_CONTAINER: String should match",
        env={"DOCTRANSLATE_TARGET_CONTAINER": "Bad_Name"},
    ),
    Case(
        "storage unreachable",
        ("src", "--to", "fr"),
        "cannot create or open container",
        code=1,
        before_prefect=False,
        env={
            "DOCTRANSLATE_RETRY_MAX_ATTEMPTS": "1",
            "DOCTRANSLATE_STORAGE_CONNECTION_STRING": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            "AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:{closed}/devstoreaccount1;",
        },
    ),
    Case(
        "rerun of a missing report",
        ("none/report.json",),
        "report none/report.json does not exist",
        verb="rerun-failed",
    ),
    Case(
        "language sets file malformed",
        ("sets.yaml",),
        "sets.yaml: base: Input should be a valid dictionary",
        verb="translate-sets",
        setup=_write("sets.yaml", "base: [not, a, mapping]\n"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name.replace(" ", "-"))
def test_bad_input(pipeline: Pipeline, case: Case) -> None:
    (pipeline.work / "src").mkdir()
    (pipeline.work / "src" / "a.txt").write_text("Some text to translate.")
    case.setup(pipeline.work)
    before = tree_digest(pipeline.work)
    env = {k: v.replace("{closed}", str(free_port())) for k, v in case.env.items()}

    finished = pipeline.run(*case.args, verb=case.verb, env=env)

    output = finished.stdout + finished.stderr
    assert finished.returncode == case.code, output[-3000:]
    assert case.message in output, output[-3000:]
    if case.code == 2 and "Invalid value" not in case.message:
        # The last word is ours: one line, the problem and what to do (Prefect may log its own failure above
        # it when the problem surfaces inside a run, e.g. a refused key).
        assert finished.stderr.strip().splitlines()[-1].startswith("error: "), finished.stderr[-2000:]
    if case.before_prefect:
        assert "Traceback" not in output
    assert pipeline.batches_received() == 0
    assert tree_digest(pipeline.work) == before  # nothing lost, nothing changed


def test_there_are_at_least_25_cases() -> None:
    assert len(CASES) >= 25
