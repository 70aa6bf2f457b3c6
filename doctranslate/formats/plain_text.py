"""Plain text: every non-blank line is a segment; line endings and indentation stay as they were."""

from __future__ import annotations

from doctranslate.formats.base import Pieces, Rewrite, SegmentTranslator, decode_text


class PlainTextHandler:
    extensions: tuple[str, ...] = (".txt",)

    def rewrite(self, data: bytes, translate: SegmentTranslator) -> Rewrite:
        decoded = decode_text(data, what="the text file")
        pieces = Pieces()
        for line in decoded.text.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            pieces.text(body)
            pieces.fixed(line[len(body) :])
        text, characters, segments = pieces.render(translate)
        return Rewrite(decoded.encode(text), characters, segments)
