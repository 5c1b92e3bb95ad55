"""spillguard clean on workbooks: for every hidden place the scanner finds, the cleaned copy
re-scans with no finding of that kind, the visible aggregate values are the same values at the
same cells, and the copy opens in openpyxl (and LibreOffice, when installed)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from spillguard.clean import Options, clean_path
from spillguard.config import Config
from spillguard.scan import scan
from spillguard.synth.people import Person
from spillguard.synth.xlsx import Book, PivotCache
from tests.helpers import libreoffice_csv

AGG = [["Facility", "Detainees"], ["Adelanto", 120], ["Otay Mesa", 85], ["Stewart", 64]]


def records(people: list[Person]) -> list[list[object]]:
    return [["Name", "A-Number", "Date of Birth"]] + [[p.name, p.a_number_as(0), p.birth] for p in people]


def hidden_sheet(book: Book, roster: list[Person]) -> None:
    book.sheet("Extract", records(roster[:30]), state="hidden")


def very_hidden_sheet(book: Book, roster: list[Person]) -> None:
    book.sheet("Extract", records(roster[:30]), state="veryHidden")


def hidden_rows(book: Book, roster: list[Person]) -> None:
    ws = book.wb.get_worksheet_by_name("Stats")
    for i, p in enumerate(roster[:20]):
        book.write(ws, 10 + i, 0, p.name)
        book.write(ws, 10 + i, 1, p.a_number_as(1))
        ws.set_row(10 + i, None, None, {"hidden": True})


def grouped_rows(book: Book, roster: list[Person]) -> None:
    ws = book.wb.get_worksheet_by_name("Stats")
    for i, p in enumerate(roster[:20]):
        book.write(ws, 5 + i, 0, p.name)
        book.write(ws, 5 + i, 1, p.a_number_as(1))
        ws.set_row(5 + i, None, None, {"level": 1, "hidden": True})


def hidden_column(book: Book, roster: list[Person]) -> None:
    ws = book.wb.get_worksheet_by_name("Stats")
    ws.write(0, 2, "Detainee name")
    for i, p in enumerate(roster[:3]):
        ws.write(i + 1, 2, p.name)
    ws.set_column(2, 2, None, None, {"hidden": True})


def far_cells(book: Book, roster: list[Person]) -> None:
    ws = book.wb.get_worksheet_by_name("Stats")
    for i, p in enumerate(roster[:40]):
        ws.write(500 + i, 40, p.name)
        ws.write(500 + i, 41, p.a_number_as(0))


def camouflaged(book: Book, roster: list[Person]) -> None:
    ws = book.wb.get_worksheet_by_name("Stats")
    for i, p in enumerate(roster[:4]):
        book.write(ws, 1 + i, 4, p.name, book.white)
        book.write(ws, 1 + i, 5, p.a_number_as(2), book.tiny)


def comments(book: Book, roster: list[Person]) -> None:
    ws = book.wb.get_worksheet_by_name("Stats")
    ws.write_comment("B2", f"Includes {roster[0].name}, A-{roster[0].a_number}", {"author": "Analyst"})
    book.extras.threaded.append((0, "B3", "Records Officer", f"Ask about {roster[1].name} DOB 1990-04-02"))


def pivot_cache(book: Book, roster: list[Person]) -> None:
    book.extras.pivots.append(PivotCache(
        ["Name", "A-Number", "Birth Date", "Country", "Facility"],
        [[p.listed_name, p.a_number, p.birth, p.country, p.facility] for p in roster], "Extract",
        indexed=("Country", "Facility")))


def chart_cache(book: Book, roster: list[Person]) -> None:
    book.sheet("src", [["Name", "Count"]] + [[p.name, i] for i, p in enumerate(roster[:15])], state="hidden")
    chart = book.wb.add_chart({"type": "bar"})
    chart.add_series({"categories": "=src!$A$2:$A$16", "values": "=src!$B$2:$B$16"})
    book.wb.get_worksheet_by_name("Stats").insert_chart("E2", chart)


def external_link(book: Book, roster: list[Person]) -> None:
    book.extras.external.append(("file:///C:/Users/jdoe/Detainees.xlsx", "Roster", [["Name", "A-Number", "Country"]]
                                 + [[p.name, p.a_number, p.country] for p in roster[:10]]))


def defined_name(book: Book, roster: list[Person]) -> None:
    book.wb.define_name("Staff", f'={{"{roster[0].name}","{roster[1].name}"}}')


def validation_list(book: Book, roster: list[Person]) -> None:
    ws = book.wb.get_worksheet_by_name("Stats")
    ws.data_validation("D2", {"validate": "list", "source": [p.name for p in roster[:3]]})


def embedded(book: Book, roster: list[Person]) -> None:
    inner = Book()
    inner.sheet("Roster", records(roster[:25]))
    book.extras.embedded.append(("Microsoft_Excel_Worksheet1.xlsx", inner.to_bytes()))


def macros(book: Book, roster: list[Person]) -> None:
    book.extras.vba = b"\xd0\xcf\x11\xe0" + b"\x00" * 60


def properties(book: Book, roster: list[Person]) -> None:
    book.properties(author=roster[0].name, manager=roster[1].name, comments=f"for A-{roster[2].a_number}")


PLACES: dict[str, Callable[[Book, list[Person]], None]] = {
    "hidden sheet": hidden_sheet, "very hidden sheet": very_hidden_sheet, "hidden rows": hidden_rows,
    "grouped rows": grouped_rows, "hidden column": hidden_column, "far cells": far_cells,
    "camouflaged cells": camouflaged, "comments": comments, "pivot cache": pivot_cache, "chart cache": chart_cache,
    "external link": external_link, "defined name": defined_name, "validation list": validation_list,
    "embedded workbook": embedded, "macros": macros, "properties": properties,
}


def visible_values(path: Path, sheet: str = "Stats") -> dict[str, object]:
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[sheet]
    return {c.coordinate: c.value for row in ws.iter_rows(min_row=1, max_row=4, max_col=2) for c in row}


@pytest.mark.parametrize("place", list(PLACES))
@pytest.mark.parametrize("mode", ["keep-visible", "strict"])
def test_each_hidden_place_is_gone(tmp_path: Path, roster: list[Person], place: str, mode: str) -> None:
    book = Book()
    book.sheet("Stats", AGG)
    PLACES[place](book, roster)
    source = tmp_path / "in" / "stats.xlsx"
    source.parent.mkdir()
    source.write_bytes(book.to_bytes())
    before = source.read_bytes()
    assert scan([source]).findings  # the leak is there
    [result] = clean_path(source, tmp_path / "out" / "stats.xlsx", Options(mode=mode), Config())
    out = tmp_path / "out" / "stats.xlsx"
    assert result.ok and result.rescan is not None and result.rescan.findings == []
    assert result.removed  # it says what went
    assert visible_values(out) == visible_values(source)  # same values at the same cells
    assert source.read_bytes() == before  # the input is never modified


def test_strict_blanks_identifiers_of_a_visible_roster_and_keeps_categories(tmp_path: Path,
                                                                          roster: list[Person]) -> None:
    book = Book()
    book.sheet("Stats", AGG)
    book.sheet("Transfers", [["Name", "A-Number", "Country of Citizenship", "Facility"],
                             *[[p.name, p.a_number_as(0), p.country, p.facility] for p in roster[:30]]])
    source = tmp_path / "stats.xlsx"
    source.write_bytes(book.to_bytes())
    [strict] = clean_path(source, tmp_path / "strict.xlsx", Options(), Config())
    assert strict.ok
    assert strict.removed == {"personal data cells (PERSON_NAME)": 30, "personal data cells (A_NUMBER)": 30,
                              "document properties parts": 2}
    ws = openpyxl.load_workbook(tmp_path / "strict.xlsx")["Transfers"]
    assert [c.value for c in ws[1]] == ["Name", "A-Number", "Country of Citizenship", "Facility"]
    assert ws["C2"].value == roster[0].country and ws["A2"].value is None
    [kept] = clean_path(source, tmp_path / "kept.xlsx", Options(mode="keep-visible"), Config())
    assert not kept.ok  # the visible roster is still there: the re-scan blocks, and clean says so
    assert [f.rule for f in kept.rescan.findings] == ["SG202"]


def test_small_cells_are_suppressed_primary_and_secondary(tmp_path: Path) -> None:
    rows = [["Country", "Male", "Female", "Total"],
            ["Guatemala", 120, 4, 124], ["Honduras", 80, 95, 175], ["Mexico", 60, 70, 130],
            ["Total", 260, 169, 429]]
    book = Book()
    book.sheet("By sex", rows)
    source = tmp_path / "sex.xlsx"
    source.write_bytes(book.to_bytes())
    [result] = clean_path(source, tmp_path / "out.xlsx", Options(marker="x"), Config())
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["By sex"]
    grid = [[c.value for c in row] for row in ws.iter_rows()]
    # C2 is small (primary); B2 hides it in its row, C4 in its column, B4 in both (secondary)
    assert [r[1:3] for r in grid[1:4]] == [["x", "x"], [80, 95], ["x", "x"]]
    assert grid[1][3] == 124 and grid[4] == ["Total", 260, 169, 429]
    assert result.removed["small cells suppressed"] == 4
    assert result.ok and not [f for f in result.rescan.findings if f.rule in ("SG303", "SG304")]


def test_to_csv_and_unhide(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("Stats", AGG)
    book.sheet("Extract", records(roster[:5]), state="hidden")
    source = tmp_path / "stats.xlsx"
    source.write_bytes(book.to_bytes())
    [csv] = clean_path(source, tmp_path / "csv", Options(to_csv=True), Config())
    assert [Path(p).name for p in csv.outputs] == ["stats-Stats.csv"]
    assert (tmp_path / "csv" / "stats-Stats.csv").read_text() == \
        "Facility,Detainees\nAdelanto,120\nOtay Mesa,85\nStewart,64\n"
    [review] = clean_path(source, tmp_path / "review.xlsx", Options(mode="keep-visible", unhide=True), Config())
    assert openpyxl.load_workbook(tmp_path / "review.xlsx").sheetnames == ["Stats", "Extract"]
    assert not review.ok  # unhidden for review, not for publication


def test_the_output_opens_in_libreoffice(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("Stats", AGG)
    pivot_cache(book, roster)
    source = tmp_path / "stats.xlsx"
    source.write_bytes(book.to_bytes())
    clean_path(source, tmp_path / "clean" / "stats.xlsx", Options(), Config())
    csv = libreoffice_csv(tmp_path / "clean" / "stats.xlsx", tmp_path / "lo")
    assert csv == "Facility,Detainees\nAdelanto,120\nOtay Mesa,85\nStewart,64\n"
