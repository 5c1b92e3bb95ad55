"""spillguard clean on OpenDocument spreadsheets, legacy .xls and binary .xlsb: rebuilt from the visible cells,
every hidden place gone, the visible values the same at the same cells."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from odf.opendocument import load

from spillguard.clean import Options, clean_path
from spillguard.config import Config
from spillguard.scan import scan
from spillguard.synth.odf import Sheets
from spillguard.synth.people import Person
from spillguard.synth.xls import OldBook
from spillguard.synth.xlsb import BinaryBook
from tests.helpers import libreoffice_csv

STATS = [["Country", "Detained"], ["Guatemala", 212], ["Honduras", 187], ["Mexico", 140]]


def roster_rows(roster: list[Person], n: int) -> list[list[object]]:
    return [["Name", "A-Number", "Country of Citizenship"],
            *[[p.name, p.a_number_as(0), p.country] for p in roster[:n]]]


ODS_PLACES = {
    "hidden table": lambda b, r: b.table("Stats", STATS).table("Extract", roster_rows(r, 20), hidden=True),
    "hidden rows": lambda b, r: b.table("Stats", STATS + [[p.name, p.a_number_as(0)] for p in r[:5]],
                                        hidden_rows=[4, 5, 6, 7, 8]),
    "hidden column": lambda b, r: b.table("Stats", [[*row, x] for row, x in zip(
        STATS, ["Analyst", r[0].name, r[1].name, r[2].name], strict=True)], hidden_cols=[2]),
    "camouflaged": lambda b, r: b.table("Stats", [[*row, x] for row, x in zip(
        STATS, ["", r[0].a_number_as(0), r[1].a_number_as(0), r[2].a_number_as(0)], strict=True)],
        white_cells=[(1, 2), (2, 2), (3, 2)]),
    "annotation": lambda b, r: b.table("Stats", STATS, notes=[(1, 1, "Ana Ruiz", f"{r[0].name}, A# {r[0].a_number}")]),
}


def ods_values(path: Path) -> list[list[str]]:
    doc = load(str(path))
    from odf import table as t
    from odf import teletype

    first = doc.spreadsheet.getElementsByType(t.Table)[0]
    return [[teletype.extractText(c) for c in row.getElementsByType(t.TableCell)][:2]
            for row in first.getElementsByType(t.TableRow)][:4]


@pytest.mark.parametrize("place", list(ODS_PLACES))
def test_ods_places(tmp_path: Path, roster: list[Person], place: str) -> None:
    book = Sheets()
    ODS_PLACES[place](book, roster)
    source = tmp_path / "stats.ods"
    source.write_bytes(book.to_bytes())
    assert scan([source]).findings
    [result] = clean_path(source, tmp_path / "clean.ods", Options(), Config())
    assert result.ok and result.rescan.findings == [], [f.title for f in result.rescan.findings]
    assert ods_values(tmp_path / "clean.ods") == [[str(v) for v in row] for row in STATS]


XLS_PLACES = {
    "hidden sheet": {"visibility": 1}, "very hidden sheet": {"visibility": 2},
    "hidden rows": {"hidden_rows": [1, 2, 3]}, "hidden column": {"hidden_cols": [1]},
    "white cells": {"white_cells": [(i, 1) for i in range(1, 21)]},
}


@pytest.mark.parametrize("place", list(XLS_PLACES))
def test_xls_places(tmp_path: Path, roster: list[Person], place: str) -> None:
    book = OldBook().sheet("Stats", STATS)
    book.sheet("Extract", roster_rows(roster, 20), **XLS_PLACES[place])  # type: ignore[arg-type]
    source = tmp_path / "stats.xls"
    source.write_bytes(book.to_bytes())
    [result] = clean_path(source, tmp_path / "clean.xls", Options(mode="keep-visible"), Config())
    out = tmp_path / "clean.xlsx"
    assert result.outputs == [out.as_posix()]
    visible = [f for f in result.rescan.findings if f.visibility.value != "visible"]
    assert visible == []  # nothing hidden is left (a visible roster stays in keep-visible mode)
    ws = openpyxl.load_workbook(out)["Stats"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == STATS


XLSB_PLACES = {
    "hidden sheet": {"state": 1}, "very hidden sheet": {"state": 2},
    "hidden rows": {"hidden_rows": {1, 2, 3}}, "hidden column": {"hidden_cols": {1}},
}


@pytest.mark.parametrize("place", list(XLSB_PLACES))
def test_xlsb_places(tmp_path: Path, roster: list[Person], place: str) -> None:
    book = BinaryBook(creator=roster[50].name)
    book.sheet("Stats", STATS)
    book.sheet("Extract", roster_rows(roster, 20), comments=[(1, 1, roster[51].name, roster[52].name)],
               **XLSB_PLACES[place])  # type: ignore[arg-type]
    source = tmp_path / "stats.xlsb"
    source.write_bytes(book.to_bytes())
    [result] = clean_path(source, tmp_path / "clean.xlsb", Options(mode="keep-visible"), Config())
    out = tmp_path / "clean.xlsx"
    assert result.outputs == [out.as_posix()]
    assert [f for f in result.rescan.findings if f.visibility.value != "visible"] == []
    assert result.removed["comment parts"] == 1 and result.removed["document properties parts"] == 1
    ws = openpyxl.load_workbook(out)["Stats"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == STATS


def test_a_cleaned_ods_opens_in_libreoffice(tmp_path: Path, roster: list[Person]) -> None:
    book = Sheets()
    ODS_PLACES["hidden table"](book, roster)
    source = tmp_path / "stats.ods"
    source.write_bytes(book.to_bytes())
    clean_path(source, tmp_path / "clean" / "stats.ods", Options(), Config())
    csv = libreoffice_csv(tmp_path / "clean" / "stats.ods", tmp_path / "lo")
    assert csv == "Country,Detained\nGuatemala,212\nHonduras,187\nMexico,140\n"
