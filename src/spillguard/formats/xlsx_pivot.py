"""Pivot caches: the copy of the source rows that a workbook keeps for its pivot tables.

The source data survives when its sheet is deleted (Islington 2012, the 2022 immigration
workbook). No Python library reads the records, so this module does, without building a
Python object per cell: the records part is cut into chunks of whole ``<r>`` records, each
chunk's value tokens are pulled out by polars' regex engine, and column *j* is every F-th
token. Indexed values (``<x v="3"/>``) are gathered from the field's shared items.

ECMA-376 Part 1, §18.10: pivotCacheDefinition (cacheFields/sharedItems) and pivotCacheRecords
(r → x | s | n | d | b | e | m, one per database field, in field order).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import polars as pl
from lxml import etree

from spillguard.errors import CorruptFile
from spillguard.formats.cells import frame
from spillguard.formats.ooxml import SafeZip, local, parse_xml
from spillguard.model import Location, Table, Visibility

_ITEM_TAGS = {"s", "n", "d", "b", "e", "m"}
_TOKEN = r"<[xsndbem](?:\s[^>]*)?/?>"
_CHUNK = 4 * 1024 * 1024


class CacheField:
    __slots__ = ("name", "shared")

    def __init__(self, name: str, shared: list[str | None]) -> None:
        self.name = name
        self.shared = shared


def read_definition(z: SafeZip, part: str) -> tuple[etree._Element, list[CacheField]]:
    root = z.xml(part)
    fields: list[CacheField] = []
    for cf in root.iter("{*}cacheField"):
        if cf.get("databaseField") == "0":
            continue  # calculated fields have no values in the records
        shared: list[str | None] = []
        items = next((c for c in cf if local(c.tag) == "sharedItems"), None)
        if items is not None:
            for item in items:
                tag = local(item.tag)
                if tag in _ITEM_TAGS:
                    shared.append(None if tag == "m" else item.get("v"))
        fields.append(CacheField(cf.get("name", ""), shared))
    return root, fields


def source_note(root: etree._Element, sheet_names: set[str], hidden: set[str]) -> tuple[str, str | None]:
    """Describe the cache's source, and say when the source sheet is gone or hidden."""
    src = next(root.iter("{*}worksheetSource"), None)
    if src is None:
        kind = next(root.iter("{*}cacheSource"), None)
        return (f"source type {kind.get('type') if kind is not None else 'unknown'}", None)
    sheet, ref, name = src.get("sheet"), src.get("ref"), src.get("name")
    if sheet and sheet not in sheet_names:
        return (f"{sheet}!{ref or ''}", f"its source sheet '{sheet}' is no longer in the workbook")
    if sheet and sheet in hidden:
        return (f"{sheet}!{ref or ''}", f"its source sheet '{sheet}' is hidden")
    if name:
        return (name, None)
    return (f"{sheet}!{ref or ''}", None)


def _unescape(s: pl.Series) -> pl.Series:
    if not s.str.contains("&").any():
        return s
    out = (s.str.replace_all("&lt;", "<", literal=True).str.replace_all("&gt;", ">", literal=True)
            .str.replace_all("&quot;", '"', literal=True).str.replace_all("&apos;", "'", literal=True))
    if out.str.contains("&#").any():
        import html

        out = out.map_elements(html.unescape, return_dtype=pl.Utf8)
    return out.str.replace_all("&amp;", "&", literal=True)


def _chunk_frame(chunk: str, fields: list[CacheField], shared: list[pl.Series]) -> pl.DataFrame:
    n_records = len(re.findall(r"<r[\s>/]", chunk))
    tokens = pl.Series([chunk]).str.extract_all(_TOKEN).explode().drop_nulls()
    width = len(fields)
    if len(tokens) != n_records * width:
        raise ValueError("records do not hold one value per field")
    df = pl.DataFrame({"t": tokens}).with_columns(
        kind=pl.col("t").str.slice(1, 1),
        v=pl.col("t").str.extract(r'\sv="([^"]*)"', 1),
        i=pl.int_range(pl.len()),
    )
    cols: dict[str, pl.Series] = {}
    for j in range(width):
        part = df.filter(pl.col("i") % width == j)
        inline = _unescape(part.get_column("v"))
        is_x = part.get_column("kind") == "x"
        if is_x.any():
            idx = part.get_column("v").cast(pl.Int64, strict=False)
            if shared[j].len() == 0 or (idx.drop_nulls() >= shared[j].len()).any():
                raise ValueError("record points past the field's shared items")
            looked_up = shared[j].gather(idx.fill_null(0))
            values = pl.select(pl.when(is_x).then(looked_up).otherwise(inline)).to_series()
        else:
            values = inline
        kind = part.get_column("kind")
        values = pl.select(pl.when(kind.is_in(["m", "e"])).then(None).otherwise(values)).to_series()
        cols[f"c{j}"] = values.rename(f"c{j}")
    return pl.DataFrame(cols)


def _record_chunks(z: SafeZip, part: str) -> Iterator[str]:
    """Whole records only: cut each chunk after its last ``</r>``."""
    carry = b""
    started = False
    for block in z.chunks(part, _CHUNK):
        data = carry + block
        if not started:
            start = data.find(b"<r>")
            start = data.find(b"<r ") if start < 0 else start
            if start < 0:
                carry = data[-16:]
                continue
            data, started = data[start:], True
        cut = data.rfind(b"</r>")
        if cut < 0:
            carry = data
            continue
        carry = data[cut + 4:]
        try:
            yield data[:cut + 4].decode("utf-8")
        except UnicodeDecodeError:
            raise CorruptFile(f"pivot cache records are not valid UTF-8: {part}", part=part) from None
    tail = carry.split(b"</pivotCacheRecords>")[0].strip()
    if tail.strip(b"\r\n\t ") and tail.startswith(b"<r"):
        raise CorruptFile(f"pivot cache records end inside a record: {part}", part=part)


def _slow_frames(z: SafeZip, part: str, fields: list[CacheField], batch_rows: int) -> Iterator[pl.DataFrame]:
    """Fallback for records that the fast path cannot cut: a real XML parse, record by record."""
    root = parse_xml(z.read(part), part)
    width = len(fields)
    rows: list[list[str | None]] = []
    for rec in root:
        if local(rec.tag) != "r":
            continue
        row: list[str | None] = []
        for j, item in enumerate(el for el in rec if isinstance(el.tag, str)):
            tag, v = local(item.tag), item.get("v")
            if tag == "x" and v is not None and j < width and int(v) < len(fields[j].shared):
                row.append(fields[j].shared[int(v)])
            else:
                row.append(None if tag in ("m", "e") else v)
        rows.append((row + [None] * width)[:width])
        if len(rows) >= batch_rows:
            yield frame(rows, width)
            rows = []
    if rows:
        yield frame(rows, width)


def record_batches(z: SafeZip, part: str, fields: list[CacheField], batch_rows: int) -> Iterator[pl.DataFrame]:
    shared = [pl.Series(f.shared, dtype=pl.Utf8) for f in fields]
    for k, chunk in enumerate(_record_chunks(z, part)):
        try:
            yield _chunk_frame(chunk, fields, shared)
        except ValueError as exc:
            if k == 0:  # an unusual writer: parse it properly instead
                yield from _slow_frames(z, part, fields, batch_rows)
                return
            raise CorruptFile(f"pivot cache records are inconsistent: {part} ({exc})", part=part) from None


def pivot_tables(z: SafeZip, definition: str, loc: Location, sheet_names: set[str],
                 hidden_sheets: set[str], batch_rows: int) -> Iterator[Table]:
    root, fields = read_definition(z, definition)
    if not fields:
        return
    source, problem = source_note(root, sheet_names, hidden_sheets)
    note = f"pivot cache of {source}" + (f"; {problem}" if problem else "")
    headers = [f.name for f in fields]
    records = next((t for kind, t in z.rels(definition).values() if kind == "pivotCacheRecords"), None)
    where = loc.with_(part=definition, sheet=None, range=source)
    if records and z.has(records):
        yield Table(where.with_(part=records), Visibility.PIVOT_CACHE, headers,
                    record_batches(z, records, fields, batch_rows), note=note)
        return
    # No records saved: the shared items still list every distinct value of each field.
    longest = max(len(f.shared) for f in fields)
    cols = {f"c{j}": f.shared + [None] * (longest - len(f.shared)) for j, f in enumerate(fields)}
    frame = pl.DataFrame(cols, schema={k: pl.Utf8 for k in cols})
    yield Table(where, Visibility.PIVOT_CACHE, headers, iter([frame]),
                note=note + "; distinct values only (no records saved)", row_aligned=False)
