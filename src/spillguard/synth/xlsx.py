"""Build workbooks that carry every leak vector, for tests, the demo and the benchmark.

XlsxWriter writes the workbook (sheets, hidden rows and columns, outlines, filters, styles,
notes, validation lists, defined names, charts, properties). The parts XlsxWriter does not write
— pivot caches, threaded comments, external-link caches, embedded files, a VBA project — are
added afterwards by :func:`add_parts`, which edits the package (ECMA-376 Part 1 §18.10 for pivot
caches; MS-XLSX for threaded comments).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import xlsxwriter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _rels(*relationships: str) -> bytes:
    """A relationships part holding the given ``<Relationship/>`` elements."""
    return (XML_DECL + f'<Relationships xmlns="{PKG_REL}">{"".join(relationships)}</Relationships>').encode()


@dataclass
class PivotCache:
    headers: list[str]
    rows: Iterable[Sequence[Any]]
    source_sheet: str
    #: fields stored as shared items and referenced by index (<x v=.../>), as Excel does for
    #: text fields with repeated values
    indexed: tuple[str, ...] = ()


@dataclass
class Extras:
    pivots: list[PivotCache] = field(default_factory=list)
    #: (sheet index, cell, author, text)
    threaded: list[tuple[int, str, str, str]] = field(default_factory=list)
    #: (target path, sheet name, rows)
    external: list[tuple[str, str, list[list[Any]]]] = field(default_factory=list)
    embedded: list[tuple[str, bytes]] = field(default_factory=list)
    vba: bytes | None = None


class Book:
    """An in-memory workbook: ``xlsxwriter`` underneath, extras added on :meth:`to_bytes`."""

    def __init__(self, constant_memory: bool = False) -> None:
        self._buf = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self._buf, {"in_memory": not constant_memory,
                                                  "constant_memory": constant_memory})
        self.date = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        self.white = self.wb.add_format({"font_color": "#FFFFFF"})
        self.tiny = self.wb.add_format({"font_size": 1})
        self.semicolons = self.wb.add_format({"num_format": ";;;"})
        self.extras = Extras()
        self.sheet_names: list[str] = []

    def sheet(self, name: str, rows: Iterable[Sequence[Any]], *, state: str = "visible",
              start: tuple[int, int] = (0, 0)) -> Any:
        """Add a sheet with ``rows`` written from ``start`` (0-based); dates get a date format."""
        ws = self.wb.add_worksheet(name)
        self.sheet_names.append(name)
        r0, c0 = start
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.write(ws, r0 + r, c0 + c, value)
        if state == "hidden":
            ws.hide()
        elif state == "veryHidden":
            ws.very_hidden()
        return ws

    def write(self, ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        if value is None:
            return
        if isinstance(value, date | datetime):
            ws.write_datetime(row, col, value if isinstance(value, datetime)
                              else datetime(value.year, value.month, value.day), fmt or self.date)
        else:
            ws.write(row, col, value, fmt)

    def properties(self, **props: str) -> None:
        self.wb.set_properties(props)

    def to_bytes(self) -> bytes:
        self.wb.close()
        return add_parts(self._buf.getvalue(), self.extras, self.sheet_names)


def _cell_ref(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def _pivot_parts(cache: PivotCache, n: int) -> dict[str, bytes]:
    rows = [list(r) for r in cache.rows]
    width = len(cache.headers)
    shared: dict[int, dict[Any, int]] = {i: {} for i, h in enumerate(cache.headers) if h in cache.indexed}
    for row in rows:
        for i, index in shared.items():
            index.setdefault(row[i], len(index))

    def item(value: Any) -> str:
        if value is None:
            return "<m/>"
        if isinstance(value, bool):
            return f'<b v="{int(value)}"/>'
        if isinstance(value, int | float):
            return f'<n v="{value}"/>'
        if isinstance(value, date | datetime):
            return f'<d v="{value.isoformat()[:10]}T00:00:00"/>'
        return f"<s v={quoteattr(str(value))}/>"

    fields = []
    for i, header in enumerate(cache.headers):
        if i in shared:
            items = "".join(item(v) for v in shared[i])
            fields.append(f'<cacheField name={quoteattr(header)} numFmtId="0">'
                          f'<sharedItems count="{len(shared[i])}">{items}</sharedItems></cacheField>')
        else:
            fields.append(f'<cacheField name={quoteattr(header)} numFmtId="0"><sharedItems/></cacheField>')
    ref = f"A1:{_cell_ref(len(rows), width - 1)}"
    definition = (
        XML_DECL
        + f'<pivotCacheDefinition xmlns="{MAIN}" xmlns:r="{REL}" r:id="rId1" refreshOnLoad="1" '
        f'recordCount="{len(rows)}"><cacheSource type="worksheet"><worksheetSource ref="{ref}" '
        f'sheet={quoteattr(cache.source_sheet)}/></cacheSource><cacheFields count="{width}">'
        + "".join(fields) + "</cacheFields></pivotCacheDefinition>"
    )
    records = io.StringIO()
    records.write(XML_DECL
                  + f'<pivotCacheRecords xmlns="{MAIN}" xmlns:r="{REL}" count="{len(rows)}">')
    for row in rows:
        records.write("<r>")
        for i, value in enumerate(row):
            records.write(f'<x v="{shared[i][value]}"/>' if i in shared else item(value))
        records.write("</r>")
    records.write("</pivotCacheRecords>")
    rels = _rels(f'<Relationship Id="rId1" Type="{REL}/pivotCacheRecords" Target="pivotCacheRecords{n}.xml"/>')
    return {
        f"xl/pivotCache/pivotCacheDefinition{n}.xml": definition.encode(),
        f"xl/pivotCache/pivotCacheRecords{n}.xml": records.getvalue().encode(),
        f"xl/pivotCache/_rels/pivotCacheDefinition{n}.xml.rels": rels,
    }


_STR = ' t="str"'


def _external_part(sheet: str, rows: list[list[Any]]) -> bytes:
    cells = []
    for r, row in enumerate(rows):
        vals = "".join(
            f'<cell r="{_cell_ref(r, c)}"{_STR if not isinstance(v, int | float) else ""}>'
            f"<v>{escape(str(v))}</v></cell>"
            for c, v in enumerate(row) if v is not None
        )
        cells.append(f'<row r="{r + 1}">{vals}</row>')
    return (XML_DECL
            + f'<externalLink xmlns="{MAIN}" xmlns:r="{REL}"><externalBook r:id="rId1">'
            f'<sheetNames><sheetName val={quoteattr(sheet)}/></sheetNames><sheetDataSet>'
            f'<sheetData sheetId="0">{"".join(cells)}</sheetData></sheetDataSet></externalBook>'
            f"</externalLink>").encode()


def add_parts(package: bytes, extras: Extras, sheet_names: list[str]) -> bytes:
    """Add the parts XlsxWriter cannot write, keeping the package valid."""
    if not (extras.pivots or extras.threaded or extras.external or extras.embedded or extras.vba):
        return package
    src = zipfile.ZipFile(io.BytesIO(package))
    parts = {name: src.read(name) for name in src.namelist()}
    workbook = parts["xl/workbook.xml"].decode()
    wb_rels = parts["xl/_rels/workbook.xml.rels"].decode()
    types = parts["[Content_Types].xml"].decode()
    rid = 1000

    def relate(kind: str, target: str) -> str:
        nonlocal wb_rels, rid
        rid += 1
        wb_rels = wb_rels.replace("</Relationships>",
                                  f'<Relationship Id="rId{rid}" Type="{kind}" Target="{target}"/>'
                                  "</Relationships>")
        return f"rId{rid}"

    def override(part: str, ctype: str) -> None:
        nonlocal types
        types = types.replace("</Types>", f'<Override PartName="/{part}" ContentType="{ctype}"/></Types>')

    if extras.external:
        refs = []
        for n, (target, sheet, rows) in enumerate(extras.external, start=1):
            part = f"xl/externalLinks/externalLink{n}.xml"
            parts[part] = _external_part(sheet, rows)
            parts[f"xl/externalLinks/_rels/externalLink{n}.xml.rels"] = _rels(
                f'<Relationship Id="rId1" Type="{REL}/externalLinkPath" Target={quoteattr(target)} '
                'TargetMode="External"/>')
            override(part, f"{CT}.externalLink+xml")
            link = relate(f"{REL}/externalLink", f"externalLinks/externalLink{n}.xml")
            refs.append(f'<externalReference r:id="{link}"/>')
        workbook = workbook.replace("</sheets>", f"</sheets><externalReferences>{''.join(refs)}</externalReferences>")
    if extras.pivots:
        caches = []
        for n, cache in enumerate(extras.pivots, start=1):
            parts.update(_pivot_parts(cache, n))
            override(f"xl/pivotCache/pivotCacheDefinition{n}.xml", f"{CT}.pivotCacheDefinition+xml")
            override(f"xl/pivotCache/pivotCacheRecords{n}.xml", f"{CT}.pivotCacheRecords+xml")
            r = relate(f"{REL}/pivotCacheDefinition", f"pivotCache/pivotCacheDefinition{n}.xml")
            caches.append(f'<pivotCache cacheId="{n}" r:id="{r}"/>')
        tag = "<pivotCaches>" + "".join(caches) + "</pivotCaches>"
        head, sep, tail = workbook.partition("<calcPr")
        if sep:
            end = tail.index("/>") + 2
            workbook = head + sep + tail[:end] + tag + tail[end:]
        else:
            workbook = workbook.replace("</workbook>", tag + "</workbook>")
    if extras.threaded:
        authors = sorted({a for _, _, a, _ in extras.threaded})
        ids = {a: f"{{00000000-0000-0000-0000-{i:012d}}}" for i, a in enumerate(authors, start=1)}
        tc_ns = "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"
        people = "".join(f"<person displayName={quoteattr(a)} id={quoteattr(ids[a])} userId={quoteattr(a)} "
                         f'providerId="None"/>' for a in authors)
        parts["xl/persons/person.xml"] = (XML_DECL
                                          + f'<personList xmlns="{tc_ns}">{people}</personList>').encode()
        override("xl/persons/person.xml", "application/vnd.ms-excel.person+xml")
        relate("http://schemas.microsoft.com/office/2017/10/relationships/person", "persons/person.xml")
        by_sheet: dict[int, list[tuple[str, str, str]]] = {}
        for sheet, cell, author, text in extras.threaded:
            by_sheet.setdefault(sheet, []).append((cell, author, text))
        for n, (sheet, notes) in enumerate(sorted(by_sheet.items()), start=1):
            body = "".join(
                f'<threadedComment ref="{cell}" dT="2024-01-15T10:00:00.00" personId={quoteattr(ids[a])} '
                f'id="{{00000000-0000-0000-0001-{n:06d}{k:06d}}}"><text>{escape(t)}</text></threadedComment>'
                for k, (cell, a, t) in enumerate(notes))
            part = f"xl/threadedComments/threadedComment{n}.xml"
            parts[part] = (XML_DECL
                           + f'<ThreadedComments xmlns="{tc_ns}">{body}</ThreadedComments>').encode()
            override(part, "application/vnd.ms-excel.threadedcomments+xml")
            rels_name = f"xl/worksheets/_rels/sheet{sheet + 1}.xml.rels"
            rels = parts.get(rels_name, _rels()).decode()
            rels = rels.replace("</Relationships>",
                                '<Relationship Id="rId900" Type="http://schemas.microsoft.com/office/2017/10/'
                                f'relationships/threadedComment" Target="../threadedComments/threadedComment{n}.xml"/>'
                                "</Relationships>")
            parts[rels_name] = rels.encode()
    for name, data in extras.embedded:
        parts[f"xl/embeddings/{name}"] = data
        ext = name.rsplit(".", 1)[-1]
        if f'Extension="{ext}"' not in types:
            types = types.replace("</Types>", f'<Default Extension="{ext}" '
                                  'ContentType="application/octet-stream"/></Types>')
    if extras.vba is not None:
        parts["xl/vbaProject.bin"] = extras.vba
        types = types.replace("</Types>", '<Default Extension="bin" '
                              'ContentType="application/vnd.ms-office.vbaProject"/></Types>')
        relate("http://schemas.microsoft.com/office/2006/relationships/vbaProject", "vbaProject.bin")
    parts["xl/workbook.xml"] = workbook.encode()
    parts["xl/_rels/workbook.xml.rels"] = wb_rels.encode()
    parts["[Content_Types].xml"] = types.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


__all__ = ["Book", "Extras", "PivotCache", "add_parts"]
