"""Excel binary workbooks (.xlsb): rebuilt from what a reader sees, like xlsx (calamine reads the
values, the BIFF12 records the sheet states and hidden rows and columns), and written as an
.xlsx workbook: nothing of the binary package survives — comments, pivot caches, external-link
caches, drawings, pictures, macros and properties included. The copy's name ends in .xlsx."""

from __future__ import annotations

from pathlib import Path

from spillguard.clean.model import Cleaned, Options
from spillguard.clean.xlsx import collect, count_dropped_parts, write
from spillguard.config import Config
from spillguard.formats import biff12
from spillguard.formats.base import Source
from spillguard.formats.ooxml import SafeZip
from spillguard.formats.xlsb import _STATES, MAIN_PART
from spillguard.formats.xlsx_grid import SheetLayout, check_extent, open_workbook
from spillguard.model import Visibility

#: parts dropped with the binary package, counted by kind
_PARTS = {"xl/comments": "comment parts", "xl/pivotCache/": "pivot cache parts",
          "xl/externalLinks/": "external-link caches", "xl/drawings/": "drawings", "xl/media/": "pictures",
          "xl/embeddings/": "embedded objects", "xl/vbaProject.bin": "macro projects",
          "docProps/": "document properties parts", "customXml/": "custom XML parts"}


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    source = Source(path.as_posix(), path=path)
    sheets: list[tuple[str, dict[tuple[int, int], object]]] = []
    with SafeZip(source, config.limits) as z:
        rels = z.rels(MAIN_PART)
        cal = open_workbook(source)
        try:
            for entry in biff12.bundle_sheets(z.read(MAIN_PART), MAIN_PART):
                _, part = rels.get(entry.rel_id, ("", ""))
                if not part or not z.has(part) or "chartsheet" in part:
                    result.removed["chart sheets (not carried over)"] += 1 if "chartsheet" in part else 0
                    continue
                vis = _STATES.get(entry.state, Visibility.HIDDEN_SHEET)
                shown = vis is Visibility.VISIBLE or opts.unhide
                layout = SheetLayout()
                if shown:
                    flags = biff12.sheet_flags(z.read(part), part)
                    layout = SheetLayout(hidden_rows=flags.hidden_rows, hidden_cols=flags.hidden_cols,
                                         has_filter=flags.has_filter, last_row=flags.last_row,
                                         last_col=flags.last_col)
                    check_extent(layout, config.limits.sheet_cells, entry.name, part)
                collect(entry.name, vis, cal.get_sheet_by_name(entry.name) if shown else None, layout, opts,
                        result, sheets)
        finally:
            cal.close()
        count_dropped_parts(z.names, result, _PARTS)
    target = out if opts.to_csv else out.with_suffix(".xlsx")
    return write(path, target, opts, result, sheets)
