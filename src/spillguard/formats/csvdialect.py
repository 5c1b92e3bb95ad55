"""Whether a file's first bytes read as a delimited table, and in which encoding and delimiter:
the test the format registry runs on every file, kept apart from the CSV reader (polars, pyarrow)
so that it costs no import of them."""

from __future__ import annotations

import csv
import io

from spillguard.formats.textfile import detect_encoding

DELIMITERS = ",;\t|"


def sample_rows(head: bytes, encoding: str, delimiter: str) -> list[list[str]]:
    text = head.decode(encoding, errors="replace")
    lines = text.splitlines()[:-1] if len(head) >= 65536 else text.splitlines()
    return list(csv.reader(io.StringIO("\n".join(lines[:50])), delimiter=delimiter))


def dialect(head: bytes) -> tuple[str, str] | None:
    """(encoding, delimiter) when the head reads as a delimited table, else None."""
    encoding = detect_encoding(head)
    if encoding is None:
        return None
    best: tuple[float, str] | None = None
    for delim in DELIMITERS:
        try:
            rows = [r for r in sample_rows(head, encoding, delim) if r]
        except csv.Error:
            continue
        if len(rows) < 2:
            continue
        widths = [len(r) for r in rows]
        mode = max(set(widths), key=widths.count)
        share = widths.count(mode) / len(widths)
        if mode >= 2 and share >= 0.9 and (best is None or share > best[0]):
            best = (share, delim)
    return (encoding, best[1]) if best else None


def sniff(head: bytes) -> bool:
    return dialect(head) is not None
