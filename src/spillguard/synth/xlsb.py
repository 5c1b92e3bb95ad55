"""Excel binary workbooks (.xlsb) written record by record (MS-XLSB), for tests: no Python
library writes xlsb. Sheets with states, hidden rows and columns, inline-string and number
cells, comments, and document properties."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

_CT = "application/vnd.ms-excel."
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _varint(value: int, most: int) -> bytes:
    out = bytearray()
    for _ in range(most):
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            break
    return bytes(out)


def record(kind: int, body: bytes = b"") -> bytes:
    return _varint(kind, 2) + _varint(len(body), 4) + body


def wide(text: str) -> bytes:
    return struct.pack("<I", len(text.encode("utf-16-le")) // 2) + text.encode("utf-16-le")


@dataclass
class Sheet:
    name: str
    rows: Sequence[Sequence[object]]
    state: int = 0  # 0 visible, 1 hidden, 2 very hidden
    hidden_rows: set[int] = field(default_factory=set)  # 0-based
    hidden_cols: set[int] = field(default_factory=set)
    comments: list[tuple[int, int, str, str]] = field(default_factory=list)  # row, col, author, text
    #: one more string cell far from the rest (row, col, 0-based): a sheet's grid as big as it reaches
    far: tuple[int, int] | None = None

    def to_bytes(self) -> bytes:
        width = max((len(r) for r in self.rows), default=1)
        out = [record(129), record(148, struct.pack("<IIII", 0, max(len(self.rows) - 1, 0), 0, width - 1))]
        if self.hidden_cols:
            out.append(record(390))
            for c in sorted(self.hidden_cols):
                out.append(record(60, struct.pack("<IIIIH", c, c, 2304, 0, 0x0001)))
            out.append(record(391))
        out.append(record(145))
        for r, row in enumerate(self.rows):
            flags = 0x10 if r in self.hidden_rows else 0
            out.append(record(0, struct.pack("<IIHBBB", r, 0, 300, 0, flags, 0) + struct.pack("<I", 0)))
            for c, value in enumerate(row):
                cell = struct.pack("<II", c, 0)
                if isinstance(value, bool) or value is None or value == "":
                    continue
                if isinstance(value, int | float):
                    out.append(record(5, cell + struct.pack("<d", float(value))))
                else:
                    out.append(record(6, cell + wide(str(value))))
        if self.far is not None:
            out.append(record(0, struct.pack("<IIHBBB", self.far[0], 0, 300, 0, 0, 0) + struct.pack("<I", 0)))
            out.append(record(6, struct.pack("<II", self.far[1], 0) + wide("x")))
        out += [record(146), record(130)]
        return b"".join(out)

    def comments_bytes(self) -> bytes:
        authors = sorted({a for _, _, a, _ in self.comments})
        out = [record(628), record(630), *(record(632, wide(a)) for a in authors), record(631), record(633)]
        for row, col, author, text in self.comments:
            out.append(record(635, struct.pack("<IIIII", authors.index(author), row, row, col, col) + bytes(16)))
            out.append(record(637, b"\x00" + wide(text)))
            out.append(record(636))
        out += [record(634), record(629)]
        return b"".join(out)


@dataclass
class BinaryBook:
    sheets: list[Sheet] = field(default_factory=list)
    creator: str | None = None

    def sheet(self, name: str, rows: Sequence[Sequence[object]], **kw: object) -> Sheet:
        self.sheets.append(Sheet(name, rows, **kw))  # type: ignore[arg-type]
        return self.sheets[-1]

    def to_bytes(self) -> bytes:
        parts: dict[str, bytes] = {}
        types = [f'<Override PartName="/xl/workbook.bin" ContentType="{_CT}sheet.binary.macroEnabled.main"/>']
        book = [record(131), record(143)]
        wb_rels = []
        for i, s in enumerate(self.sheets, start=1):
            book.append(record(156, struct.pack("<II", s.state, i) + wide(f"rId{i}") + wide(s.name)))
            parts[f"xl/worksheets/sheet{i}.bin"] = s.to_bytes()
            types.append(f'<Override PartName="/xl/worksheets/sheet{i}.bin" ContentType="{_CT}worksheet"/>')
            wb_rels.append(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.bin"/>')
            if s.comments:
                parts[f"xl/comments{i}.bin"] = s.comments_bytes()
                types.append(f'<Override PartName="/xl/comments{i}.bin" ContentType="{_CT}comments"/>')
                parts[f"xl/worksheets/_rels/sheet{i}.bin.rels"] = _rels(
                    f'<Relationship Id="rId1" Type="{_REL}/comments" Target="../comments{i}.bin"/>')
        book += [record(144), record(132)]
        parts["xl/workbook.bin"] = b"".join(book)
        parts["xl/_rels/workbook.bin.rels"] = _rels("".join(wb_rels))
        root_rels = f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.bin"/>'
        if self.creator:
            parts["docProps/core.xml"] = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties '
                'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{self.creator}</dc:creator>'
                '</cp:coreProperties>').encode()
            root_rels += ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
                          'relationships/metadata/core-properties" Target="docProps/core.xml"/>')
            types.append('<Override PartName="/docProps/core.xml" '
                         'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>')
        parts["_rels/.rels"] = _rels(root_rels)
        parts["[Content_Types].xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types '
            'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'{"".join(types)}</Types>').encode()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            first = ["[Content_Types].xml", "_rels/.rels"]
            for name in [*first, *sorted(set(parts) - set(first))]:
                z.writestr(name, parts[name])
        return out.getvalue()


def _rels(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}'
            '</Relationships>').encode()
