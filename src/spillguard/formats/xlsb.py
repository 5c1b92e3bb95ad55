"""Excel binary workbooks (.xlsb): an OOXML package whose workbook, sheets and comments are
BIFF12 records instead of XML.

Libraries: python-calamine reads the cell values; biff12 (here, by MS-XLSB) reads sheet states,
hidden rows and columns, filters and comments; the XML parts an xlsb shares with xlsx (document
properties, charts, drawings, custom XML, embeddings, pictures) go through the xlsx readers.
What stays binary and unread — pivot caches, external-link caches, query tables, the styles
(so no font-colour camouflage) — is reported as not inspected (SG906): the gate fails closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import python_calamine as calamine

from spillguard.errors import CorruptFile
from spillguard.formats import biff12, ooxml_package, ooxml_props, xlsx_parts
from spillguard.formats.base import Context, Source
from spillguard.formats.ooxml import SafeZip
from spillguard.formats.xlsx import workbook_extras
from spillguard.formats.xlsx_grid import SheetGrid, SheetLayout, check_extent, open_workbook
from spillguard.model import Content, Location, Text, Visibility

MAIN_PART = "xl/workbook.bin"

_STATES = {0: Visibility.VISIBLE, 1: Visibility.HIDDEN_SHEET, 2: Visibility.VERY_HIDDEN_SHEET}

NAME = "xlsb"
_STRUCTURAL = re.compile(
    r"^(\[Content_Types\]\.xml|_rels/\.rels|.*_rels/.*\.rels|docProps/(thumbnail\.\w+)?|"
    r"xl/(styles|calcChain|sharedStrings|metadata|volatileDependencies)\.bin|xl/theme/.*|"
    r"xl/printerSettings/.*|xl/drawings/vmlDrawing\d*\.vml|xl/drawings/_rels/.*|"
    r"xl/charts/(style|colors)\d*\.xml|xl/worksheets/binaryIndex\d*\.bin|xl/ctrlProps/.*|"
    r"customXml/itemProps\d*\.xml|xl/media/.*|xl/tables/.*|xl/pivotTables/.*|xl/slicers/.*|xl/slicerCaches/.*)$"
)

_UNREADABLE = {
    "xl/pivotCache/": "a pivot cache in binary records (the source rows of a pivot table; not read yet)",
    "xl/externalLinks/": "an external-link cache in binary records (values of another workbook; not read yet)",
    "xl/queryTables/": "a query table definition in binary records",
    "xl/model/": "a Power Pivot data model (whole source tables in a binary format no library reads)",
    "xl/activeX/": "an ActiveX control (binary)",
    "xl/revisions/": "shared-workbook revision logs (earlier cell values)",
    "xl/macrosheets/": "an Excel 4.0 macro sheet",
    "xl/dialogsheets/": "a dialog sheet",
}


def is_workbook(names: set[str]) -> bool:
    return MAIN_PART in names


def read_package(z: SafeZip, source: Source, ctx: Context) -> Iterator[Content]:
    loc = Location(file=source.name)
    handled: set[str] = {MAIN_PART}
    yield from ooxml_props.properties(z, loc)
    handled.update(p for p in z.names if p.startswith("docProps/"))
    rels = z.rels(MAIN_PART)
    sheets = biff12.bundle_sheets(z.read(MAIN_PART), MAIN_PART)
    cal = open_workbook(source)
    try:
        for entry in sheets:
            _, part = rels.get(entry.rel_id, ("", ""))
            if not part or not z.has(part):
                continue
            handled.add(part)
            if "chartsheet" in part:
                continue
            sheet_loc = loc.with_(part=part, sheet=entry.name)
            flags = biff12.sheet_flags(z.read(part), part)
            layout = SheetLayout(hidden_rows=flags.hidden_rows, hidden_cols=flags.hidden_cols,
                                 has_filter=flags.has_filter, last_row=flags.last_row, last_col=flags.last_col)
            check_extent(layout, ctx.limits.sheet_cells, entry.name, part)
            try:
                sheet = cal.get_sheet_by_name(entry.name)
            except (calamine.CalamineError, OSError, ValueError) as exc:  # OSError: a part cut short
                raise CorruptFile(f"sheet '{entry.name}' cannot be read ({type(exc).__name__})", part=part) from None
            vis = _STATES.get(entry.state, Visibility.HIDDEN_SHEET)
            yield from SheetGrid(sheet, entry.name, sheet_loc, vis, layout, ctx.limits.batch_rows).contents()
            for kind, target in z.rels(part).values():
                if kind == "comments" and z.has(target):
                    handled.add(target)
                    yield from _comments(z, target, sheet_loc)
    finally:
        cal.close()
    for part in sorted(ooxml_package.matching(z, r"xl/charts/chart\d*\.xml")):
        handled.add(part)
        visible = {e.name for e in sheets if e.state == 0}
        yield from xlsx_parts.chart_caches(z, part, loc, visible)
    yield from workbook_extras(z, source, ctx, loc, handled, r"customXml/item\d*\.xml")
    yield from ooxml_package.leftovers(z, source, ctx, loc, handled, _STRUCTURAL, _UNREADABLE, NAME)


def _comments(z: SafeZip, part: str, loc: Location) -> Iterator[Content]:
    from spillguard.formats.cells import col_letter
    from spillguard.formats.xlsx_parts import _column

    notes = biff12.comments(z.read(part), part)
    refs = [f"{col_letter(c.col)}{c.row + 1}" for c in notes]
    where = loc.with_(part=part, range=", ".join(refs[:6]) + (" …" if len(refs) > 6 else ""))
    authors = sorted({c.author.strip() for c in notes if c.author.strip()})
    if authors:
        yield _column(where, "author", authors, Visibility.METADATA)
    if notes:
        yield Text(where, Visibility.COMMENT, "\n".join(c.text for c in notes),
                   label=f"{len(notes)} comment{'s' if len(notes) != 1 else ''}")
