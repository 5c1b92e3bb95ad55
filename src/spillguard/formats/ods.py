"""OpenDocument spreadsheets (ods): cell values from calamine, layout from one streaming pass.

calamine reads the values (as for xlsx). What it does not report comes from one ``iterparse``
pass over ``content.xml`` that keeps no more than one row in memory: hidden tables (a table
style with ``table:display="false"``), hidden (``collapse``) and filtered rows and columns,
camouflaged cells, cell annotations and their authors, and the spreadsheet's tracked changes
(earlier cell values and deleted rows). Then the worksheet grid routes every cell exactly as
for xlsx (SheetGrid): visible table, hidden rows, hidden columns, camouflaged cells, cells far
outside the visible block.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import python_calamine as calamine
from lxml import etree

from spillguard.errors import CorruptFile
from spillguard.formats.base import Context, Source
from spillguard.formats.cells import author_table, col_letter
from spillguard.formats.odf_styles import Styles
from spillguard.formats.odf_text import DC, OFFICE, TABLE, TEXT
from spillguard.formats.ooxml import SafeZip, xml_error
from spillguard.formats.xlsx_grid import SheetGrid, SheetLayout, open_workbook
from spillguard.model import Content, Location, Text, Visibility

_TB = f"{{{TABLE}}}"
#: repeated rows/columns beyond this many are blank filler (LibreOffice writes a million)
_REPEAT_CAP = 10_000


@dataclass(slots=True)
class _Sheet:
    name: str
    hidden: bool
    layout: SheetLayout = field(default_factory=SheetLayout)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (cell, text)
    authors: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Pass:
    sheets: list[_Sheet] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    change_authors: set[str] = field(default_factory=set)


def _paragraph_text(el: etree._Element) -> str:
    return " ".join(" ".join(t.strip() for t in p.itertext() if t.strip())
                    for p in el.iter(f"{{{TEXT}}}p", f"{{{TEXT}}}h")).strip()


def _repeat(el: etree._Element, attr: str) -> int:
    try:
        return max(1, int(el.get(f"{_TB}{attr}", "1")))
    except ValueError:
        return 1


def _layout_pass(z: SafeZip, part: str, styles_root: etree._Element | None) -> _Pass:
    out = _Pass()
    styles = Styles(styles_root)
    sheet: _Sheet | None = None
    row = col = 0
    row_rep, row_vis, row_content = 1, "visible", False
    try:
        with z.zf.open(part) as fh:
            events = etree.iterparse(fh, events=("start", "end"), resolve_entities=False, no_network=True,
                                     load_dtd=False, huge_tree=True)
            depth_in_cell = 0
            for event, el in events:
                tag = el.tag
                if event == "start":
                    if tag == f"{_TB}table" and depth_in_cell == 0:
                        sheet = _Sheet(el.get(f"{_TB}name", ""), el.get(f"{_TB}style-name", "") in styles.hidden_tables)
                        out.sheets.append(sheet)
                        row, col = 1, 0
                    elif sheet is None or depth_in_cell:
                        if tag in (f"{_TB}table-cell", f"{_TB}covered-table-cell"):
                            depth_in_cell += 1
                    elif tag == f"{_TB}table-column":
                        n = min(_repeat(el, "number-columns-repeated"), _REPEAT_CAP)
                        if el.get(f"{_TB}visibility") in ("collapse", "filter"):
                            sheet.layout.hidden_cols.update(range(col, col + n))
                        col += _repeat(el, "number-columns-repeated")
                    elif tag == f"{_TB}table-row":
                        row_rep = _repeat(el, "number-rows-repeated")
                        row_vis = el.get(f"{_TB}visibility", "visible")
                        row_content = False
                        col = 0
                    elif tag in (f"{_TB}table-cell", f"{_TB}covered-table-cell"):
                        depth_in_cell = 1
                    continue
                # end events
                if tag == f"{{{OFFICE}}}automatic-styles":
                    styles = Styles(styles_root, el)
                elif tag == f"{_TB}tracked-changes":
                    out.changes.extend(_paragraph_text(c) for c in el.iter(f"{_TB}cell-content-change",
                                                                             f"{_TB}deletion"))
                    out.change_authors.update((c.text or "").strip() for c in el.iter(f"{{{DC}}}creator"))
                    el.clear()
                elif tag in (f"{_TB}table-cell", f"{_TB}covered-table-cell") and sheet is not None:
                    depth_in_cell -= 1
                    if depth_in_cell:
                        continue
                    n = _repeat(el, "number-columns-repeated")
                    if el.get(f"{{{OFFICE}}}value-type") or _paragraph_text(el):
                        row_content = True
                        if styles.category(el.get(f"{_TB}style-name")) == "camouflaged":
                            for j in range(col, col + min(n, _REPEAT_CAP)):
                                for r in range(row, row + min(row_rep, _REPEAT_CAP)):
                                    sheet.layout.camo_cells.add((r, j))
                    for note in el.iterchildren(f"{{{OFFICE}}}annotation"):
                        text = _paragraph_text(note)
                        if text:
                            sheet.notes.append((f"{col_letter(col)}{row}", text))
                        sheet.authors.update((c.text or "").strip() for c in note.iterchildren(f"{{{DC}}}creator"))
                    col += n
                elif tag == f"{_TB}table-row" and sheet is not None and not depth_in_cell:
                    if row_content and row_vis in ("collapse", "filter"):
                        for r in range(row, row + min(row_rep, _REPEAT_CAP)):
                            sheet.layout.hidden_rows[r] = row_vis == "filter"
                        sheet.layout.has_filter |= row_vis == "filter"
                    row += row_rep
                    el.clear()
                    while el.getprevious() is not None:
                        del el.getparent()[0]
                elif tag == f"{_TB}table" and not depth_in_cell:
                    sheet = None
    except etree.XMLSyntaxError as exc:
        raise xml_error(exc, part) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise CorruptFile(f"part is corrupt or truncated: {part} ({exc})", part=part) from None
    out.change_authors.discard("")
    for s in out.sheets:
        s.authors.discard("")
    return out


def read_sheets(z: SafeZip, source: Source, ctx: Context, loc: Location,
                styles_root: etree._Element | None, visible: set[str]) -> Iterator[Content]:
    """Yields the contents of every table; fills ``visible`` with the names of visible ones."""
    found = _layout_pass(z, "content.xml", styles_root)
    visible.update(s.name for s in found.sheets if not s.hidden)
    cal = open_workbook(source)
    try:
        names = set(cal.sheet_names)
        for sheet in found.sheets:
            if sheet.name not in names:
                continue
            vis = Visibility.HIDDEN_SHEET if sheet.hidden else Visibility.VISIBLE
            where = loc.with_(sheet=sheet.name)
            try:
                cal_sheet = cal.get_sheet_by_name(sheet.name)
            except calamine.CalamineError as exc:
                raise CorruptFile(f"sheet '{sheet.name}' cannot be read ({type(exc).__name__})") from None
            yield from SheetGrid(cal_sheet, sheet.name, where, vis, sheet.layout, ctx.limits.batch_rows).contents()
            if sheet.notes:
                cells = ", ".join(c for c, _ in sheet.notes[:6]) + (" …" if len(sheet.notes) > 6 else "")
                n = len(sheet.notes)
                yield Text(where.with_(range=cells, line=1), Visibility.COMMENT,
                           "\n".join(t for _, t in sheet.notes), f"{n} comment{'s' if n != 1 else ''}")
            if sheet.authors:
                yield author_table(where, "comment author", sorted(sheet.authors))
    finally:
        cal.close()
    if any(found.changes):
        yield Text(loc.with_(line=1), Visibility.TRACKED_CHANGE, "\n".join(c for c in found.changes if c),
                   "earlier cell values and deleted rows")
    if found.change_authors:
        yield author_table(loc, "revision author", sorted(found.change_authors))

