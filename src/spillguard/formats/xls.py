"""Legacy Excel 97-2003 workbooks (.xls, BIFF8), read with xlrd.

xlrd reads cell values with their formats, sheet visibility (hidden and very hidden), hidden
rows and columns, fonts (white text) and cell notes with their authors. The grid is routed
exactly as for xlsx (SheetGrid). A BIFF file is at most 65,536 × 256 cells and xlrd holds it in
memory; the file size limit bounds that. What xlrd does not read — pivot caches, embedded
objects, revision logs — is reported as not inspected (SG906); macros are SG115. Embedded OLE
objects (``MBD…`` storages) are read by ``ole_objects``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial

import olefile
import xlrd

from spillguard.errors import CorruptFile, EncryptedFile
from spillguard.formats import catch_all, ole_objects, scripts, xls_shapes
from spillguard.formats.base import Context, Source
from spillguard.formats.cells import author_table, col_letter
from spillguard.formats.xlsx_grid import SheetGrid, SheetLayout
from spillguard.model import Content, Location, Notice, Text, Visibility

NAME = "xls"
log = logging.getLogger(__name__)
_VISIBILITY = {0: Visibility.VISIBLE, 1: Visibility.HIDDEN_SHEET, 2: Visibility.VERY_HIDDEN_SHEET}
#: OLE storages and streams beside the workbook stream, and what they hold
_UNREAD = {
    "_SX_DB_CUR": "a pivot cache (the source records of a pivot table)",
    "_SX_DB": "a pivot cache (the source records of a pivot table)",
    "Revision Log": "a shared-workbook revision log (earlier cell values)",
    "User Names": "the user list of a shared workbook",
    "ObjectPool": "embedded objects",
}
#: where a reader of the workbook would (not) see what those streams hold
_PLACES = {"_SX_DB_CUR": Visibility.PIVOT_CACHE, "_SX_DB": Visibility.PIVOT_CACHE,
           "Revision Log": Visibility.TRACKED_CHANGE, "User Names": Visibility.METADATA}
#: streams read elsewhere: properties (ole.properties), ActiveX controls' and toolbar settings
_KNOWN = {"\x05SummaryInformation", "\x05DocumentSummaryInformation", "Ctls", "XCB"}
_WHITE = (255, 255, 255)
#: the storage of one embedded OLE object ("MBD027BEBB1")
_OBJECT = re.compile(r"^MBD[0-9A-F]{8}$")


class _XlrdLog:
    """xlrd writes its warnings to a file (stdout by default): to the log instead."""

    def write(self, text: str) -> None:
        if text.strip():
            log.debug("xlrd: %s", text.strip()[:200])

    def flush(self) -> None:
        pass


def _stream(data: bytes, path: str) -> bytes:
    with olefile.OleFileIO(data) as ole:
        return ole.openstream(path).read()


class _Grid:
    """An xlrd sheet seen through the calamine sheet interface SheetGrid reads."""

    def __init__(self, sheet: xlrd.sheet.Sheet, book: xlrd.Book) -> None:
        self.sheet = sheet
        self.book = book
        filled = [(r, c) for r in range(sheet.nrows) for c in range(sheet.row_len(r))
                  if sheet.cell_type(r, c) not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK)]
        self.start = (min(r for r, _ in filled), min(c for _, c in filled)) if filled else None
        self.end = (max(r for r, _ in filled), max(c for _, c in filled)) if filled else (0, 0)
        self.width = self.end[1] - self.start[1] + 1 if self.start else 0
        self.height = self.end[0] + 1 if self.start else 0

    def value(self, r: int, c: int) -> object:
        kind = self.sheet.cell_type(r, c)
        v = self.sheet.cell_value(r, c)
        if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return ""
        if kind == xlrd.XL_CELL_DATE:
            try:
                d = xlrd.xldate_as_datetime(v, self.book.datemode)
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                return v
            return d.date() if d == datetime(d.year, d.month, d.day) else d
        if kind == xlrd.XL_CELL_ERROR:
            return ""
        if kind == xlrd.XL_CELL_BOOLEAN:
            return bool(v)
        return v

    def iter_rows(self) -> Iterator[list[object]]:
        assert self.start is not None
        c0 = self.start[1]
        for r in range(self.end[0] + 1):
            n = self.sheet.row_len(r)
            yield [self.value(r, c) if c < n else "" for c in range(c0, self.end[1] + 1)]


def _camouflaged(book: xlrd.Book, xf_index: int) -> bool:
    xf = book.xf_list[xf_index]
    fmt = book.format_map.get(xf.format_key)
    if fmt is not None and fmt.format_str.replace('"', "").strip() == ";;;":
        return True
    font = book.font_list[xf.font_index]
    if font.height <= 40:  # twips: 2 pt and smaller
        return True
    if book.colour_map.get(font.colour_index) != _WHITE:
        return False
    fill = book.colour_map.get(xf.background.pattern_colour_index) if xf.background.fill_pattern else None
    return fill in (None, _WHITE)


def _layout(sheet: xlrd.sheet.Sheet, book: xlrd.Book) -> SheetLayout:
    layout = SheetLayout()
    layout.hidden_rows = {r + 1: bool(info.outline_level) for r, info in sheet.rowinfo_map.items() if info.hidden}
    layout.hidden_cols = {c for c, info in sheet.colinfo_map.items() if info.hidden}
    for r in range(sheet.nrows):
        for c in range(sheet.row_len(r)):
            if sheet.cell_type(r, c) not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) and \
                    _camouflaged(book, sheet.cell_xf_index(r, c)):
                layout.camo_cells.add((r + 1, c))
    return layout


def read_workbook(data: bytes, source: Source, ctx: Context, streams: set[str]) -> Iterator[Content]:
    loc = Location(file=source.name)
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, ragged_rows=True,
                                  logfile=_XlrdLog())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise EncryptedFile("the workbook is encrypted (password-protected)") from None
        raise CorruptFile(f"the workbook cannot be read ({exc})") from None
    except (AssertionError, IndexError, KeyError, ValueError, TypeError, OverflowError, MemoryError) as exc:
        raise CorruptFile(f"the workbook is corrupt ({type(exc).__name__})") from None
    workbook = _stream(data, "Workbook" if "Workbook" in streams else "Book")
    positions = xls_shapes.sheet_positions(workbook)
    try:
        for sheet in book.sheets():
            vis = _VISIBILITY.get(sheet.visibility, Visibility.HIDDEN_SHEET)
            where = loc.with_(part="Workbook", sheet=sheet.name)
            grid = _Grid(sheet, book)
            yield from SheetGrid(grid, sheet.name, where, vis, _layout(sheet, book), ctx.limits.batch_rows).contents()
            notes = sorted(sheet.cell_note_map.items())
            texts = [(f"{col_letter(c)}{r + 1}", n.text.strip()) for (r, c), n in notes if n.text.strip()]
            if texts:
                cells = ", ".join(c for c, _ in texts[:6]) + (" …" if len(texts) > 6 else "")
                yield Text(where.with_(range=cells, line=1), Visibility.COMMENT, "\n".join(t for _, t in texts),
                           f"{len(texts)} comment{'s' if len(texts) != 1 else ''}")
            authors = sorted({n.author.strip() for _, n in notes} - {""})
            if authors:
                yield author_table(where, "comment author", authors)
            noted = {n.text.strip() for _, n in notes}
            shapes = [t for t in xls_shapes.shape_texts(workbook, positions.get(sheet.name, -1))
                      if t.strip() and t.strip() not in noted] if sheet.name in positions else []
            if shapes:  # text boxes and shapes drawn on the sheet: seen with it
                yield Text(where.with_(range="drawing", line=1), vis, "\n".join(shapes),
                           f"{len(shapes)} shape{'s' if len(shapes) != 1 else ''} with text")
    finally:
        book.release_resources()
    objects: dict[str, dict[str, Callable[[], bytes]]] = {}
    for stream in streams:
        top, _, rest = stream.partition("/")
        if _OBJECT.match(top) and rest:
            objects.setdefault(top, {})[rest] = partial(_stream, data, stream)
    yield from ole_objects.read_objects(objects, source, ctx, loc)
    read = {"Workbook", "Book", *_KNOWN}
    yield from catch_all.ole_leftovers(
        data, streams, lambda s: s in read or s.split("/", 1)[0] in objects, source, ctx, loc, NAME, _UNREAD, _PLACES)
    if any(s.startswith("_VBA_PROJECT_CUR") for s in streams):
        yield Notice("SG115", "The workbook carries a macro (VBA) project", loc.with_(part="_VBA_PROJECT_CUR"),
                     Visibility.EMBEDDED_OBJECT, "macro code can hold data and paths; publish without macros")
        yield from scripts.vba_contents(data, source.name, loc.with_(part="_VBA_PROJECT_CUR"))
