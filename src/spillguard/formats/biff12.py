"""BIFF12 records, the binary parts of an Excel binary workbook (.xlsb), read by MS-XLSB 2.1.4:
each record is a type (1–2 bytes, 7 bits each), a size (1–4 bytes, 7 bits each) and its data.

Only what no library exposes is decoded here (python-calamine reads the cell values): sheet
names, states and parts (BrtBundleSh), hidden rows (BrtRowHdr) and columns (BrtColInfo), an
auto-filter (BrtBeginAFilter) and cell comments (BrtCommentAuthor, BrtBeginComment, BrtCommentText).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from spillguard.errors import CorruptFile

ROW_HDR = 0
BUNDLE_SH = 156
BEGIN_AFILTER = 161
COL_INFO = 60
COMMENT_AUTHOR = 632
BEGIN_COMMENT = 635
COMMENT_TEXT = 637


def records(data: bytes, part: str) -> Iterator[tuple[int, bytes]]:
    """(type, data) of each record; a record that runs past the end is a corrupt part."""
    pos, end = 0, len(data)
    while pos < end:
        kind, pos = _varint(data, pos, 2, part)
        size, pos = _varint(data, pos, 4, part)
        if pos + size > end:
            raise CorruptFile(f"a record of {part} runs past the end of the part (truncated?)", part=part)
        yield kind, data[pos:pos + size]
        pos += size


def _varint(data: bytes, pos: int, most: int, part: str) -> tuple[int, int]:
    value = 0
    for k in range(most):
        if pos >= len(data):
            raise CorruptFile(f"{part} ends inside a record header (truncated?)", part=part)
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << (7 * k)
        if not byte & 0x80:
            return value, pos
    return value, pos


def wide_string(data: bytes, pos: int) -> tuple[str | None, int]:
    """An XLWideString / XLNullableWideString: a 4-byte count of UTF-16 units, then the text."""
    if pos + 4 > len(data):
        return None, len(data)
    (count,) = struct.unpack_from("<I", data, pos)
    pos += 4
    if count == 0xFFFFFFFF:
        return None, pos
    text = data[pos:pos + 2 * count].decode("utf-16-le", "replace")
    return text, pos + 2 * count


@dataclass(frozen=True, slots=True)
class SheetEntry:
    name: str
    rel_id: str
    state: int  # 0 visible, 1 hidden, 2 very hidden


def bundle_sheets(data: bytes, part: str) -> list[SheetEntry]:
    out = []
    for kind, body in records(data, part):
        if kind == BUNDLE_SH and len(body) >= 8:
            state, _tab = struct.unpack_from("<II", body, 0)
            rel_id, pos = wide_string(body, 8)
            name, _ = wide_string(body, pos)
            out.append(SheetEntry(name or "", rel_id or "", state & 0x3))
    return out


@dataclass(slots=True)
class SheetFlags:
    #: row number (1-based) → True when hidden in an outline group (or under a filter)
    hidden_rows: dict[int, bool] = field(default_factory=dict)
    hidden_cols: set[int] = field(default_factory=set)  # 0-based
    has_filter: bool = False
    #: the last row (1-based) and column (0-based) a cell record reaches
    last_row: int = 0
    last_col: int = 0


#: record types of cells (MS-XLSB 2.3.2: BrtCellBlank = 1 … BrtFmlaError = 11)
CELL_FIRST, CELL_LAST = 1, 11


def sheet_flags(data: bytes, part: str) -> SheetFlags:
    out = SheetFlags()
    for kind, body in records(data, part):
        if CELL_FIRST <= kind <= CELL_LAST and len(body) >= 4:  # BrtCellBlank … BrtFmlaError: column first
            (col,) = struct.unpack_from("<I", body, 0)
            out.last_col = max(out.last_col, col)
        elif kind == ROW_HDR and len(body) >= 12:
            (row,) = struct.unpack_from("<I", body, 0)
            out.last_row = max(out.last_row, row + 1)
            flags = body[11]
            if flags & 0x10:  # fDyZero: the row has no height
                out.hidden_rows[row + 1] = bool(flags & 0x07)  # iOutLevel > 0: a group
        elif kind == COL_INFO and len(body) >= 18:
            first, last = struct.unpack_from("<II", body, 0)
            (flags,) = struct.unpack_from("<H", body, 16)
            if flags & 0x0001 and last >= first:
                out.hidden_cols.update(range(first, min(last, 16383) + 1))
        elif kind == BEGIN_AFILTER:
            out.has_filter = True
    if out.has_filter:
        out.hidden_rows = dict.fromkeys(out.hidden_rows, True)
    return out


@dataclass(frozen=True, slots=True)
class Comment:
    author: str
    row: int  # 0-based
    col: int
    text: str


def comments(data: bytes, part: str) -> list[Comment]:
    authors: list[str] = []
    out: list[Comment] = []
    current: tuple[str, int, int] | None = None
    for kind, body in records(data, part):
        if kind == COMMENT_AUTHOR:
            authors.append(wide_string(body, 0)[0] or "")
        elif kind == BEGIN_COMMENT and len(body) >= 20:
            author, row, _last, col = struct.unpack_from("<IIII", body, 0)
            current = (authors[author] if author < len(authors) else "", row, col)
        elif kind == COMMENT_TEXT and current is not None and body:
            text, _ = wide_string(body, 1)  # RichStr: a flags byte, then the string
            out.append(Comment(current[0], current[1], current[2], text or ""))
            current = None
    return out
