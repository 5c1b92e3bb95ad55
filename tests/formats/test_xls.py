"""Legacy Excel (.xls) through xlrd: each hidden place is found with its visibility and the
clean twin passes; legacy Word fails closed with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from spillguard.formats import convert
from spillguard.synth.people import Person
from spillguard.synth.xls import OldBook, word_ole
from tests.helpers import scan_one, summary, write

SUMMARY = [["Country", "Detained"], ["Guatemala", 212], ["Honduras", 187]]


def roster_rows(roster: list[Person], n: int) -> list[list[object]]:
    return [["Name", "A-Number", "Date of Birth"], *[[p.name, p.a_number_as(0), p.birth] for p in roster[:n]]]


PLACES = [
    # place, rows, expected summary
    ("hidden sheet", {"visibility": 1},
     [("SG201", "hidden_sheet", ("A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME"), 20)]),
    ("very hidden sheet", {"visibility": 2},
     [("SG201", "very_hidden_sheet", ("A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME"), 20)]),
    ("hidden rows", {"hidden_rows": [3, 4, 5]},
     [("SG201", "hidden_row", ("A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME"), 3),
      ("SG202", "visible", ("A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME"), 17)]),
    ("hidden column", {"hidden_cols": [1]},
     [("SG202", "visible", ("DATE_OF_BIRTH", "PERSON_NAME"), 20),  # two José Tzul, two birth dates
      ("SG204", "hidden_column", ("A_NUMBER",), 20)]),
    ("white cells", {"white_cells": [(i, 1) for i in range(1, 21)]},
     [("SG202", "visible", ("DATE_OF_BIRTH", "PERSON_NAME"), 20),  # two José Tzul, two birth dates
      ("SG204", "camouflaged", ("A_NUMBER",), 20)]),
    ("';;;' cells", {"blank_format_cells": [(i, 1) for i in range(1, 21)]},
     [("SG202", "visible", ("DATE_OF_BIRTH", "PERSON_NAME"), 20),  # two José Tzul, two birth dates
      ("SG204", "camouflaged", ("A_NUMBER",), 20)]),
]


@pytest.mark.parametrize(("place", "how", "expected"), PLACES)
def test_each_hidden_place(tmp_path: Path, roster: list[Person], place: str, how: dict[str, object],
                           expected: list[tuple[str, str, tuple[str, ...], int]]) -> None:
    book = OldBook().sheet("Summary", SUMMARY).sheet("Extract", roster_rows(roster, 20), **how)  # type: ignore[arg-type]
    report = scan_one(write(tmp_path, "stats.xls", book.to_bytes()))
    assert summary(report) == expected
    assert all(f.location.sheet == "Extract" for f in report.findings)
    assert report.errors == []


@pytest.mark.parametrize(("place", "how", "expected"), PLACES)
def test_clean_twin_passes(tmp_path: Path, place: str, how: dict[str, object],
                           expected: list[tuple[str, str, tuple[str, ...], int]]) -> None:
    # the same places holding only statistics: reported low (content in a hidden place), never blocking
    rows: list[list[object]] = [["Month", "Book-ins", "Releases"], *[[f"2026-{m:02d}", 100 + m, 90 + m]
                                                                    for m in range(1, 13)]]
    how = {k: [x for x in v if (x[0] if isinstance(x, tuple) else x) <= 12] if isinstance(v, list) else v
           for k, v in how.items()}
    book = OldBook().sheet("Summary", SUMMARY).sheet("Extract", rows, **how)  # type: ignore[arg-type]
    report = scan_one(write(tmp_path, "stats.xls", book.to_bytes()))
    assert report.decision == "pass" and report.errors == []
    assert not [f for f in report.findings if f.rule.startswith("SG2")]
    assert len([f for f in report.findings if f.rule.startswith("SG1")]) == 1


def test_dates_are_dates(tmp_path: Path, roster: list[Person]) -> None:
    report = scan_one(write(tmp_path, "dob.xls", OldBook().sheet("DOB", [
        ["Detainee", "Born"], *[[p.name, p.birth] for p in roster[:15]]]).to_bytes()))
    # José Tzul twice, born on different days: two people
    assert summary(report) == [("SG202", "visible", ("DATE_OF_BIRTH", "PERSON_NAME"), 15)]


def test_truncated_workbook_and_unloadable_word_document_fail_closed(tmp_path: Path) -> None:
    write(tmp_path, "cut.xls", OldBook().sheet("S", SUMMARY).to_bytes()[:1500])
    write(tmp_path, "memo.doc", word_ole())  # read through LibreOffice, which cannot load it; without it SG905
    report = scan_one(tmp_path)
    expected = "SG901" if convert.available("docx") else "SG905"
    assert sorted((Path(e.file).name, e.rule) for e in report.errors) == [("cut.xls", "SG901"), ("memo.doc", expected)]
    word = next(e for e in report.errors if Path(e.file).name == "memo.doc")
    assert "legacy Word document (.doc)" in word.reason
    assert report.decision == "block"


def test_text_boxes_drawn_on_sheets_are_read(tmp_path: Path, roster: list[Person]) -> None:
    """Shapes with text (TXO records xlrd does not read beyond cell notes), written by LibreOffice
    from a generated workbook: in plain view on a visible sheet, hidden with a hidden sheet; the
    note's text is reported once, as a comment."""
    import xlsxwriter

    from tests.helpers import libreoffice_save_as

    a, b, c = roster[:3]
    wb = xlsxwriter.Workbook(tmp_path / "stats.xlsx")
    ws = wb.add_worksheet("Stats")
    ws.write_row(0, 0, ["Month", "Book-ins"])
    ws.write_row(1, 0, ["2024-01", 120])
    ws.insert_textbox("D2", f"Reviewed: {a.name} A# {a.a_number}")
    ws.write_comment("A1", f"note on {b.name}")
    hidden = wb.add_worksheet("Old")
    hidden.write(0, 0, "archive")
    hidden.insert_textbox("B2", f"Moved: {c.name} A# {c.a_number}")
    hidden.hide()
    wb.close()
    report = scan_one(libreoffice_save_as(tmp_path / "stats.xlsx", "xls", tmp_path / "lo"))
    assert report.errors == []
    assert sorted((f.visibility.value, f.location.sheet, f.location.range, tuple(sorted(e.value for e in f.entities)))
                  for f in report.findings if f.entities) == [
        ("comment", "Stats", "A1", ("PERSON_NAME",)),
        ("hidden_sheet", "Old", "drawing", ("A_NUMBER", "PERSON_NAME")),
        ("visible", "Stats", "drawing", ("A_NUMBER", "PERSON_NAME")),
    ]
