"""A workbook whose cells span a huge grid (one cell at A1, one at XFD1048576: a 5 KB file)
would make calamine, which holds a sheet as a dense grid, ask for 512 GiB and abort the whole
run. The extent is read first from the sheet's own records and a sheet past ``sheet_cells`` is
SG903 naming the setting; the rest of the batch is scanned."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from spillguard.config import Limits
from spillguard.synth.people import Person
from spillguard.synth.xlsb import BinaryBook
from tests.helpers import scan_one, write


def far_xlsx(path: Path, row: int, col: int) -> Path:
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("S")
    ws.write(0, 0, "Month")
    ws.write(row, col, "x")
    wb.close()
    return path


def test_a_far_away_cell_is_sg903_and_the_batch_goes_on(tmp_path: Path, roster: list[Person]) -> None:
    far_xlsx(tmp_path / "bomb.xlsx", 1_048_575, 16_383)
    write(tmp_path, "roster.csv", ("Name,A-Number\n" + "\n".join(f"{p.name},{p.a_number}" for p in roster[:5]))
          .encode())
    report = scan_one(tmp_path)
    [error] = report.errors
    assert (Path(error.file).name, error.rule, error.part) == ("bomb.xlsx", "SG903", "xl/worksheets/sheet1.xml")
    assert "1,048,576 rows × 16,384 columns" in error.reason and "sheet_cells" in error.reason
    assert [Path(f.location.file).name for f in report.findings if f.rule == "SG202"] == ["roster.csv"]


def test_a_wide_but_short_sheet_is_read(tmp_path: Path) -> None:
    report = scan_one(far_xlsx(tmp_path / "wide.xlsx", 3, 16_383))
    assert report.errors == []


def test_the_limit_is_a_setting(tmp_path: Path) -> None:
    path = far_xlsx(tmp_path / "wide.xlsx", 3, 16_383)
    report = scan_one(path, limits=Limits(sheet_cells=1_000))
    assert [e.rule for e in report.errors] == ["SG903"]


def test_an_xlsb_cell_far_away_is_sg903(tmp_path: Path, roster: list[Person]) -> None:
    book = BinaryBook()
    book.sheet("S", [["Name"], [roster[0].name]], far=(1_048_575, 16_383))
    report = scan_one(write(tmp_path, "bomb.xlsb", book.to_bytes()))
    assert [(e.rule, e.part) for e in report.errors] == [("SG903", "xl/worksheets/sheet1.bin")]
