"""A publishable copy of an xlsx workbook, rebuilt from what a reader sees.

Nothing of the original package is copied: the visible cells of the visible sheets are read
(calamine, with the scanner's own layout pass for hidden rows and columns, camouflaged cells and
cells far outside the block) and written into a new workbook (XlsxWriter) at the same addresses,
with their types (numbers stay numbers, dates dates). So hidden and very-hidden sheets, hidden
rows and columns, camouflaged cells, comments, pivot caches (a pivot's visible cells become
static values), chart caches, external links, defined names, custom XML, document properties,
embedded objects and macros cannot survive. In strict mode, columns of personal data in plain
view are blanked (their header stays); small cells of aggregate tables are suppressed with the
marker, and enough others to stop recovery from the totals.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import polars as pl
import xlsxwriter

from spillguard.checks.granularity import decide, numbers, suppressed
from spillguard.clean.grid import MemorySheet
from spillguard.clean.model import Cleaned, Options
from spillguard.clean.suppress import suppression
from spillguard.config import Config
from spillguard.detect.columns import profile
from spillguard.formats.base import Source
from spillguard.formats.cells import cell_str
from spillguard.formats.ooxml import SafeZip
from spillguard.formats.xlsx import Workbook
from spillguard.formats.xlsx_grid import (
    COL_GAP,
    HEADER_SCAN_ROWS,
    ROW_GAP,
    SheetGrid,
    SheetLayout,
    camouflaged_styles,
    check_extent,
    open_workbook,
    prepass,
)
from spillguard.model import Entity, Location, Table, Visibility

#: package parts that are dropped with the rebuild, by what a person calls them
_PARTS = {
    "xl/comments": "comments", "xl/threadedComments/": "threaded comments", "xl/pivotCache/pivotCacheRecords":
    "pivot caches", "xl/pivotTables/": "pivot tables (kept as static values)", "xl/externalLinks/externalLink":
    "external links", "customXml/item": "custom XML parts", "xl/embeddings/": "embedded objects",
    "xl/vbaProject.bin": "macro projects", "xl/charts/chart": "charts (not carried over)",
    "xl/drawings/drawing": "drawings (not carried over)", "xl/model/": "data model parts",
    "xl/media/": "pictures (not carried over)",
}


def _kept_cells(cal_sheet, layout, unhide: bool, removed: Counter[str]) -> dict[tuple[int, int], object]:
    kept: dict[tuple[int, int], object] = {}
    if cal_sheet.start is None or cal_sheet.height == 0:
        return kept
    c0 = cal_sheet.start[1]
    hidden_rows = {} if unhide else layout.hidden_rows
    hidden_cols = set() if unhide else layout.hidden_cols
    seen_rows: list[list[int]] = []  # columns used by the first non-empty rows (the block's width)
    last_col = None
    last_filled = None
    beyond = False
    for r, row in enumerate(cal_sheet.iter_rows()):
        filled = [(c0 + j, v) for j, v in enumerate(row) if v != "" and v is not None]
        if not filled:
            continue
        if beyond or (last_filled is not None and r - last_filled > ROW_GAP):
            beyond = True
            removed["cells far outside the visible block"] += len(filled)
            continue
        if (r + 1) in hidden_rows:
            key = "cells in rows hidden by a filter or group" if hidden_rows[r + 1] else "cells in hidden rows"
            removed[key] += len(filled)
            continue
        last_filled = r
        if len(seen_rows) < HEADER_SCAN_ROWS:
            seen_rows.append([c for c, _ in filled])
            last_col = max(max(cols) for cols in seen_rows)
        for c, v in filled:
            if c in hidden_cols:
                removed["cells in hidden columns"] += 1
            elif (r + 1, c) in layout.camo_cells:
                removed["camouflaged cells"] += 1
            elif last_col is not None and c > last_col + COL_GAP:
                removed["cells far outside the visible block"] += 1
            else:
                kept[(r, c)] = v
    return kept


def _main_table(cells: dict[tuple[int, int], object], name: str) -> Table | None:
    grid = SheetGrid(MemorySheet(cells), name, Location(file=name, sheet=name), Visibility.VISIBLE,
                     layout=SheetLayout(), batch_rows=1 << 20)
    return next((c for c in grid.contents() if isinstance(c, Table) and c.visibility is Visibility.VISIBLE), None)


#: what strict mode blanks in a per-person table: what identifies or reaches a person (the
#: categories — nationality, facility — stay; k-anonymity on the re-scan says if they are enough)
PERSONAL = frozenset({Entity.PERSON_NAME, Entity.A_NUMBER, Entity.SSN, Entity.DATE_OF_BIRTH, Entity.ADDRESS,
                      Entity.PHONE, Entity.EMAIL, Entity.PASSPORT, Entity.USCIS_RECEIPT, Entity.I94,
                      Entity.NATIONAL_ID, Entity.PAYMENT_CARD})


def strict_grid(cells: dict[tuple[int, int], object], name: str, opts: Options, removed: Counter[str]) -> None:
    """Per-person tables lose their identifying columns; aggregate tables their small cells."""
    table = _main_table(cells, name)
    if table is None:
        return
    frames = list(table.batches)
    rows = list(table.row_numbers or [])
    if not frames:
        return
    table.batches = iter(frames)
    prof = profile(table)
    sample = pl.concat(frames)
    shape = decide(table.headers, sample, prof)
    if shape.kind == "aggregate" and shape.counts:
        values = {j: numbers(sample.get_column(f"c{j}")).to_list() for j in shape.counts}
        hidden = {j: suppressed(sample.get_column(f"c{j}")).to_list() for j in shape.counts}
        for i, j in suppression(sample, shape, values, hidden, table.headers, opts.min_cell):
            cells[(rows[i] - 1, table.first_col + j)] = opts.marker
            removed["small cells suppressed"] += 1
        return
    for col in prof.columns:
        if col.entity not in PERSONAL:
            continue
        c = table.first_col + col.index
        blanked = [(r - 1, c) for r in rows if (r - 1, c) in cells]
        for key in blanked:
            del cells[key]
        if blanked:
            removed[f"personal data cells ({col.entity.value})"] += len(blanked)


def _write_xlsx(sheets: list[tuple[str, dict[tuple[int, int], object]]], out: Path) -> None:
    book = xlsxwriter.Workbook(str(out), {"strings_to_numbers": False, "strings_to_formulas": False,
                                          "strings_to_urls": False})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp_fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for name, cells in sheets:
        ws = book.add_worksheet(name)
        for (r, c), v in sorted(cells.items()):
            if isinstance(v, bool):
                ws.write_boolean(r, c, v)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            elif isinstance(v, dt.datetime):
                ws.write_datetime(r, c, v, stamp_fmt)
            elif isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
            else:
                ws.write_string(r, c, cell_str(v) or "")
    book.close()


def _write_csv(name: str, cells: dict[tuple[int, int], object], out: Path) -> None:
    if not cells:
        out.write_text("", encoding="utf-8")
        return
    sheet = MemorySheet(cells)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    assert sheet.start is not None
    for r, row in enumerate(sheet.iter_rows()):
        if r < sheet.start[0]:
            continue
        writer.writerow([cell_str(v) or "" for v in row])
    out.write_text(buf.getvalue(), encoding="utf-8")


def collect(name: str, vis: Visibility, sheet: object, layout: SheetLayout, opts: Options,
            result: Cleaned, sheets: list[tuple[str, dict[tuple[int, int], object]]]) -> None:
    """One worksheet of any reader (calamine or an adapter with its interface): its kept cells,
    or nothing when the sheet is hidden."""
    if vis is not Visibility.VISIBLE and not opts.unhide:
        very = vis is Visibility.VERY_HIDDEN_SHEET
        result.removed["very hidden sheets" if very else "hidden sheets"] += 1
        return
    cells = _kept_cells(sheet, layout, opts.unhide, result.removed)
    if opts.mode == "strict":
        strict_grid(cells, name, opts, result.removed)
    sheets.append((name, cells))
    result.kept["sheets"] += 1
    result.kept["cells"] += len(cells)


def write(path: Path, out: Path, opts: Options, result: Cleaned,
          sheets: list[tuple[str, dict[tuple[int, int], object]]], writer=None) -> Cleaned:
    """Write the kept cells: one CSV per sheet with ``--to csv``, else a workbook (``writer``,
    XlsxWriter by default)."""
    result.removed = Counter({k: v for k, v in result.removed.items() if v})
    if opts.to_csv:
        out.mkdir(parents=True, exist_ok=True)
        for name, cells in sheets:
            target = out / f"{path.stem}-{_safe(name)}.csv"
            _write_csv(name, cells, target)
            result.outputs.append(target.as_posix())
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        (writer or _write_xlsx)(sheets, out)
        result.outputs.append(out.as_posix())
    return result


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    source = Source(path.as_posix(), path=path)
    sheets: list[tuple[str, dict[tuple[int, int], object]]] = []
    with SafeZip(source, config.limits) as z:
        wb = Workbook(z)
        camo = camouflaged_styles(z, wb.styles)
        cal = open_workbook(source)
        try:
            for name, part, vis in wb.sheets:
                if not part or not z.has(part) or "chartsheet" in part:
                    result.removed["chart sheets (not carried over)"] += 1 if part and "chartsheet" in part else 0
                    continue
                shown = vis is Visibility.VISIBLE or opts.unhide
                layout = prepass(z, part, camo) if shown else SheetLayout()
                if shown:
                    check_extent(layout, config.limits.sheet_cells, name, part)
                collect(name, vis, cal.get_sheet_by_name(name) if shown else None, layout, opts, result, sheets)
        finally:
            cal.close()
        count_dropped_parts(z.names, result)
        if any(n.startswith("docProps/") for n in z.names):
            result.removed["document properties parts"] += sum(1 for n in z.names if n.startswith("docProps/"))
        if wb.root.find("{*}definedNames") is not None:
            result.removed["defined names"] += len(wb.root.find("{*}definedNames"))
    return write(path, out, opts, result, sheets)


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_ " else "_" for ch in name).strip().replace(" ", "_") or "sheet"


def count_dropped_parts(names: list[str], result: Cleaned, parts: dict[str, str] | None = None) -> None:
    """Count, per kind (``parts``: prefix → what), the workbook parts a rebuilt copy does not carry over."""
    for prefix, what in (parts or _PARTS).items():
        n = sum(1 for p in names if p.startswith(prefix) and not p.endswith("/"))
        if n:
            result.removed[what] += n
