"""Workbook parts beside the grids: comments, threaded comments, charts, external links,
defined names, drawing text. Each function yields Content with its Location and Visibility."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from urllib.parse import unquote

import polars as pl

from spillguard.formats.cells import col_index, frame, split_ref
from spillguard.formats.ooxml import SafeZip, local
from spillguard.model import Content, Location, Notice, Table, Text, Visibility
from spillguard.rules import RULES


def _texts(el) -> str:
    return "".join(t for t in el.itertext())


def comments(z: SafeZip, part: str, loc: Location) -> Iterator[Content]:
    """Legacy notes (``xl/commentsN.xml``): authors as metadata, texts as comment text."""
    root = z.xml(part)
    authors = [_texts(a).strip() for a in root.iter("{*}author")]
    notes = [(c.get("ref", ""), _texts(next(c.iter("{*}text"), c)).strip()) for c in root.iter("{*}comment")]
    where = loc.with_(part=part, range=", ".join(r for r, _ in notes[:6]) + (" …" if len(notes) > 6 else ""))
    if authors:
        yield _column(where, "author", authors, Visibility.METADATA)
    if notes:
        yield Text(where, Visibility.COMMENT, "\n".join(t for _, t in notes),
                   label=f"{len(notes)} comment{'s' if len(notes) != 1 else ''}")


def threaded_comments(z: SafeZip, part: str, loc: Location) -> Iterator[Content]:
    root = z.xml(part)
    notes = [(c.get("ref", ""), _texts(next(c.iter("{*}text"), c)).strip()) for c in root.iter("{*}threadedComment")]
    if notes:
        where = loc.with_(part=part, range=", ".join(r for r, _ in notes[:6]))
        yield Text(where, Visibility.COMMENT, "\n".join(t for _, t in notes),
                   label=f"{len(notes)} threaded comment{'s' if len(notes) != 1 else ''}")


def persons(z: SafeZip, part: str, loc: Location) -> Iterator[Content]:
    """``xl/persons/person.xml``: the display names of everyone who wrote a threaded comment."""
    names = [p.get("displayName", "") for p in z.xml(part).iter("{*}person")]
    names = [n for n in names if n.strip()]
    if names:
        yield _column(loc.with_(part=part), "displayName", names, Visibility.METADATA)


def _column(loc: Location, header: str, values: list[str], vis: Visibility) -> Table:
    return Table(loc, vis, [header], iter([pl.DataFrame({"c0": values}, schema={"c0": pl.Utf8})]))


_SHEET_IN_FORMULA = re.compile(r"^(?:\[(\d+)\])?(?:'((?:[^']|'')+)'|([^'!]+))!")


def formula_sheet(formula: str) -> tuple[str | None, bool]:
    """``'My Sheet'!$A$1:$A$9`` → ('My Sheet', external?)."""
    m = _SHEET_IN_FORMULA.match(formula.strip().lstrip("="))
    if not m:
        return None, False
    name = (m.group(2) or "").replace("''", "'") or m.group(3)
    return name, m.group(1) is not None


def chart_caches(z: SafeZip, part: str, loc: Location, visible_sheets: set[str]) -> Iterator[Content]:
    """Series caches of a chart: those of hidden, deleted or external ranges as a table (judged
    like any hidden table); those that repeat visible cells, and references to hidden ranges
    with no cached values, as a notice, so the publisher sees every chart cache."""
    root = z.xml(part)
    headers: list[str] = []
    columns: list[list[str | None]] = []
    reasons: set[str] = set()
    mirrored = 0
    uncached: set[str] = set()
    for ref in root.iter("{*}strRef", "{*}numRef"):
        f = next((c for c in ref if local(c.tag) == "f"), None)
        cache = next((c for c in ref if local(c.tag) in ("strCache", "numCache")), None)
        if f is None or not (f.text or "").strip():
            continue
        points: dict[int, str] = {}
        for pt in cache.iter("{*}pt") if cache is not None else ():
            v = next((c for c in pt if local(c.tag) == "v"), None)
            if v is not None and v.text is not None:
                points[int(pt.get("idx", "0"))] = v.text
        sheet, external = formula_sheet(f.text)
        if external:
            reason = "an external workbook"
        elif sheet is not None and sheet not in visible_sheets:
            reason = f"sheet '{sheet}', which is hidden or no longer exists"
        else:
            mirrored += len(points)
            continue
        if not points:
            uncached.add(reason)
            continue
        reasons.add(reason)
        headers.append(f.text.strip())
        columns.append([points.get(i) for i in range(max(points) + 1)])
    where = loc.with_(part=part)
    if columns:
        longest = max(map(len, columns))
        rows = [[c[i] if i < len(c) else None for c in columns] for i in range(longest)]
        yield Table(where, Visibility.CHART_CACHE, headers, iter([frame(rows, len(headers))]),
                    note="chart caches values from " + " and ".join(sorted(reasons)))
    if uncached:
        yield Notice("SG109", "A chart draws from " + " and ".join(sorted(uncached)), where, Visibility.CHART_CACHE,
                     "no values are cached in the chart: what it draws is the hidden range's, reported there",
                     severity=RULES["SG109"].severity("repeats visible cells"))
    if mirrored and not columns:
        yield Notice("SG109", f"A chart caches {mirrored:,} values that repeat visible cells", where,
                     Visibility.CHART_CACHE, "the cache repeats what the sheet shows; it travels with the file "
                     "and stays when the cells change or are deleted",
                     severity=RULES["SG109"].severity("repeats visible cells"))


def external_link(z: SafeZip, part: str, loc: Location) -> Iterator[Content]:
    """``xl/externalLinks/externalLinkN.xml``: cached cells of another workbook, and its path."""
    root = z.xml(part)
    rels = z.rels(part)
    book = next(root.iter("{*}externalBook"), None)
    target = ""
    if book is not None:
        rid = book.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", "")
        target = rels.get(rid, ("", ""))[1]
    where = loc.with_(part=part)
    if target:
        base = posixpath.basename(target.replace("\\", "/")) or target
        yield Notice("SG503", f"Links to another workbook: {base}", where,
                     Visibility.EXTERNAL_LINK_CACHE,
                     "external links reveal file paths and can carry cached copies of their data")
    names = [n.get("val", "") for n in root.iter("{*}sheetName")]
    for data in root.iter("{*}sheetData"):
        cells: dict[tuple[int, int], str] = {}
        for cell in data.iter("{*}cell"):
            ref = split_ref(cell.get("r", ""))
            v = next((c for c in cell if local(c.tag) == "v"), None)
            if ref and v is not None and v.text:
                cells[ref] = v.text
        if not cells:
            continue
        rows_sorted = sorted({r for r, _ in cells})
        width = max(c for _, c in cells) + 1
        grid = [[cells.get((r, c)) for c in range(width)] for r in rows_sorted]
        header_row = grid[0]
        labels = all(h is None or not h.replace(".", "").isdigit() for h in header_row)
        headers = [h or "" for h in header_row] if labels else [""] * width
        body = grid[1:] if headers != [""] * width else grid
        sid = int(data.get("sheetId", "0"))
        sheet = names[sid] if sid < len(names) else None
        yield Table(where.with_(sheet=f"[external] {sheet}" if sheet else None),
                    Visibility.EXTERNAL_LINK_CACHE, headers, iter([frame(body, width)]),
                    note="values cached from an external workbook")


_REFERENCE = re.compile(r"(?:^|[^\"])(?:[A-Za-z_][\w.]*!|'[^']+'!|\$[A-Z]+\$\d+|#REF!)")
_BUILTIN = ("_xlnm.", "_FilterDatabase")


def defined_names(root, loc: Location) -> Iterator[Content]:
    """Names whose value is a constant (``="Maria Gomez"``, ``={"a","b"}``), not a reference."""
    consts: list[str] = []
    labels: list[str] = []
    for dn in root.iter("{*}definedName"):
        name, value = dn.get("name", ""), (dn.text or "").strip()
        if not value or name.startswith(_BUILTIN) or _REFERENCE.search(value):
            continue
        if re.fullmatch(r"=?-?[\d.]+", value):
            continue  # a plain number constant (a rate, a threshold)
        consts.append(re.sub(r'[{}"=]', " ", value).replace(",", ", ").strip())
        labels.append(name)
    if consts:
        yield Text(loc.with_(part="xl/workbook.xml", range=", ".join(labels[:6])), Visibility.DEFINED_NAME,
                   "\n".join(consts), label=f"{len(consts)} defined name{'s' if len(consts) != 1 else ''}")


def drawing_text(z: SafeZip, part: str, loc: Location) -> Iterator[Content]:
    """Text boxes and shapes drawn on a sheet; hidden shapes are hidden text."""
    root = z.xml(part)
    shown, hidden = [], []
    for sp in root.iter("{*}sp"):
        props = next(sp.iter("{*}cNvPr"), None)
        text = " ".join(t.text for t in sp.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}t") if t.text)
        if text.strip():
            (hidden if props is not None and props.get("hidden") in ("1", "true") else shown).append(text)
    if shown:
        yield Text(loc.with_(part=part), Visibility.VISIBLE, "\n".join(shown), label="text boxes")
    if hidden:
        yield Text(loc.with_(part=part), Visibility.HIDDEN_TEXT, "\n".join(hidden), label="hidden shapes")


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
#: fills that paint a shape's area; ``noFill`` leaves what lies under it visible
_FILLS = ("solidFill", "gradFill", "pattFill", "blipFill")
#: EMU of half a default column (64 px) and half a default row (20 px): an anchor's offset
#: past it hides most of the cell it starts or ends in
_HALF_COL, _HALF_ROW = 304_800, 95_250


def _opaque(shape) -> bool:
    """A picture, or a shape whose own properties or theme style fill its area."""
    if shape.tag.endswith("}pic"):
        return True
    props = next((c for c in shape if isinstance(c.tag, str) and c.tag.endswith("}spPr")), None)
    if props is not None:
        if props.find(f"{_A}noFill") is not None:
            return False
        if any(props.find(f"{_A}{f}") is not None for f in _FILLS):
            return True
    fill_ref = shape.find("{*}style/{*}fillRef")
    return fill_ref is not None and fill_ref.get("idx", "0") != "0"


def _anchor_cells(anchor) -> tuple[int, int, int, int] | None:
    """The cells a two-cell anchor hides: (first row, first col, last row, last col), rows
    1-based, columns 0-based; a cell the shape only grazes (under half of it) is not hidden."""
    def point(tag: str) -> tuple[int, int, int, int] | None:
        el = anchor.find(f"{{*}}{tag}")
        try:
            return tuple(int(el.findtext(f"{{*}}{k}") or 0) for k in ("row", "rowOff", "col", "colOff"))  # type: ignore[return-value]
        except (AttributeError, ValueError):
            return None
    start, end = point("from"), point("to")
    if start is None or end is None:
        return None
    r1 = start[0] + (start[1] > _HALF_ROW)
    c1 = start[2] + (start[3] > _HALF_COL)
    r2 = end[0] - (end[1] < _HALF_ROW)
    c2 = end[2] - (end[3] < _HALF_COL)
    if r2 < r1 or c2 < c1:
        return None
    return r1 + 1, c1, r2 + 1, c2


def covering_shapes(z: SafeZip, sheet_part: str) -> list[tuple[int, int, int, int]]:
    """Rectangles of cells that an opaque shape or picture drawn on the sheet lies over: a
    reader of the sheet sees the shape, not the cells (what a hasty "redaction" with a box does)."""
    covers: list[tuple[int, int, int, int]] = []
    for kind, target in z.rels(sheet_part).values():
        if kind != "drawing" or not z.has(target):
            continue
        for anchor in z.xml(target).iter("{*}twoCellAnchor"):
            shapes = [c for c in anchor if isinstance(c.tag, str) and c.tag.endswith(("}sp", "}pic"))]
            hidden = any(p.get("hidden") in ("1", "true") for s in shapes for p in s.iter("{*}cNvPr"))
            if shapes and not hidden and any(_opaque(s) for s in shapes):
                cells = _anchor_cells(anchor)
                if cells is not None:
                    covers.append(cells)
    return covers


def xml_text(z: SafeZip, part: str, loc: Location, vis: Visibility, label: str) -> Iterator[Content]:
    """All text and attribute values of a part (custom XML, connections, rich values); Power
    Query's DataMashup decoded (formats/datamashup.py)."""
    from spillguard.formats import datamashup

    root = z.xml(part)
    if datamashup.is_mashup(root):
        yield from datamashup.read(root, part, loc)
        return
    bits = [t.strip() for t in root.itertext() if t.strip()]
    for el in root.iter():
        bits.extend(v for k, v in el.attrib.items() if len(v) > 3 and not k.startswith("{http://www.w3.org"))
    if bits:
        yield Text(loc.with_(part=part), vis, "\n".join(bits), label=label)


__all__ = ["chart_caches", "col_index", "comments", "covering_shapes", "defined_names", "drawing_text", "external_link",
           "persons", "threaded_comments", "xml_text"]


_HF_CODE = re.compile(r'&&|&"[^"]*"|&K[0-9A-Fa-f]{6}|&K\d\d[+-]\d{3}|&\d+|&[LCR]|&[PNDTFAZGBIUEXYSOH]')


def header_footer_text(code: str) -> str:
    """Excel's header/footer string without its &-codes (``&L``, ``&"Arial,Bold"``, ``&12``, ``&P``);
    each section (left, centre, right) on a line of its own."""
    def repl(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "&&":
            return "&"
        return "\n" if token in ("&L", "&C", "&R") else " "
    return "\n".join(line.strip() for line in _HF_CODE.sub(repl, code).splitlines() if line.strip())


def sheet_extras(z: SafeZip, part: str, layout, loc: Location) -> Iterator[Content]:
    """What a worksheet holds beside its cells: print headers and footers, hyperlink targets and
    tooltips, and text literals inside formulas."""
    lines = [f"{which}: {header_footer_text(code)}" for which, code in layout.headers_footers]
    lines = [line for line in dict.fromkeys(lines) if line.split(": ", 1)[1]]
    if lines:
        yield Text(loc.with_(range=None), Visibility.PRINT_HEADER_FOOTER, "\n".join(lines),
                   label="print header and footer")
    if layout.hyperlinks:
        rels = z.rels(part)
        links: list[str] = []
        for link in layout.hyperlinks:
            rid = next((v for k, v in link.items() if k.endswith("id") and k != "display"), None)
            target = rels.get(rid, ("", ""))[1] if rid else ""
            for value in (target, link.get("location", ""), link.get("tooltip", "")):
                value = unquote(value).strip()
                if value and value not in links:
                    links.append(value)
        if links:
            refs = [lk.get("ref", "") for lk in layout.hyperlinks]
            where = loc.with_(range=", ".join(refs[:6]) + (" …" if len(refs) > 6 else ""))
            yield Text(where, Visibility.HYPERLINK, "\n".join(links), label=f"{len(links)} hyperlink targets")
    if layout.formula_literals:
        yield Text(loc.with_(range=None), Visibility.FORMULA, "\n".join(layout.formula_literals),
                   label="text inside formulas")


def unused_strings(z: SafeZip, part: str, used: set[int], loc: Location) -> Iterator[Content]:
    """Shared strings no cell of any sheet uses: what deleted cells and sheets leave behind,
    published with the workbook though no sheet shows them. Streamed: the table can be large."""
    from lxml import etree

    from spillguard.formats.ooxml import check_xml_prolog, xml_error

    check_xml_prolog(z.head(part), part)
    left: list[str] = []
    index = 0
    try:
        with z.zf.open(part) as f:
            for _, si in etree.iterparse(f, tag="{*}si", resolve_entities=False, no_network=True,
                                         load_dtd=False, huge_tree=True):
                if index not in used:
                    text = "".join(t.text or "" for t in si.iter("{*}t") if local(t.getparent().tag) != "rPh")
                    if text.strip():
                        left.append(text.strip())
                index += 1
                si.clear()
    except etree.XMLSyntaxError as exc:
        raise xml_error(exc, part) from None
    if left:
        yield Text(loc.with_(part=part), Visibility.UNUSED_STRING, "\n".join(left),
                   label=f"{len(left):,} shared strings no cell uses")
