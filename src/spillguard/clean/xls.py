"""Legacy Excel workbooks (.xls): rebuilt from what a reader sees, like xlsx (xlrd reads the
values and the layout), and written as an .xlsx workbook — nothing of the binary file survives,
its notes, macros, pivot caches and embedded objects included. The copy's name ends in .xlsx."""

from __future__ import annotations

from pathlib import Path

import xlrd

from spillguard.clean.model import Cleaned, Options
from spillguard.clean.xlsx import collect, write
from spillguard.config import Config
from spillguard.formats.xls import _VISIBILITY, _Grid, _layout
from spillguard.formats.xlsx_grid import SheetLayout
from spillguard.model import Visibility


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    book = xlrd.open_workbook(file_contents=path.read_bytes(), formatting_info=True, ragged_rows=True)
    sheets: list[tuple[str, dict[tuple[int, int], object]]] = []
    try:
        for sheet in book.sheets():
            vis = _VISIBILITY.get(sheet.visibility, Visibility.HIDDEN_SHEET)
            shown = vis is Visibility.VISIBLE or opts.unhide
            collect(sheet.name, vis, _Grid(sheet, book) if shown else None,
                    _layout(sheet, book) if shown else SheetLayout(), opts, result, sheets)
            result.removed["cell notes"] += len(sheet.cell_note_map)
    finally:
        book.release_resources()
    target = out if opts.to_csv else out.with_suffix(".xlsx")
    return write(path, target, opts, result, sheets)
