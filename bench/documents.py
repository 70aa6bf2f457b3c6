"""Generated document sets: many small, realistic, mixed documents, the same for every run of a benchmark."""

from __future__ import annotations

import random
import re
from pathlib import Path

_VOCABULARY = (
    "the install guide explains how to configure storage accounts containers and access policies before the "
    "first translation job runs every night with glossaries for product names release notes and support "
    "articles that customers read in their own language while the team reviews each change carefully"
)
_WORDS = tuple(re.findall(r"[a-z]+", _VOCABULARY))
_CODE = "```sh\ndoctranslate translate docs --to fr\n```"


def sentence(rng: random.Random) -> str:
    words = rng.choices(_WORDS, k=rng.randint(8, 18))
    return " ".join(words).capitalize() + "."


def paragraphs(rng: random.Random, count: int) -> list[str]:
    return [" ".join(sentence(rng) for _ in range(rng.randint(2, 5))) for _ in range(count)]


def text_document(rng: random.Random) -> str:
    return "\n\n".join(paragraphs(rng, rng.randint(3, 8))) + "\n"


def markdown_document(rng: random.Random) -> str:
    parts = [f"# {sentence(rng)}"]
    for paragraph in paragraphs(rng, rng.randint(3, 6)):
        parts += [
            paragraph,
            f"- {sentence(rng)}\n- {sentence(rng)}",
            "```sh\ndoctranslate translate docs --to fr\n```",
        ]
    return "\n\n".join(parts) + "\n"


def html_document(rng: random.Random) -> str:
    body = "".join(
        f"<h2>{sentence(rng)}</h2><p>{p} <a href='https://example.com/{i}'>{sentence(rng)}</a></p>"
        for i, p in enumerate(paragraphs(rng, rng.randint(3, 6)))
    )
    return f"<!DOCTYPE html><html><head><title>{sentence(rng)}</title></head><body>{body}</body></html>\n"


_KINDS = ((".txt", text_document), (".md", markdown_document), (".html", html_document))


def write_mixed_documents(folder: Path, count: int, *, seed: int = 7) -> int:
    """`count` documents of 1–4 KB, a third each text, Markdown and HTML, 50 to a subfolder; total bytes."""
    rng = random.Random(seed)
    total = 0
    for index in range(count):
        extension, make = _KINDS[index % len(_KINDS)]
        path = folder / f"part-{index // 50:03d}" / f"doc-{index:05d}{extension}"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = make(rng).encode()
        path.write_bytes(data)
        total += len(data)
    return total
