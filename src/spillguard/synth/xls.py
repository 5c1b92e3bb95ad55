"""Legacy Excel 97-2003 workbooks built with xlwt: hidden and very hidden sheets, hidden rows
and columns, white and ';;;' cells, dates. And an OLE file whose main stream is a Word
document's, for the legacy-Word path."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

import xlwt

_DATE = xlwt.easyxf(num_format_str="yyyy-mm-dd")
_WHITE = xlwt.easyxf("font: colour white")
_NONE = xlwt.easyxf(num_format_str=";;;")


class OldBook:
    def __init__(self) -> None:
        self.wb = xlwt.Workbook()

    def sheet(self, name: str, rows: Sequence[Sequence[object]], *, visibility: int = 0,
              hidden_rows: Sequence[int] = (), hidden_cols: Sequence[int] = (),
              white_cells: Sequence[tuple[int, int]] = (), blank_format_cells: Sequence[tuple[int, int]] = ()
              ) -> OldBook:
        """``visibility``: 0 visible, 1 hidden, 2 very hidden; rows and columns 0-based."""
        ws = self.wb.add_sheet(name)
        ws.visibility = visibility
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is None or value == "":
                    continue
                style = (_WHITE if (i, j) in white_cells else _NONE if (i, j) in blank_format_cells
                         else _DATE if isinstance(value, dt.date) else None)
                if style is None:
                    ws.write(i, j, value)
                else:
                    ws.write(i, j, value, style)
        for i in hidden_rows:
            ws.row(i).hidden = True
        for j in hidden_cols:
            ws.col(j).hidden = True
        return self

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()


def word_ole() -> bytes:
    """An OLE compound file whose one stream is named ``WordDocument`` (the .doc main stream).
    Built by renaming the workbook stream of an xlwt file in the OLE directory."""
    data = bytearray(OldBook().sheet("S", [["x"]]).to_bytes())
    old = "Workbook".encode("utf-16-le") + b"\x00\x00"
    at = data.find(old)
    new = "WordDocument".encode("utf-16-le") + b"\x00\x00"
    data[at:at + 64] = new.ljust(64, b"\x00")
    data[at + 64:at + 66] = len(new).to_bytes(2, "little")
    return bytes(data)
