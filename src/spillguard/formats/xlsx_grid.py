"""Worksheet grids: which cells a reader sees, and which hide.

Cell values come from calamine (Rust). What calamine does not report — hidden rows and
columns, filters, collapsed groups, camouflage styles, validation lists — comes from one
bytes-level pass over the sheet XML with regular expressions, which is far cheaper than a
second XML parse. Then a single streaming pass over the rows routes every cell to exactly one
place: the visible table, hidden rows, hidden columns, camouflaged cells, or cells far outside
the visible block. The visible table streams in batches; the (normally small) others are
buffered and reported after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl
import python_calamine as calamine

from spillguard.errors import CorruptFile, EncryptedFile
from spillguard.formats.base import Source
from spillguard.formats.cells import col_index, col_letter, col_ranges, frame, frame_columns, row_ranges, split_ref
from spillguard.formats.ooxml import SafeZip, local
from spillguard.model import Content, Location, Table, Text, Visibility

#: this many empty rows below the block, or empty columns right of it, make a cell "far outside"
ROW_GAP = 20
COL_GAP = 10
HEADER_SCAN_ROWS = 10

#: elements may carry a namespace prefix (``<x:row>``, ``<ns2:col>``: POI, .NET writers)
_HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_LAST_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d{1,8})"')
#: cell references of exactly 2 or 3 column letters (``<c r="XFD1048576"``). Only cells have an
#: ``r`` attribute of letters then digits (a row's is digits): the pattern starts at ``r="``, a
#: literal the regex engine skips to, which is five times faster than anchoring at ``<c``
_REF_LETTERS = {n: re.compile(rb'r="([A-Z]{%d})\d' % n) for n in (2, 3)}

_ROW_NUM = re.compile(rb'\br="(\d+)"')
_COL = re.compile(rb"<(?:\w+:)?col\b[^>]*>")
_ATTR = re.compile(rb'\b(\w+)="([^"]*)"')
#: a row of zero height or a column of zero width shows nothing, hidden or not
_ZERO_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bht="0(?:\.0*)?"[^>]*>')
_HEADER_FOOTER = re.compile(rb"<(?:\w+:)?((?:odd|even|first)(?:Header|Footer))>([^<]*)</")
_HYPERLINK = re.compile(rb"<(?:\w+:)?hyperlink\b[^>]*>")
#: a formula holding a string literal (a quote, escaped or not, in the XML text)
_FORMULA_LITERAL = re.compile(rb"<(?:\w+:)?f\b[^>]*>([^<]*?(?:\"|&quot;)[^<]*)</(?:\w+:)?f>")
_QUOTED = re.compile(r'"((?:[^"]|"")+)"')
#: a cell holding a shared string: its index in the shared-string table
_SHARED_INDEX = re.compile(rb't="s"[^>]*>(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)?'
                           rb"<(?:\w+:)?v>(\d+)<")
#: literals of formulas kept per sheet at most (they repeat down a column)
MAX_LITERALS = 10_000
_FORMULA1 = re.compile(rb"<(?:\w+:)?formula1>([^<]*)</(?:\w+:)?formula1>")
_DV_LIST = re.compile(rb'<(?:\w+:)?dataValidation\b[^>]*\btype="list"')


def open_workbook(source: Source) -> calamine.CalamineWorkbook:
    """calamine on a file or a nested member; its errors become SG901/SG902 with the reason."""
    try:
        if source.path is not None:
            return calamine.CalamineWorkbook.from_path(str(source.path))
        return calamine.CalamineWorkbook.from_filelike(source.open())
    except calamine.PasswordError:
        raise EncryptedFile("the workbook is password-protected") from None
    except (calamine.CalamineError, calamine.ZipError, calamine.XmlError, ValueError, OSError) as exc:
        raise CorruptFile(f"the workbook cannot be read ({type(exc).__name__})") from None


@dataclass(slots=True)
class SheetLayout:
    #: row number (1-based) → True when hidden by a filter or a collapsed group
    hidden_rows: dict[int, bool] = field(default_factory=dict)
    hidden_cols: set[int] = field(default_factory=set)  # 0-based absolute
    camo_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, col0)
    #: rectangles of cells an opaque shape or picture lies over: (row1, col0, row2, col0), inclusive
    covers: list[tuple[int, int, int, int]] = field(default_factory=list)
    has_filter: bool = False
    validation_lists: list[str] = field(default_factory=list)
    #: the last used row (1-based) and column (0-based) the sheet's cells reach, when known
    last_row: int = 0
    last_col: int = 0
    #: print headers and footers: (which, text with Excel's &-codes)
    headers_footers: dict[tuple[str, str], None] = field(default_factory=dict)
    #: attributes of each hyperlink element (ref, r:id, location, tooltip, display)
    hyperlinks: list[dict[str, str]] = field(default_factory=list)
    #: string literals inside formulas (the cell shows the result, not these)
    formula_literals: dict[str, None] = field(default_factory=dict)
    #: indices of the shared strings the sheet's cells use
    shared_used: set[int] = field(default_factory=set)


def check_extent(layout: SheetLayout, limit: int, name: str, part: str) -> None:
    """Refuse (SG903) a sheet whose cells span more than ``limit`` cells before calamine reads
    it as a dense grid (a far-away cell is a memory bomb, a few bytes for gigabytes)."""
    span = max(layout.last_row, 1) * (layout.last_col + 1)
    if limit and span > limit:
        from spillguard.errors import ResourceLimit

        raise ResourceLimit(f"sheet '{name}' spans {layout.last_row:,} rows × {layout.last_col + 1:,} columns "
                            f"({span:,} cells), over the limit of {limit:,} (sheet_cells)", part=part)


def camouflaged_styles(z: SafeZip, styles_part: str | None) -> set[int]:
    """cellXfs indices that hide their value: ';;;' formats, tiny fonts, white on white."""
    if not styles_part or not z.has(styles_part):
        return set()
    root = z.xml(styles_part)

    def children(name: str) -> list:
        el = next((e for e in root if local(e.tag) == name), None)
        return [c for c in el if isinstance(c.tag, str)] if el is not None else []

    def white(color) -> bool:
        if color is None:
            return False
        rgb = (color.get("rgb") or "").upper()
        return rgb.endswith("FFFFFF") or color.get("theme") == "0" or color.get("indexed") in ("1", "9")

    def key(color) -> str | None:
        """A colour as one comparable value: its RGB, or its theme or palette slot."""
        if color is None:
            return None
        rgb = (color.get("rgb") or "").upper()
        if rgb:
            return rgb[-6:]
        if color.get("theme") is not None:
            return f"theme{color.get('theme')}{color.get('tint', '')}"
        if color.get("indexed") is not None:
            return {"8": "000000", "64": None, "9": "FFFFFF", "1": "FFFFFF"}.get(
                color.get("indexed"), f"indexed{color.get('indexed')}")
        return None

    fonts = []
    for font in children("fonts"):
        color = next((c for c in font if local(c.tag) == "color"), None)
        size = next((c.get("val") for c in font if local(c.tag) == "sz"), None)
        try:
            tiny = size is not None and float(size) < 3
        except ValueError:
            tiny = False
        fonts.append((white(color), tiny, key(color)))
    fills = []
    for fill in children("fills"):
        pattern = next((c for c in fill if local(c.tag) == "patternFill"), None)
        kind = pattern.get("patternType", "none") if pattern is not None else "none"
        fg = next((c for c in pattern if local(c.tag) == "fgColor"), None) if pattern is not None else None
        fills.append((kind in ("none", "gray125") or (kind == "solid" and white(fg)),
                      key(fg) if kind == "solid" else None))
    formats = {int(n.get("numFmtId", "-1")): n.get("formatCode", "") for n in children("numFmts")}
    camo: set[int] = set()
    for i, xf in enumerate(children("cellXfs")):
        font_id, fill_id = int(xf.get("fontId", "0")), int(xf.get("fillId", "0"))
        font = fonts[font_id] if font_id < len(fonts) else (False, False, None)
        fill_white, fill_key = fills[fill_id] if fill_id < len(fills) else (True, None)
        code = formats.get(int(xf.get("numFmtId", "0")), "")
        same = font[2] is not None and font[2] == fill_key  # font colour equal to the fill
        if re.fullmatch(r";{2,3}", code.replace('"', "")) or font[1] or (font[0] and fill_white) or same:
            camo.add(i)
    return camo


def _unescape(value: bytes) -> str:
    """An XML attribute or text value as text (the five predefined entities and numeric ones)."""
    text = value.decode("utf-8", "replace")
    if "&" not in text:
        return text
    import html

    return html.unescape(text)


def prepass(z: SafeZip, part: str, camo_styles: set[int], shared: bool = False) -> SheetLayout:
    """One pass over a sheet's XML bytes; with ``shared``, the shared strings its cells use."""
    layout = SheetLayout()
    camo_re = None
    if camo_styles:
        alt = b"|".join(str(s).encode() for s in sorted(camo_styles))
        camo_re = re.compile(rb'<(?:\w+:)?c\b[^>]*?\bs="(?:' + alt + rb')"[^>]*>')
    tail = b""
    widest = 1  # letters of the widest column reference seen (one letter: column Z at most)
    layout.last_col = 25
    for chunk in z.chunks(part):
        rows = _LAST_ROW.findall(chunk)
        if rows:
            layout.last_row = max(layout.last_row, max(int(r) for r in rows))
        for letters in (3, 2):  # only references of the most letters can hold the last column
            if letters >= widest and _REF_LETTERS[letters].search(chunk):
                widest = letters
                top = max(_REF_LETTERS[letters].findall(chunk))  # same length: the last sorts last
                layout.last_col = max(layout.last_col, col_index(top.decode()))
                break
        # each pattern runs only where its literal occurs (a substring test is a fast scan of
        # the chunk; a pattern anchored at ``<`` tries every tag of a 70 MB sheet)
        for m in _HIDDEN_ROW.finditer(chunk) if b'hidden="' in chunk else ():
            num = _ROW_NUM.search(m.group(0))
            if num:
                layout.hidden_rows[int(num.group(1))] = b"outlineLevel=" in m.group(0)
        if b'ht="0' in chunk:
            for m in _ZERO_ROW.finditer(chunk):
                num = _ROW_NUM.search(m.group(0))
                if num:
                    layout.hidden_rows.setdefault(int(num.group(1)), False)
        if b"hyperlink" in chunk:
            for m in _HYPERLINK.finditer(chunk):
                attrs = {k.decode(): _unescape(v) for k, v in _ATTR.findall(m.group(0))}
                layout.hyperlinks.append(attrs)
        for m in _COL.finditer(chunk) if b"<col" in chunk or b":col" in chunk else ():
            attrs = dict(_ATTR.findall(m.group(0)))
            width = attrs.get(b"width")
            zero = width is not None and re.fullmatch(rb"0(?:\.0*)?", width) is not None
            if attrs.get(b"hidden") in (b"1", b"true") or zero:
                lo, hi = int(attrs.get(b"min", b"1")), int(attrs.get(b"max", b"1"))
                layout.hidden_cols.update(range(lo - 1, min(hi, 16384)))
        if b"autoFilter" in chunk:
            layout.has_filter = True
        if camo_re is not None:
            for m in camo_re.finditer(chunk):
                ref = dict(_ATTR.findall(m.group(0))).get(b"r")
                cell = split_ref(ref.decode()) if ref else None
                if cell:
                    layout.camo_cells.add(cell)
        window = tail + chunk
        if shared and b't="s"' in window:
            layout.shared_used.update(int(i) for i in set(_SHARED_INDEX.findall(window)))
        # a literal is in a formula's text, which ends at "</f>" or "</x:f>"
        if b"f>" in window and len(layout.formula_literals) < MAX_LITERALS:
            for m in _FORMULA_LITERAL.finditer(window):
                for lit in _QUOTED.findall(_unescape(m.group(1))):
                    if any(c.isalnum() for c in lit):
                        layout.formula_literals[lit.replace('""', '"')] = None
        if b"Header>" in window or b"Footer>" in window:
            for m in _HEADER_FOOTER.finditer(window):
                text = _unescape(m.group(2))
                if text.strip():
                    layout.headers_footers[(m.group(1).decode(), text)] = None
        if b"dataValidation" in window and _DV_LIST.search(window):
            for m in _FORMULA1.finditer(window):
                value = m.group(1).decode("utf-8", "replace").replace("&quot;", '"').replace("&amp;", "&")
                if value.startswith('"') and value not in layout.validation_lists:
                    layout.validation_lists.append(value.strip('"'))
        tail = chunk[-4096:]
    if layout.has_filter:  # rows a filter hides are filtered, not hand-hidden
        layout.hidden_rows = dict.fromkeys(layout.hidden_rows, True)
    return layout


def _looks_like_header(row: list[object], width_hint: int) -> bool:
    filled = [v for v in row if v != "" and v is not None]
    if len(filled) < max(2, width_hint // 2):
        return False
    return all(isinstance(v, str) and not re.fullmatch(r"[\d\s.,%$-]+", v) for v in filled)


def _filled(row: list[object]) -> int:
    return sum(1 for v in row if v != "" and v is not None)


def _header_row(head: list[tuple[int, list[object]]], widest: int, hidden: dict[int, bool]) -> int | None:
    """The index in ``head`` of the table's header row. The first row that looks like one, unless
    a summary block sits above the table: then a later, wider header-like row whose next row
    holds numbers or dates (data under a header, not more text) is the table's header."""
    candidates = [k for k, (num, r) in enumerate(head) if num not in hidden and _looks_like_header(r, widest)]
    if not candidates:
        return None
    first = candidates[0]

    def typed_below(k: int) -> bool:
        return k + 1 < len(head) and any(v not in ("", None) and not isinstance(v, str) for v in head[k + 1][1])

    wider = [k for k in candidates[1:] if _filled(head[k][1]) > _filled(head[first][1]) and typed_below(k)]
    return max(wider, key=lambda k: (_filled(head[k][1]), -k)) if wider else first


@dataclass(slots=True)
class _Side:
    """A buffered place of the sheet: its rows and the sheet row numbers they came from."""

    rows: list[list[object]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)


class SheetGrid:
    """Reads one worksheet through calamine and yields its contents by visibility."""

    def __init__(self, cal_sheet, name: str, loc: Location, visibility: Visibility,
                 layout: SheetLayout, batch_rows: int) -> None:
        self.sheet = cal_sheet
        self.name = name
        self.loc = loc
        self.vis = visibility
        self.layout = layout
        self.batch_rows = batch_rows
        self.sides: dict[Visibility, _Side] = {}
        self.camo_refs: list[str] = []
        self.covered_refs: list[str] = []

    def contents(self) -> Iterator[Content]:
        if self.sheet.start is None or self.sheet.height == 0:
            return
        start_row0, start_col0 = self.sheet.start
        width = self.sheet.width
        rows = enumerate(self.sheet.iter_rows(), start=1)  # sheet row numbers
        # Buffer the first non-empty rows to find the header and the block's width.
        head: list[tuple[int, list[object]]] = []
        for num, row in rows:
            if row.count("") != len(row):
                head.append((num, row))
                if len(head) >= HEADER_SCAN_ROWS:
                    break
        if not head:
            return
        hidden_cols = {c - start_col0 for c in self.layout.hidden_cols if 0 <= c - start_col0 < width}
        last_col = max(max((j for j, v in enumerate(r) if v != ""), default=0) for _, r in head)
        widest = max(sum(1 for v in r if v != "") for _, r in head)
        header_at = _header_row(head, widest, self.layout.hidden_rows)
        headers = [""] * width
        if header_at is not None:
            headers = [str(v) if v != "" else "" for v in head[header_at][1]]
            yield from self._titles(head[:header_at], hidden_cols)
            head = head[header_at + 1:]
        self.beyond_col = last_col + COL_GAP + 1
        first = head[0][0] if head else (start_row0 + 1)
        rng = f"{col_letter(start_col0)}{first}:{col_letter(start_col0 + width - 1)}{self.sheet.end[0] + 1}"
        self.row_numbers: list[int] = []
        main = self._main_batches(head, rows, width, hidden_cols, start_col0)
        yield Table(self.loc.with_(range=rng), self.vis, headers, main, row_numbers=self.row_numbers,
                    first_col=start_col0)
        for _ in main:  # make sure the sides are complete even if the consumer stopped early
            pass
        yield from self._side_tables(headers, width, hidden_cols, start_col0)

    def _titles(self, rows: list[tuple[int, list[object]]], hidden_cols: set[int]) -> Iterator[Content]:
        """Rows above the header (titles, notes), each cell in the place that shows or hides it."""
        places: dict[Visibility, tuple[list[int], list[str]]] = {}
        for num, row in rows:
            by_place: dict[Visibility, list[str]] = {}
            for j, v in enumerate(row):
                if v == "":
                    continue
                kinds = [self.vis]
                if self.vis.hidden:
                    pass
                elif num in self.layout.hidden_rows:  # a cell also in a hidden column is reported by both
                    kinds = [Visibility.FILTERED_OR_GROUPED if self.layout.hidden_rows[num] else Visibility.HIDDEN_ROW]
                    kinds += [Visibility.HIDDEN_COLUMN] if j in hidden_cols else []
                elif j in hidden_cols:
                    kinds = [Visibility.HIDDEN_COLUMN]
                elif self._covered(num, self.sheet.start[1] + j):
                    kinds = [Visibility.COVERED]
                for kind in kinds:
                    by_place.setdefault(kind, []).append(str(v))
            for kind, values in by_place.items():
                numbers, lines = places.setdefault(kind, ([], []))
                numbers.append(num)
                lines.append(" ".join(values))
        for kind, (numbers, lines) in places.items():
            yield Text(self.loc.with_(range=row_ranges(numbers)), kind, "\n".join(lines),
                       label="title rows above the table")

    def _main_batches(self, head, rows, width, hidden_cols, start_col0) -> Iterator[pl.DataFrame]:
        hidden = self.vis.hidden  # a hidden sheet is one place: no partition inside it
        fast = hidden or (not hidden_cols and not self.layout.camo_cells and not self.layout.covers
                          and self.beyond_col >= width)
        hidden_rows = {} if hidden else self.layout.hidden_rows
        batch: list[list[object]] = []
        last_filled = head[0][0] if head else 0
        beyond = False

        def all_rows():
            yield from head
            yield from rows

        for num, row in all_rows():
            if row.count("") == len(row):
                continue
            if not hidden and (beyond or num - last_filled > ROW_GAP):
                beyond = True
                self._side(Visibility.BEYOND_USED_RANGE, num, row)
                continue
            last_filled = num
            if num in hidden_rows:
                kind = Visibility.FILTERED_OR_GROUPED if hidden_rows[num] else Visibility.HIDDEN_ROW
                if fast:
                    self._side(kind, num, row)
                    continue
                base = kind
            else:
                base = None
            if not fast:
                row = self._split(num, row, width, hidden_cols, start_col0, base)
                if row is None:
                    continue
            batch.append(row)
            self.row_numbers.append(num)
            if len(batch) >= self.batch_rows:
                yield frame_columns(batch, width)
                batch = []
        if batch:
            yield frame_columns(batch, width)

    def _split(self, num, row, width, hidden_cols, start_col0, base):
        """Route the cells of one row; return what stays in the visible table (or None)."""
        keep = list(row)
        moved: dict[Visibility, list[object]] = {}
        for j, v in enumerate(row):
            if v == "":
                continue
            if (num, start_col0 + j) in self.layout.camo_cells:
                kind = Visibility.CAMOUFLAGED
                self.camo_refs.append(f"{col_letter(start_col0 + j)}{num}")
            elif j in hidden_cols:
                kind = Visibility.HIDDEN_COLUMN
            elif self._covered(num, start_col0 + j):
                kind = Visibility.COVERED
                self.covered_refs.append(f"{col_letter(start_col0 + j)}{num}")
            elif j >= self.beyond_col:
                kind = Visibility.BEYOND_USED_RANGE
            else:
                continue
            moved.setdefault(kind, [""] * width)[j] = v
            if base is None or kind is not Visibility.HIDDEN_COLUMN:
                keep[j] = ""  # a cell in a hidden row *and* column is reported by both
        for kind, cells in moved.items():
            self._side(kind, num, cells)
        if base is not None:
            if keep.count("") != len(keep):
                self._side(base, num, keep)
            return None
        return keep if keep.count("") != len(keep) else None

    def _covered(self, num: int, col0: int) -> bool:
        return any(r1 <= num <= r2 and c1 <= col0 <= c2 for r1, c1, r2, c2 in self.layout.covers)

    def _side(self, kind: Visibility, num: int, row: list[object]) -> None:
        side = self.sides.setdefault(kind, _Side())
        if side.numbers and side.numbers[-1] == num:  # same row, another routing of its cells
            prev = side.rows[-1]
            for j, v in enumerate(row):
                if v != "":
                    prev[j] = v
            return
        side.rows.append(list(row))
        side.numbers.append(num)

    def _side_tables(self, headers, width, hidden_cols, start_col0) -> Iterator[Table]:
        for kind, side in self.sides.items():
            if kind is Visibility.HIDDEN_COLUMN:
                rng = col_ranges(sorted(start_col0 + j for j in hidden_cols))
            elif kind in (Visibility.CAMOUFLAGED, Visibility.COVERED):
                refs = self.camo_refs if kind is Visibility.CAMOUFLAGED else self.covered_refs
                rng = ", ".join(refs[:6]) + (" …" if len(refs) > 6 else "")
            else:
                rng = row_ranges(side.numbers)
            frames = [frame(side.rows[i:i + self.batch_rows], width)
                      for i in range(0, len(side.rows), self.batch_rows)]
            yield Table(self.loc.with_(range=rng), kind, headers, iter(frames), row_numbers=side.numbers,
                        first_col=start_col0)
