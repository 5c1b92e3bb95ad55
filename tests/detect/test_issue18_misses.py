"""Issue 18, item 4: detection misses found on the project's own kinds of data, each built in
code and asserted exactly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from spillguard.synth.people import Person
from spillguard.synth.xlsx import Book
from tests.helpers import scan_one, summary, write


def _serial(d: date) -> int:
    return (d - date(1899, 12, 30)).days


def test_a_number_column_under_its_header_with_a_summary_block_above(tmp_path: Path,
                                                                      roster: list[Person]) -> None:
    book = Book()
    rows = [["Detention report, week 12"], ["Facility", "Detainees"], ["Adelanto", 20], ["Otay Mesa", 20], [],
            ["A-Number", "Facility", "Country of citizenship"]]
    rows += [[int(p.a_number), p.facility, p.country] for p in roster[:40]]
    book.sheet("Data", rows)
    report = scan_one(write(tmp_path, "report.xlsx", book.to_bytes()))
    assert summary(report) == [("SG202", "visible", ("A_NUMBER", "FACILITY", "NATIONALITY"), 40)]
    [f] = report.findings
    assert f.location.range.startswith("A7:")


def test_a_summary_block_without_data_below_keeps_the_first_header(tmp_path: Path) -> None:
    """Rows of text under a wider text row are data, not a second header."""
    book = Book()
    rows = [["Facility", "Region"], ["Adelanto", "West", "Open"], ["Otay Mesa", "West", "Open"],
            ["Stewart", "South", "Open"]]
    book.sheet("Facilities", rows)
    report = scan_one(write(tmp_path, "facilities.xlsx", book.to_bytes()))
    assert summary(report) == []


def test_birth_dates_as_excel_serials_in_an_external_link_cache(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("Stats", [["Facility", "Detainees"], ["Adelanto", 120]])
    book.extras.external.append(("file:///C:/Users/jdoe/Detainees.xlsx", "Roster",
                                 [["Facility", "Date of Birth", "Country"]]
                                 + [[p.facility, _serial(p.birth), p.country] for p in roster[:12]]))
    report = scan_one(write(tmp_path, "stats.xlsx", book.to_bytes()))
    assert ("SG206", "external_link_cache", ("DATE_OF_BIRTH", "FACILITY", "NATIONALITY"), None) in summary(report)


def test_serial_numbers_without_a_birth_header_are_not_birth_dates(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("Stats", [["Facility", "Case count"]] + [[p.facility, _serial(p.birth)] for p in roster[:30]])
    report = scan_one(write(tmp_path, "stats.xlsx", book.to_bytes()))
    assert [f for f in report.findings if "DATE_OF_BIRTH" in {e.value for e in f.entities}] == []
