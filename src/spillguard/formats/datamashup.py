"""Power Query's DataMashup ([MS-QDEFF]): the queries of a workbook, kept base64-encoded in a
custom XML part (``customXml/itemN.xml``) whether or not their result is loaded to a sheet.

The part is decoded (base64 → version, the length of an OPC package, the package), the package's
``Formulas/Section1.m`` read, and what the queries carry is given to the checks:

* **entered data** (Home › Enter data): ``Binary.FromText("…", BinaryEncoding.Base64)`` inflated
  with raw deflate into JSON rows, with the column names of the query's ``type table [...]`` — a
  whole table no reader sees, read as a table (``other_part``, the query named);
* the M code's string literals (source paths, inline values) as text in the same place.

A DataMashup part that cannot be decoded fails closed (SG906).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator

from spillguard.formats.cells import frame
from spillguard.model import Content, Incomplete, Location, Table, Text, Visibility

NAMESPACE = "http://schemas.microsoft.com/DataMashup"
#: one query of a section: ``shared Name = let … in …;`` (quoted names: ``shared #"My query" =``)
_QUERY = re.compile(r'shared\s+(#"(?:[^"]|"")+"|[\w.]+)\s*=(.*?)(?=\bshared\s+(?:#"|[\w.]+\s*=)|\Z)', re.DOTALL)
_ENTERED = re.compile(r'Binary\.FromText\(\s*"([A-Za-z0-9+/=]+)"\s*,\s*BinaryEncoding\.Base64\s*\)')
_COLUMNS = re.compile(r"type\s+table\s+\[(.*?)\]", re.DOTALL)
_COLUMN = re.compile(r'(#"(?:[^"]|"")+"|[^\s=,\[\]]+)\s*=')
_LITERAL = re.compile(r'"((?:[^"]|"")*)"')
#: an entered-data block inflates to at most this much
_MAX_ENTERED = 64 << 20


def is_mashup(root: object) -> bool:
    tag = getattr(root, "tag", "")
    return isinstance(tag, str) and tag == f"{{{NAMESPACE}}}DataMashup"


def _unquote(name: str) -> str:
    return name[2:-1].replace('""', '"') if name.startswith('#"') else name


def formulas(payload: bytes) -> str:
    """``Formulas/Section1.m`` of a decoded DataMashup.

    Raises:
        ValueError: the bytes are not a DataMashup package.
    """
    if len(payload) < 8:
        raise ValueError("too short")
    _version, size = struct.unpack_from("<II", payload, 0)
    package = payload[8:8 + size]
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        name = next((n for n in z.namelist() if n.lower().endswith("section1.m")), None)
        if name is None:
            raise ValueError("no Section1.m")
        if z.getinfo(name).file_size > _MAX_ENTERED:
            raise ValueError("formulas too large")
        return z.read(name).decode("utf-8-sig", "replace")


def entered_rows(block: str) -> list[list[object]]:
    """The rows of one entered-data block (base64 of raw-deflated JSON)."""
    raw = base64.b64decode(block)
    engine = zlib.decompressobj(-zlib.MAX_WBITS)
    text = engine.decompress(raw, _MAX_ENTERED)
    rows = json.loads(text.decode("utf-8"))
    if not isinstance(rows, list):
        raise ValueError("entered data is not a list of rows")
    return [r if isinstance(r, list) else [r] for r in rows]


def read(root: object, part: str, loc: Location) -> Iterator[Content]:
    where = loc.with_(part=part)
    try:
        payload = base64.b64decode("".join((getattr(root, "text", "") or "").split()), validate=True)
        code = formulas(payload)
    except (ValueError, binascii.Error, zipfile.BadZipFile, struct.error, UnicodeDecodeError) as exc:
        yield Incomplete("SG906", f"Power Query's DataMashup cannot be decoded: {part} ({type(exc).__name__})", where)
        return
    literals: list[str] = []
    for m in _QUERY.finditer(code):
        name, body = _unquote(m.group(1)), m.group(2)
        for block in _ENTERED.findall(body):
            try:
                rows = entered_rows(block)
            except (ValueError, binascii.Error, zlib.error, UnicodeDecodeError):
                yield Incomplete("SG906", f"Power Query's entered data cannot be decoded: query {name}", where)
                continue
            cols = _COLUMNS.search(body)
            headers = [_unquote(c) for c in _COLUMN.findall(cols.group(1))] if cols else []
            width = max([len(headers), *map(len, rows)], default=0)
            headers += [""] * (width - len(headers))
            if rows and width:
                yield Table(where.with_(sheet=f"query {name}"), Visibility.OTHER_PART, headers,
                            iter([frame(rows, width)]), note=f"Power Query entered data of query '{name}'")
        literals += [v.replace('""', '"') for v in _LITERAL.findall(_ENTERED.sub("", body))
                     if re.search(r"[^\W\d_]{2,}", v)]
    if literals:
        yield Text(where.with_(line=1), Visibility.OTHER_PART, "\n".join(dict.fromkeys(literals)),
                   "Power Query formulas' string literals")
