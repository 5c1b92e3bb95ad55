"""A publishable copy of an OpenDocument spreadsheet, rebuilt from what a reader sees, as for
xlsx: calamine's values and the scanner's own layout pass (hidden tables, collapsed and filtered
rows and columns, camouflaged cells), written anew with odfpy. Comments, tracked changes, charts
and other objects, macros and metadata cannot survive the rebuild."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from odf import table, text
from odf.opendocument import OpenDocumentSpreadsheet

from spillguard.clean.model import Cleaned, Options
from spillguard.clean.xlsx import collect, write
from spillguard.config import Config
from spillguard.formats.base import Source
from spillguard.formats.cells import cell_str
from spillguard.formats.ods import _layout_pass
from spillguard.formats.ooxml import SafeZip
from spillguard.formats.xlsx_grid import SheetLayout, open_workbook
from spillguard.model import Visibility


def _cell(value: object) -> table.TableCell:
    if isinstance(value, bool):
        cell = table.TableCell(valuetype="boolean", booleanvalue="true" if value else "false")
    elif isinstance(value, int | float):
        cell = table.TableCell(valuetype="float", value=value)
    elif isinstance(value, dt.date):
        cell = table.TableCell(valuetype="date", datevalue=value.isoformat())
    else:
        cell = table.TableCell(valuetype="string")
    cell.addElement(text.P(text=cell_str(value) or ""))
    return cell


def _write_ods(sheets: list[tuple[str, dict[tuple[int, int], object]]], out: Path) -> None:
    doc = OpenDocumentSpreadsheet()
    for name, cells in sheets:
        t = table.Table(name=name)
        last_row = max((r for r, _ in cells), default=-1)
        width = max((c for _, c in cells), default=-1) + 1
        if width:
            t.addElement(table.TableColumn(numbercolumnsrepeated=width))
        r = 0
        while r <= last_row:
            row_cells = sorted((c, v) for (rr, c), v in cells.items() if rr == r)
            if not row_cells:
                gap = 1
                while r + gap <= last_row and not any(rr == r + gap for rr, _ in cells):
                    gap += 1
                t.addElement(table.TableRow(numberrowsrepeated=gap) if gap > 1 else table.TableRow())
                r += gap
                continue
            tr = table.TableRow()
            col = 0
            for c, v in row_cells:
                if c > col:
                    tr.addElement(table.TableCell(numbercolumnsrepeated=c - col) if c - col > 1 else table.TableCell())
                tr.addElement(_cell(v))
                col = c + 1
            t.addElement(tr)
            r += 1
        doc.spreadsheet.addElement(t)
    with out.open("wb") as fh:
        doc.write(fh)


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    source = Source(path.as_posix(), path=path)
    sheets: list[tuple[str, dict[tuple[int, int], object]]] = []
    with SafeZip(source, config.limits) as z:
        found = _layout_pass(z, "content.xml", z.xml("styles.xml") if z.has("styles.xml") else None)
        cal = open_workbook(source)
        try:
            for sheet in found.sheets:
                vis = Visibility.HIDDEN_SHEET if sheet.hidden else Visibility.VISIBLE
                shown = vis is Visibility.VISIBLE or opts.unhide
                cal_sheet = cal.get_sheet_by_name(sheet.name) if shown and sheet.name in cal.sheet_names else None
                if shown and cal_sheet is None:
                    continue
                collect(sheet.name, vis, cal_sheet, sheet.layout if cal_sheet is not None else SheetLayout(),
                        opts, result, sheets)
                result.removed["comments"] += len(sheet.notes)
        finally:
            cal.close()
        result.removed["tracked changes"] += len([c for c in found.changes if c])
        for prefix, what in (("Object ", "embedded objects and charts"), ("Basic/", "macro files"),
                             ("Scripts/", "macro files"), ("Thumbnails/", "thumbnails")):
            result.removed[what] += sum(1 for n in z.names if n.startswith(prefix) and not n.endswith("/"))
        if z.has("meta.xml"):
            result.removed["metadata parts"] += 1
    return write(path, out, opts, result, sheets, writer=_write_ods)
