"""Plain text (.txt, .md, .log and anything else that decodes as text): one Text per file,
read in bounded chunks. Structured text formats get their own modules later."""

from __future__ import annotations

from collections.abc import Iterator

from charset_normalizer import from_bytes

from spillguard.formats.base import Context, Source
from spillguard.model import Content, Location, Text, Visibility

NAME = "text"
CHUNK_CHARS = 1_000_000


def detect_encoding(head: bytes) -> str | None:
    """The encoding of a text head, or None for binary data."""
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    try:
        head.decode("utf-8")
        return "utf-8-sig" if head.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a character cut by the head's end
            return "utf-8"
    best = from_bytes(head).best()
    return best.encoding if best is not None and best.chaos < 0.3 else None


def sniff(head: bytes) -> bool:
    return bool(head) and detect_encoding(head) is not None


def read(source: Source, ctx: Context) -> Iterator[Content]:
    encoding = detect_encoding(source.head(65536)) or "utf-8"
    with source.open() as raw:
        import io

        reader = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        line = 1
        while True:
            chunk = reader.read(CHUNK_CHARS)
            if not chunk:
                break
            # extend to the end of the line so no word is split between chunks
            chunk += reader.readline()
            yield Text(Location(file=source.name, line=line), Visibility.VISIBLE, chunk)
            line += chunk.count("\n")
