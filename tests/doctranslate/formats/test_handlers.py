"""Text, HTML and Markdown: exactly the prose changes; markup, code and URLs stay byte for byte."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from doctranslate.errors import DocumentFormatError, NoTranslatableTextError
from doctranslate.formats.registry import handler_for


def upper(segments: Sequence[str]) -> list[str]:
    return [segment.upper() for segment in segments]


class Recorder:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, segments: Sequence[str]) -> list[str]:
        self.calls.append(list(segments))
        return upper(segments)


def rewrite(name: str, data: bytes) -> tuple[str, int, int]:
    handler = handler_for(name)
    assert handler is not None
    result = handler.rewrite(data, upper)
    return result.content.decode("utf-8"), result.characters, result.segments


def test_plain_text_keeps_line_endings_indentation_and_numbers() -> None:
    text, characters, segments = rewrite("a.txt", b"Hello\r\n\r\n  indented line\n42\n")
    assert text == "HELLO\r\n\r\n  INDENTED LINE\n42\n"
    assert (characters, segments) == (len("Hello") + len("indented line"), 2)


def test_plain_text_utf16_with_bom_round_trips() -> None:
    handler = handler_for("a.txt")
    assert handler is not None
    result = handler.rewrite(b"\xff\xfe" + "grüße".encode("utf-16-le"), upper)
    assert result.content == b"\xff\xfe" + "GRÜSSE".encode("utf-16-le")


def test_one_engine_call_per_document() -> None:
    handler = handler_for("guide.md")
    assert handler is not None
    engine = Recorder()
    handler.rewrite(b"# One\n\nTwo and *three*.\n\n- four\n", engine)
    assert engine.calls == [["One", "Two and", "three", "four"]]  # "." has no words: not sent, not charged


def test_html_translates_text_and_readable_attributes_only() -> None:
    source = (
        b"<!doctype html><html><head><title>My page</title><style>p{color:red}</style></head>"
        b'<body><p class="intro">Hello <b>world</b> &amp; friends</p><img src="cat.png" alt="A cat">'
        b"<script>var greeting = 'hi';</script><pre>keep   this</pre><code>x = 1</code><p>5 &lt; 6</p></body></html>"
    )
    text, characters, _ = rewrite("page.html", source)
    assert text == (
        "<!doctype html><html><head><title>MY PAGE</title><style>p{color:red}</style></head>"
        '<body><p class="intro">HELLO <b>WORLD</b> &amp; FRIENDS</p><img src="cat.png" alt="A CAT">'
        "<script>var greeting = 'hi';</script><pre>keep   this</pre><code>x = 1</code><p>5 &lt; 6</p></body></html>"
    )
    assert characters == len("My page") + len("Hello") + len("world") + len("& friends") + len("A cat")


def test_markdown_keeps_code_links_front_matter_keys_and_tables() -> None:
    source = (
        b'---\ntitle: "Getting started"\ntags: [a, b]\n---\n# Install the *tool*\n\n'
        b"Run `pip install x` and see [the docs](https://example.com/docs) or <https://x.y>.\n\n"
        b'```python\nprint("hello")\n```\n\n    indented code\n\n| Name | Value |\n|------|-------|\n| width | 10 |\n\n'
        b"- [ ] item one\n1. second item\n[ref]: https://example.com/ref\n"
    )
    text, _, _ = rewrite("guide.md", source)
    assert text == (
        '---\ntitle: "GETTING STARTED"\ntags: [a, b]\n---\n# INSTALL THE *TOOL*\n\n'
        "RUN `pip install x` AND SEE [THE DOCS](https://example.com/docs) OR <https://x.y>.\n\n"
        '```python\nprint("hello")\n```\n\n    indented code\n\n| NAME | VALUE |\n|------|-------|\n| WIDTH | 10 |\n\n'
        "- [ ] ITEM ONE\n1. SECOND ITEM\n[ref]: https://example.com/ref\n"
    )


@pytest.mark.parametrize(
    ("line", "segments"),
    [
        ("plain prose, no marks at all", ["plain prose, no marks at all"]),
        ("see https://example.com/docs now", ["see", "now"]),
        ("keep `code` as is", ["keep", "as is"]),
        ("a **bold** word", ["a", "bold", "word"]),
        ("a __strong__ word", ["a", "strong", "word"]),
        ("a ~~gone~~ word", ["a", "gone", "word"]),
        ("a line<br>break", ["a line", "break"]),
        ("left | right", ["left", "right"]),
        ("a [link](target.md) here", ["a", "link", "here"]),
    ],
)
def test_markdown_lines_are_cut_at_each_inline_mark(line: str, segments: list[str]) -> None:
    """Prose lines without any mark skip the inline scan; every kind of mark must still send a line to it."""
    handler = handler_for("line.md")
    assert handler is not None
    engine = Recorder()
    handler.rewrite(f"{line}\n".encode(), engine)
    assert engine.calls == [segments]


@pytest.mark.parametrize("name", ["empty.txt", "blank.md", "numbers.html"])
def test_documents_without_words_have_no_translatable_text(name: str) -> None:
    data = {"empty.txt": b"", "blank.md": b"\n\n```\ncode only\n```\n", "numbers.html": b"<p>42</p><p>3.14</p>"}[name]
    handler = handler_for(name)
    assert handler is not None
    with pytest.raises(NoTranslatableTextError):
        handler.rewrite(data, upper)


def test_non_utf8_text_is_refused_with_a_clear_message() -> None:
    handler = handler_for("latin1.txt")
    assert handler is not None
    with pytest.raises(DocumentFormatError, match=r"not UTF-8 text .* save the file as UTF-8"):
        handler.rewrite("café".encode("latin-1"), upper)


def test_unknown_extensions_have_no_handler() -> None:
    assert handler_for("archive.rar") is None
    assert handler_for("photo.JPG") is not None  # image files: OCR (formats.image)
    assert handler_for("REPORT.TXT") is not None
