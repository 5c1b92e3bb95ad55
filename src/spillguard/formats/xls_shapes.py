"""The text of shapes drawn on the sheets of a legacy .xls (text boxes, callouts, rectangles with
words): TXO records of each sheet's substream ([MS-XLS] 2.4.329) with their text in the CONTINUE
records after them. xlrd reads only the TXO records that belong to cell notes; the rest are the
sheet's drawings, which a reader of the sheet sees."""

from __future__ import annotations

import struct

_BOF, _EOF, _BOUNDSHEET, _TXO, _CONTINUE = 0x0809, 0x000A, 0x0085, 0x01B6, 0x003C


def _records(stream: bytes, pos: int):
    while pos + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, pos)
        yield kind, stream[pos + 4:pos + 4 + length], pos
        pos += 4 + length


def sheet_positions(stream: bytes) -> dict[str, int]:
    """Sheet name → the stream position of its substream, from the BOUNDSHEET records."""
    out: dict[str, int] = {}
    for kind, body, _ in _records(stream, 0):
        if kind == _EOF:
            break
        if kind == _BOUNDSHEET and len(body) >= 8:
            position, cch, high = struct.unpack_from("<I", body)[0], body[6], body[7] & 1
            raw = body[8:8 + cch * (2 if high else 1)]
            out[raw.decode("utf-16-le" if high else "latin-1", "replace")] = position
    return out


def shape_texts(stream: bytes, position: int) -> list[str]:
    """The text of every TXO record in the substream at ``position`` (nested chart substreams
    included), in order."""
    texts: list[str] = []
    depth = 0
    records = _records(stream, position)
    pending: int | None = None  # characters the last TXO announced
    current = ""
    for kind, body, _ in records:
        if kind == _BOF:
            depth += 1
        elif kind == _EOF:
            depth -= 1
            if depth <= 0:
                break
        if pending is not None:
            if kind == _CONTINUE and len(current) < pending and body:
                wide = body[0] & 1
                current += body[1:].decode("utf-16-le" if wide else "latin-1", "replace")
                continue
            if current.strip():
                texts.append(current[:pending])
            pending, current = None, ""
        if kind == _TXO and len(body) >= 12:
            chars = struct.unpack_from("<H", body, 10)[0]
            pending = chars if chars else None
    if pending is not None and current.strip():
        texts.append(current[:pending])
    return texts
