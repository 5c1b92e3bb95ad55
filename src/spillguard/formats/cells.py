"""Cell helpers shared by spreadsheet readers: A1 references, value → string columns."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import polars as pl

from spillguard.model import Location, Table, Visibility

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def col_letter(index: int) -> str:
    """0-based column index → ``A``, ``Z``, ``AA``."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def split_ref(ref: str) -> tuple[int, int] | None:
    """``B7`` → (row 7, column index 1)."""
    m = _REF.match(ref.upper())
    return (int(m.group(2)), col_index(m.group(1))) if m else None


def cell_str(v: object) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ") if (v.hour or v.minute or v.second) else v.date().isoformat()
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return str(v)


def frame(rows: Sequence[Sequence[object]], width: int) -> pl.DataFrame:
    """Row lists (possibly ragged) → a DataFrame of ``width`` string columns c0..cN."""
    cols: dict[str, list[str | None]] = {f"c{j}": [] for j in range(width)}
    lists = list(cols.values())
    for row in rows:
        n = len(row)
        for j in range(width):
            lists[j].append(cell_str(row[j]) if j < n else None)
    return pl.DataFrame(cols, schema={k: pl.Utf8 for k in cols})


def frame_columns(rows: list[list[object]], width: int) -> pl.DataFrame:
    """Faster ``frame`` for rectangular rows: transpose once, convert column by column."""
    if not rows:
        return pl.DataFrame({f"c{j}": [] for j in range(width)}, schema={f"c{j}": pl.Utf8 for j in range(width)})
    data: dict[str, list[str | None]] = {}
    for j, col in enumerate(zip(*rows, strict=True)):
        data[f"c{j}"] = [v if (type(v) is str and v) else cell_str(v) for v in col]
    return pl.DataFrame(data, schema={f"c{j}": pl.Utf8 for j in range(width)})


def row_ranges(rows: list[int], limit: int = 6) -> str:
    """[5, 9, 10, 11, 30] → ``rows 5, 9-11, 30``."""
    if not rows:
        return ""
    spans: list[str] = []
    start = prev = rows[0]
    for r in [*rows[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        spans.append(f"{start}" if start == prev else f"{start}-{prev}")
        if r is not None:
            start = prev = r
    more = f" (+{len(spans) - limit} more)" if len(spans) > limit else ""
    return "rows " + ", ".join(spans[:limit]) + more


def col_ranges(cols: list[int]) -> str:
    return "columns " + ", ".join(col_letter(c) for c in cols[:12]) + (" …" if len(cols) > 12 else "")


def text_table(loc: Location, vis: Visibility, rows: list[list[str]]) -> Table:
    """A table of text cells from a document (Word, PowerPoint, HTML): the first row is the
    header when every cell of it is a label (no digits), as in a roster."""
    width = max(len(r) for r in rows)
    header_like = len(rows) > 1 and all(c and not any(ch.isdigit() for ch in c) for c in rows[0])
    headers = [*rows[0], *[""] * (width - len(rows[0]))] if header_like else [""] * width
    body = rows[1:] if header_like else rows
    return Table(loc, vis, headers, iter([frame([[c or None for c in r] for r in body], width)]))


def author_table(loc: Location, header: str, names: list[str]) -> Table:
    """A one-column table of people (comment or revision authors), checked like any names column."""
    return Table(loc, Visibility.METADATA, [header], iter([pl.DataFrame({"c0": names}, schema={"c0": pl.Utf8})]))


def record_table(loc: Location, vis: Visibility, values: dict[str, str]) -> Table:
    """One record (document properties, EXIF fields): the field names are the headers."""
    headers = list(values)
    frame = pl.DataFrame({f"c{j}": [values[h]] for j, h in enumerate(headers)},
                         schema={f"c{j}": pl.Utf8 for j in range(len(headers))})
    return Table(loc, vis, headers, iter([frame]))
