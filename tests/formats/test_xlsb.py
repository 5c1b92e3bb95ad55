"""Excel binary workbooks (.xlsb): values through calamine, sheet states, hidden rows and
columns and comments from the BIFF12 records, properties and pictures as in xlsx; binary parts
that are not read yet fail closed. Fixtures are written record by record (synth/xlsb.py), and
the real xlsb files of ../shared/realworld are read where they are present."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from spillguard.synth.people import Person
from spillguard.synth.xlsb import BinaryBook
from tests.helpers import scan_one, summary, write

AGG = [["Facility", "Detainees"], ["Adelanto", 120], ["Otay Mesa", 85], ["Stewart", 64]]
CORE = ("A_NUMBER", "PERSON_NAME")
REAL = Path(__file__).resolve().parents[3] / "shared" / "realworld" / "files" / "calamine" / "tests"


def records(people: list[Person]) -> list[list[object]]:
    return [["Name", "A-Number"]] + [[p.name, p.a_number] for p in people]


def run(tmp_path: Path, book: BinaryBook):
    return scan_one(write(tmp_path, "book.xlsb", book.to_bytes()))


def test_an_aggregate_workbook_passes(tmp_path: Path) -> None:
    book = BinaryBook()
    book.sheet("By facility", AGG)
    report = run(tmp_path, book)
    assert (summary(report), report.decision, report.errors) == ([], "pass", [])


@pytest.mark.parametrize(("state", "visibility"), [(1, "hidden_sheet"), (2, "very_hidden_sheet")])
def test_a_roster_on_a_hidden_sheet(tmp_path: Path, roster: list[Person], state: int, visibility: str) -> None:
    book = BinaryBook()
    book.sheet("By facility", AGG)
    book.sheet("Extract", records(roster[:25]), state=state)
    report = run(tmp_path, book)
    assert summary(report) == [("SG201", visibility, CORE, 25)]
    assert report.decision == "block"


def test_hidden_rows_columns_and_comments(tmp_path: Path, roster: list[Person]) -> None:
    rows = records(roster[:12])
    book = BinaryBook(creator=roster[40].name)
    book.sheet("Data", [[*r, "Count" if k == 0 else 1] for k, r in enumerate(rows)],
               hidden_rows={3, 4}, hidden_cols={1},
               comments=[(2, 2, roster[41].name, f"{roster[0].name} (A# {roster[0].a_number}) moved")])
    report = run(tmp_path, book)
    assert summary(report) == [
        ("SG201", "hidden_row", CORE, 2),  # the A-numbers of these rows are in the hidden column too
        ("SG203", "visible", ("PERSON_NAME",), 10),
        ("SG204", "hidden_column", ("A_NUMBER",), 12),
        ("SG211", "comment", CORE, 1),
        ("SG302", "visible", (), 10),
        ("SG501", "metadata", ("PERSON_NAME",), 1),  # the comment's author
        ("SG501", "metadata", ("PERSON_NAME",), 1),  # the creator
    ]
    where = {f.visibility.value: f.location for f in report.findings}
    assert (where["hidden_row"].sheet, where["hidden_row"].range) == ("Data", "rows 4-5")
    assert where["comment"].range == "C3"


def test_binary_parts_not_read_fail_closed(tmp_path: Path) -> None:
    book = BinaryBook()
    book.sheet("By facility", AGG)
    out = io.BytesIO(book.to_bytes())
    with zipfile.ZipFile(out, "a") as z:
        z.writestr("xl/pivotCache/pivotCacheRecords1.bin", bytes(range(1, 65)))
    report = scan_one(write(tmp_path, "book.xlsb", out.getvalue()))
    assert [(f.rule, f.location.part) for f in report.findings if f.rule.startswith("SG9")] == [
        ("SG906", "xl/pivotCache/pivotCacheRecords1.bin")]
    assert report.decision == "block"


def test_a_truncated_sheet_is_a_corrupt_file(tmp_path: Path) -> None:
    book = BinaryBook()
    book.sheet("By facility", AGG)
    data = book.to_bytes()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            body = src.read(info)
            z.writestr(info, body[: len(body) - 7] if info.filename.endswith("sheet1.bin") else body)
    report = scan_one(write(tmp_path, "book.xlsb", out.getvalue()))
    assert [f.rule for f in report.findings if f.rule.startswith("SG9")] in (["SG901"], ["SG902"])
    assert report.decision == "block" and "book.xlsb" in report.findings[0].location.file


@pytest.mark.parametrize(("name", "creator"), [("any_sheets.xlsb", "А***а"), ("picture.xlsb", "J***k")])
def test_real_xlsb_files_are_read(name: str, creator: str) -> None:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"../shared/realworld is not here ({path}); the fixtures built in code still ran")
    report = scan_one(path)
    assert report.errors == [] and report.decision == "pass"
    # issue 30: a chart cache that repeats visible cells is listed at info (any_sheets has one)
    assert [(f.rule, f.visibility.value, f.samples[0]) for f in report.findings if f.rule != "SG109"] == [
        ("SG501", "metadata", creator)]
    assert all(f.severity.label == "info" for f in report.findings if f.rule == "SG109")


def test_a_sheet_calamine_cannot_fill_is_corrupt_and_names_the_sheet(tmp_path: Path, roster: list[Person],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by make fuzz: on a sheet whose records run past what they announce, calamine raises
    OSError ("failed to fill whole buffer"): SG901 for that sheet, never a crash (SG909)."""
    import python_calamine

    def short(self, name):
        raise OSError("failed to fill whole buffer")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "get_sheet_by_name", short)
    book = BinaryBook()
    book.sheet("S", [["Name", "A-Number"], *[[p.name, p.a_number] for p in roster[:20]]])
    report = scan_one(write(tmp_path, "cut.xlsb", book.to_bytes()))
    assert [(e.rule, e.part) for e in report.errors] == [("SG901", "xl/worksheets/sheet1.bin")]
    assert report.decision == "block"
