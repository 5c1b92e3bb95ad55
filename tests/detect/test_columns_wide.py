"""A sheet thousands of columns wide and nearly empty (a fuzzed xlsb declared 45,057 columns) is
read for its filled columns: every per-column pass first asks which columns hold a cell at all."""

from __future__ import annotations

from pathlib import Path

from spillguard.synth.people import Person
from spillguard.synth.xlsx import Book
from tests.helpers import scan_one, summary, write


def test_a_wide_mostly_empty_sheet_is_read_by_its_filled_columns(tmp_path: Path, roster: list[Person]) -> None:
    width = 16_384  # Excel's widest sheet
    rows = [["Name", *[None] * (width - 2), "A-Number"]]
    rows += [[p.name, *[None] * (width - 2), p.a_number] for p in roster[:30]]
    book = Book()
    book.sheet("Wide", rows)
    report = scan_one(write(tmp_path, "wide.xlsx", book.to_bytes()))
    assert report.errors == []
    assert summary(report) == [("SG202", "visible", ("A_NUMBER", "PERSON_NAME"), 30)]  # as when 2 wide
