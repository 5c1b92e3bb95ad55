"""xlsx / xlsm workbooks, read at the OOXML level: every part that can hold data.

Libraries: calamine (python-calamine) reads cell values; lxml reads the workbook structure
and the parts calamine ignores; pivot caches are read here (xlsx_pivot), as no library does.
Every part of the package is accounted for: read, known to hold no data, or reported as not
inspected (SG906), so that a part nobody reads can never pass the gate silently.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

import python_calamine as calamine

from spillguard.errors import CorruptFile
from spillguard.formats import ooxml_package, ooxml_props, xlsx_parts
from spillguard.formats.base import Context, Source
from spillguard.formats.ooxml import SafeZip, local
from spillguard.formats.pictures import pictures
from spillguard.formats.xlsx_grid import SheetGrid, camouflaged_styles, check_extent, open_workbook, prepass
from spillguard.formats.xlsx_pivot import pivot_tables
from spillguard.model import Content, Location, Text, Visibility

NAME = "xlsx"
MAIN_PART = "xl/workbook.xml"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

#: parts that hold no data a reader could miss (layout, styling, bookkeeping)
_STRUCTURAL = re.compile(
    r"^(\[Content_Types\]\.xml|_rels/\.rels|.*_rels/.*\.rels|docProps/(thumbnail\.\w+)?|"
    r"xl/(styles|calcChain|metadata|volatileDependencies|sharedStrings)\.xml|xl/theme/.*|"
    r"xl/printerSettings/.*|xl/drawings/vmlDrawing\d*\.vml|xl/drawings/_rels/.*|"
    r"xl/pivotTables/.*|xl/tables/.*|xl/queryTables/.*|xl/charts/(style|colors)\d*\.xml|"
    r"xl/slicers/.*|xl/timelines/.*|xl/timelineCaches/.*|xl/ctrlProps/.*|"
    r"xl/webextensions/.*|docMetadata/LabelInfo\.xml|xl/worksheets/binaryIndex\d*\.bin|"
    r"customXml/itemProps\d*\.xml|xl/media/.*)$"
)

_UNREADABLE = {
    "xl/model/": "a Power Pivot data model (whole source tables in a binary format no library reads)",
    "xl/activeX/": "an ActiveX control (binary)",
    "xl/revisions/": "shared-workbook revision logs (earlier cell values)",
    "xl/usernames.xml": "the user list of a shared workbook",
    "xl/macrosheets/": "an Excel 4.0 macro sheet",
    "xl/dialogsheets/": "a dialog sheet",
    "customUI/": "a custom ribbon definition",
}


#: places of parts the catch-all reads whose visibility is known
_PLACES = {"xl/revisions/": Visibility.EARLIER_REVISION, "xl/usernames.xml": Visibility.METADATA,
           # a slicer's cache lists the items it filters by (OLAP member captions: names)
           "xl/slicerCaches/": Visibility.PIVOT_CACHE}


def is_workbook(names: set[str]) -> bool:
    return MAIN_PART in names


class Workbook:
    def __init__(self, z: SafeZip) -> None:
        self.z = z
        root = z.xml(MAIN_PART)
        self.root = root
        rels = z.rels(MAIN_PART)
        self.sheets: list[tuple[str, str, Visibility]] = []  # name, part, visibility
        for sh in root.iter("{*}sheet"):
            state = sh.get("state", "visible")
            vis = {"hidden": Visibility.HIDDEN_SHEET, "veryHidden": Visibility.VERY_HIDDEN_SHEET}.get(
                state, Visibility.VISIBLE)
            _, target = rels.get(sh.get(R_ID, ""), ("", ""))
            self.sheets.append((sh.get("name", ""), target, vis))
        self.pivot_definitions = [t for k, t in rels.values() if k == "pivotCacheDefinition"]
        self.external_links = [t for k, t in rels.values() if k == "externalLink"]
        self.styles = next((t for k, t in rels.values() if k == "styles"), None)

    @property
    def names(self) -> set[str]:
        return {n for n, _, _ in self.sheets}

    @property
    def visible(self) -> set[str]:
        return {n for n, _, v in self.sheets if v is Visibility.VISIBLE}


def read_package(z: SafeZip, source: Source, ctx: Context) -> Iterator[Content]:
    z.check_all_xml_prologs()
    loc = Location(file=source.name)
    wb = Workbook(z)
    handled: set[str] = {MAIN_PART}
    yield from ooxml_props.properties(z, loc)
    handled.update(p for p in z.names if p.startswith("docProps/"))
    yield from xlsx_parts.defined_names(wb.root, loc)

    cal = open_workbook(source)
    shared = next((t for k, t in z.rels(MAIN_PART).values() if k == "sharedStrings"), "xl/sharedStrings.xml")
    used: set[int] | None = set() if z.has(shared) else None
    try:
        camo = camouflaged_styles(z, wb.styles)
        for name, part, vis in wb.sheets:
            if not part or not z.has(part):
                continue  # a chartsheet or a dangling relationship: nothing to read
            handled.add(part)
            sheet_loc = loc.with_(part=part, sheet=name)
            if "chartsheet" in part:
                continue
            layout = prepass(z, part, camo, shared=used is not None)
            layout.covers = xlsx_parts.covering_shapes(z, part)
            if used is not None:
                used |= layout.shared_used
            check_extent(layout, ctx.limits.sheet_cells, name, part)
            try:
                sheet = cal.get_sheet_by_name(name)
            except calamine.CalamineError as exc:
                raise CorruptFile(f"sheet '{name}' cannot be read ({type(exc).__name__})", part=part) from None
            yield from SheetGrid(sheet, name, sheet_loc, vis, layout, ctx.limits.batch_rows).contents()
            if layout.validation_lists:
                yield Text(sheet_loc.with_(range=None), Visibility.DATA_VALIDATION,
                           "\n".join(layout.validation_lists), label="validation lists")
            yield from xlsx_parts.sheet_extras(z, part, layout, sheet_loc)
            yield from _sheet_parts(z, part, sheet_loc, handled)
    finally:
        cal.close()
    if used is not None:
        handled.add(shared)
        yield from xlsx_parts.unused_strings(z, shared, used, loc)

    definitions = ooxml_package.matching(z, r"xl/pivotCache/pivotCacheDefinition\d*\.xml")
    for definition in sorted(set(wb.pivot_definitions) | definitions):
        handled.add(definition)
        handled.update(t for _, t in z.rels(definition).values())
        yield from pivot_tables(z, definition, loc, wb.names, wb.names - wb.visible, ctx.limits.batch_rows)
    for part in sorted(ooxml_package.matching(z, r"xl/charts/chart\d*\.xml")):
        handled.add(part)
        yield from xlsx_parts.chart_caches(z, part, loc, wb.visible)
    for part in sorted(set(wb.external_links) | ooxml_package.matching(z, r"xl/externalLinks/externalLink\d*\.xml")):
        handled.add(part)
        yield from xlsx_parts.external_link(z, part, loc)
    yield from workbook_extras(z, source, ctx, loc, handled,
                               r"customXml/item\d*\.xml|xl/connections\.xml|xl/richData/.*\.xml")
    yield from ooxml_package.diagrams(z, "xl/", loc, handled)
    yield from ooxml_package.leftovers(z, source, ctx, loc, handled, _STRUCTURAL, _UNREADABLE, NAME, _PLACES)


def workbook_extras(z: SafeZip, source: Source, ctx: Context, loc: Location, handled: set[str],
                    xml_parts: str) -> Iterator[Content]:
    """What an xlsx and an xlsb workbook carry alike beside their sheets: threaded-comment
    persons, drawings' text, XML parts (``xml_parts``: custom XML, connections…) as metadata,
    embedded files, macros and pictures."""
    for part in sorted(ooxml_package.matching(z, r"xl/persons/person\d*\.xml")):
        handled.add(part)
        yield from xlsx_parts.persons(z, part, loc)
    for part in sorted(ooxml_package.matching(z, r"xl/drawings/drawing\d*\.xml")):
        handled.add(part)
        yield from xlsx_parts.drawing_text(z, part, loc)
    for part in sorted(ooxml_package.matching(z, xml_parts)):
        handled.add(part)
        yield from xlsx_parts.xml_text(z, part, loc, Visibility.METADATA, posixpath.basename(part))
    yield from ooxml_package.embeddings(z, source, ctx, loc, handled, "xl/embeddings/", "workbook")
    yield from ooxml_package.macros(z, "xl/vbaProject.bin", loc, handled, "workbook")
    yield from pictures(z.names, z.read, source, ctx, loc, ("xl/media/",), z.head)


def _sheet_parts(z: SafeZip, part: str, loc: Location, handled: set[str]) -> Iterator[Content]:
    for kind, target in z.rels(part).values():
        if not z.has(target):
            continue
        if kind == "comments":
            handled.add(target)
            yield from xlsx_parts.comments(z, target, loc)
        elif kind == "threadedComment":
            handled.add(target)
            yield from xlsx_parts.threaded_comments(z, target, loc)



__all__ = ["NAME", "Workbook", "is_workbook", "local", "read_package"]
