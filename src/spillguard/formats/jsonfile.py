"""JSON and NDJSON (JSON Lines): records become tables, free strings become text.

Parsed by the standard library's ``json`` (NDJSON line by line). Recognised by content: the
first non-blank character opens an object or an array and the head parses as JSON or as JSON
lines. Nesting deeper than Python can parse is a resource limit (SG903), not a crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from spillguard.errors import CorruptFile, ResourceLimit
from spillguard.formats import records
from spillguard.formats.base import Context, Source
from spillguard.formats.textfile import detect_encoding
from spillguard.model import Content, Location, Visibility

NAME = "json"


def sniff(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith((b"{", b"[")):
        return False
    if detect_encoding(head) is None:
        return False
    first = text.split(b"\n", 1)[0].strip()
    try:
        json.loads(first)
        return True  # one complete value on the first line: JSON lines, or one-line JSON
    except RecursionError:
        return True  # JSON nested deeper than Python parses: read() reports the limit
    except ValueError:
        pass
    # a multi-line document: its first line opens it and does not close it
    return first in (b"{", b"[") or first.endswith((b"{", b"[", b",", b":")) or b'":' in first


def read(source: Source, ctx: Context) -> Iterator[Content]:
    raw = source.read_up_to(ctx.limits.max_part_bytes, "the JSON file")
    text = raw.decode(detect_encoding(raw[:65536]) or "utf-8", errors="replace").lstrip("\ufeff")
    loc = Location(file=source.name)
    value = _parse(text)
    yield from records.contents(value, loc, Visibility.VISIBLE, ctx.limits.batch_rows)


def _parse(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ResourceLimit("the JSON is nested too deeply to parse") from None
    except ValueError as whole:
        lines = [line for line in text.splitlines() if line.strip()]
        try:
            return [json.loads(line) for line in lines]  # NDJSON: a list of records
        except RecursionError:
            raise ResourceLimit("the JSON is nested too deeply to parse") from None
        except ValueError:
            raise CorruptFile(f"not valid JSON or JSON lines ({whole})") from None
