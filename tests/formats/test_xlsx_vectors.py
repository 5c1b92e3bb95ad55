"""Every xlsx leak vector of issue 2, item 3: each fixture is built in code (seeded) and the
report must hold exactly the expected findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from spillguard.synth import vba
from spillguard.synth.people import Person
from spillguard.synth.xlsx import Book, PivotCache
from tests.helpers import scan_one, summary, write

AGG = [["Facility", "Detainees"], ["Adelanto", 120], ["Otay Mesa", 85], ["Stewart", 64]]
CORE = ("A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME")


def run(tmp_path: Path, book: Book):
    return scan_one(write(tmp_path, "book.xlsx", book.to_bytes()))


def records(people: list[Person], style: int = 0) -> list[list[object]]:
    return [["Name", "A-Number", "Date of Birth"]] + [[p.name, p.a_number_as(style), p.birth] for p in people]


def test_clean_aggregate_passes_with_nothing_above_low(tmp_path: Path) -> None:
    book = Book()
    book.sheet("By facility", AGG)
    book.sheet("By country", [["Country of citizenship", "Book-ins"], ["Mexico", 3021], ["Guatemala", 1410],
                              ["Honduras", 1188], ["Haiti", 402]])
    book.properties(title="Detention statistics FY24", author="Statistics and Reporting Unit",
                    company="Statistics and Reporting Unit")
    report = run(tmp_path, book)
    assert report.decision == "pass"
    assert all(f.severity <= 1 for f in report.findings)
    # issue 30: an author field that holds someone the lexicons do not know is listed (info)
    assert [(f.rule, f.severity.label, f.visibility.value) for f in report.findings] == [("SG501", "info", "metadata")]


def test_visible_records_in_shared_strings_are_high(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("Data", records(roster[:40], style=1))
    report = run(tmp_path, book)
    assert summary(report) == [("SG202", "visible", CORE, 40)]
    [f] = report.findings
    assert f.location.sheet == "Data" and f.location.range == "A2:C41"
    assert report.decision == "block"


def test_inline_strings_and_date_numbers(tmp_path: Path, roster: list[Person]) -> None:
    book = Book(constant_memory=True)  # XlsxWriter writes inline strings in this mode
    book.sheet("Data", [["Name", "A-Number", "Date of Birth", "Country"]]
               + [[p.name, p.a_number_as(3), p.birth, p.country] for p in roster[:50]])
    report = run(tmp_path, book)
    assert summary(report) == [("SG202", "visible", (*CORE[:2], "NATIONALITY", "PERSON_NAME"), 50)]


@pytest.mark.parametrize(("state", "visibility"), [("hidden", "hidden_sheet"),
                                                    ("veryHidden", "very_hidden_sheet")])
def test_hidden_and_very_hidden_sheets(tmp_path: Path, roster: list[Person], state: str,
                                       visibility: str) -> None:
    book = Book()
    book.sheet("Stats", AGG)
    book.sheet("Extract", records(roster[:60]), state=state)
    report = run(tmp_path, book)
    assert summary(report) == [("SG201", visibility, CORE, 60)]
    assert report.findings[0].severity.label == "critical"


def test_hidden_rows_split_from_visible_rows(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    ws = book.sheet("Data", records(roster[:30]))
    for r in range(11, 31):
        ws.set_row(r, None, None, {"hidden": True})
    report = run(tmp_path, book)
    assert summary(report) == [("SG201", "hidden_row", CORE, 20), ("SG202", "visible", CORE, 10)]
    hidden = next(f for f in report.findings if f.rule == "SG201")
    assert hidden.location.range == "rows 12-31"


def test_collapsed_group_rows(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    ws = book.sheet("Stats", AGG + [[None]] + [[p.name, p.a_number_as(1)] for p in roster[:20]])
    for r in range(5, 25):
        ws.set_row(r, None, None, {"level": 1, "hidden": True})
    ws.set_row(25, None, None, {"collapsed": True})
    report = run(tmp_path, book)
    assert summary(report) == [("SG201", "filtered_or_grouped", ("A_NUMBER", "PERSON_NAME"), 20)]


def test_filtered_rows(tmp_path: Path, roster: list[Person]) -> None:
    people = roster[:20]
    book = Book()
    ws = book.sheet("Stats", [["Facility", "Name", "Count"]] + [[p.facility, p.name, 1] for p in people])
    ws.autofilter(0, 0, 20, 2)
    keep = people[-1].facility
    ws.filter_column(0, f'x == "{keep}"')
    hidden = [i for i, p in enumerate(people) if p.facility != keep]
    for i in hidden:
        ws.set_row(i + 1, None, None, {"hidden": True})
    report = run(tmp_path, book)
    found = {f.visibility.value: f for f in report.findings}
    assert set(found) == {"filtered_or_grouped", "visible"}
    assert found["filtered_or_grouped"].rule == "SG201"
    assert found["filtered_or_grouped"].rows == len(hidden)
    assert found["visible"].rows == len(people) - len(hidden)
    assert [e.value for e in found["filtered_or_grouped"].entities] == ["PERSON_NAME", "FACILITY"]


def test_hidden_column_of_names(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    ws = book.sheet("Stats", AGG)
    ws.write(0, 2, "Detainee name")
    for i, p in enumerate(roster[:3]):
        ws.write(i + 1, 2, p.name)
    ws.set_column(2, 2, None, None, {"hidden": True})
    report = run(tmp_path, book)
    assert summary(report) == [("SG204", "hidden_column", ("PERSON_NAME",), 3)]
    assert report.findings[0].location.range == "columns C"


@pytest.mark.parametrize(("rows", "expected"), [
    ([[None, None, None], [None, 1, 2], [None, 2, None]],
     [("SG103", "hidden_row", "rows 2-3"), ("SG104", "hidden_column", "columns B, C")]),
    # the same cells above a visible header row: title rows, still in both hiding places
    ([[None, None, None], [None, 1, 2], [None, 2, None], ["x", "y", "z"]],
     [("SG103", "hidden_row", "rows 2-3"), ("SG104", "hidden_column", "rows 2-3")]),
])
def test_a_cell_in_a_hidden_row_and_a_hidden_column_is_reported_by_both(
        tmp_path: Path, rows: list[list[object]], expected: list[tuple[str, str, str]]) -> None:
    """Rows 1-3 and columns A:C hidden, numbers where they cross: both hiding places hold content
    (an earlier reader routed such cells to the column only, or reported rows above the header
    as in plain view)."""
    book = Book()
    ws = book.sheet("Hidden Row & Col", rows)
    for r in range(3):
        ws.set_row(r, None, None, {"hidden": True})
    ws.set_column(0, 2, None, None, {"hidden": True})
    report = run(tmp_path, book)
    assert sorted((f.rule, f.visibility.value, f.location.range) for f in report.findings) == expected


def test_cells_far_outside_the_visible_block(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    ws = book.sheet("Stats", AGG)
    for i, p in enumerate(roster[:40]):
        ws.write(500 + i, 40, p.name)
        ws.write(500 + i, 41, p.a_number_as(0))
    report = run(tmp_path, book)
    assert summary(report) == [("SG201", "beyond_used_range", ("A_NUMBER", "PERSON_NAME"), 40)]


def test_camouflaged_cells(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    ws = book.sheet("Stats", AGG)
    for i, p in enumerate(roster[:4]):
        book.write(ws, 1 + i, 4, p.name, book.white)
        book.write(ws, 1 + i, 5, p.a_number_as(2), book.tiny)
    report = run(tmp_path, book)
    assert summary(report) == [("SG201", "camouflaged", ("A_NUMBER", "PERSON_NAME"), 4)]


def test_semicolon_format_hides_a_cell(tmp_path: Path) -> None:
    book = Book()
    ws = book.sheet("Stats", AGG)
    book.write(ws, 1, 2, "internal: check 3 cases", book.semicolons)
    report = run(tmp_path, book)
    assert summary(report) == [("SG107", "camouflaged", (), None)]


def test_comments_and_threaded_comments(tmp_path: Path) -> None:
    book = Book()
    ws = book.sheet("Stats", AGG)
    ws.write_comment("B2", "Includes Maria Gomez Lopez, A-212-345-678 (moved 3/4)", {"author": "Analyst"})
    book.extras.threaded.append((0, "B3", "Records Officer", "Ask about Wei Zhang DOB 1990-04-02"))
    report = run(tmp_path, book)
    assert summary(report) == [
        ("SG211", "comment", ("A_NUMBER", "PERSON_NAME"), 1),  # a linked identity in a hidden place
        ("SG211", "comment", ("DATE_OF_BIRTH", "PERSON_NAME"), 1),
    ]
    parts = sorted(f.location.part for f in report.findings)
    assert parts == ["xl/comments1.xml", "xl/threadedComments/threadedComment1.xml"]


def test_comment_without_personal_data_is_still_reported(tmp_path: Path) -> None:
    book = Book()
    ws = book.sheet("Stats", AGG)
    ws.write_comment("B2", "figure revised after audit", {"author": "Jorge Ramirez"})
    report = run(tmp_path, book)
    assert summary(report) == [("SG113", "comment", (), None), ("SG501", "metadata", ("PERSON_NAME",), 1)]
    assert report.decision == "pass"


@pytest.mark.parametrize("source_exists", [False, True])
def test_pivot_cache_records(tmp_path: Path, roster: list[Person], source_exists: bool) -> None:
    book = Book()
    book.sheet("Stats", AGG)
    if source_exists:
        book.sheet("Extract", [["Facility", "Count"], ["Adelanto", 3]])
    book.extras.pivots.append(PivotCache(
        ["Name", "A-Number", "Birth Date", "Country", "Facility"],
        [[p.listed_name, p.a_number, p.birth, p.country, p.facility] for p in roster],
        "Extract", indexed=("Country", "Facility")))
    report = run(tmp_path, book)
    entities = ("A_NUMBER", "DATE_OF_BIRTH", "FACILITY", "NATIONALITY", "PERSON_NAME")
    assert summary(report) == [("SG201", "pivot_cache", entities, len(roster))]
    f = report.findings[0]
    assert f.location.part == "xl/pivotCache/pivotCacheRecords1.xml"
    assert ("no longer in the workbook" in f.why) is not source_exists


def test_pivot_cache_of_aggregates_is_reported_low(tmp_path: Path) -> None:
    book = Book()
    book.sheet("Stats", AGG)
    book.extras.pivots.append(PivotCache(["Facility", "Detainees"], AGG[1:], "Stats"))
    report = run(tmp_path, book)
    assert summary(report) == [("SG108", "pivot_cache", (), None)]
    assert report.decision == "pass"


def test_chart_cache_of_hidden_sheet(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("Stats", AGG)
    book.sheet("src", [["Name", "Count"]] + [[p.name, i] for i, p in enumerate(roster[:15])], state="hidden")
    chart = book.wb.add_chart({"type": "bar"})
    chart.add_series({"categories": "=src!$A$2:$A$16", "values": "=src!$B$2:$B$16"})
    book.wb.worksheets()[0].insert_chart("E2", chart)
    report = run(tmp_path, book)
    # a count per named person: the hidden sheet is a row-level table keyed by names; a name is
    # no key (José Tzul twice), so each row is a record
    assert summary(report) == [("SG204", "chart_cache", ("PERSON_NAME",), 15),
                               ("SG204", "hidden_sheet", ("PERSON_NAME",), 15),
                               ("SG302", "hidden_sheet", (), 15)]


def test_chart_cache_of_visible_range_is_listed_at_info(tmp_path: Path) -> None:
    # issue 30: nothing hidden from the publisher — a cache that repeats visible cells is listed
    # (info, never blocking), so a stricter --fail-on still sees every place values travel
    book = Book()
    book.sheet("Stats", AGG)
    chart = book.wb.add_chart({"type": "bar"})
    chart.add_series({"categories": "=Stats!$A$2:$A$4", "values": "=Stats!$B$2:$B$4"})
    book.wb.worksheets()[0].insert_chart("E2", chart)
    report = run(tmp_path, book)
    assert [(f.rule, f.severity.label, f.visibility.value) for f in report.findings] == [
        ("SG109", "info", "chart_cache")]
    assert report.decision == "pass"


def test_external_link_cache(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("Stats", AGG)
    book.extras.external.append(("file:///C:/Users/jdoe/Detainees.xlsx", "Roster",
                                 [["Name", "A-Number", "Country"]]
                                 + [[p.name, p.a_number, p.country] for p in roster[:10]]))
    report = run(tmp_path, book)
    assert summary(report) == [
        ("SG201", "external_link_cache", ("A_NUMBER", "NATIONALITY", "PERSON_NAME"), 10),
        ("SG503", "external_link_cache", (), None),
    ]


def test_defined_name_constants(tmp_path: Path) -> None:
    book = Book()
    book.sheet("Stats", AGG)
    book.wb.define_name("Staff", '={"Maria Gomez","Juan Perez"}')
    book.wb.define_name("Rate", "=0.25")  # a number: not content
    book.wb.define_name("Area", "=Stats!$A$1:$B$4")  # a reference: not content
    report = run(tmp_path, book)
    assert summary(report) == [("SG205", "defined_name", ("PERSON_NAME",), 2)]
    assert report.findings[0].location.range == "Staff"


def test_data_validation_list(tmp_path: Path) -> None:
    book = Book()
    ws = book.sheet("Stats", AGG)
    ws.data_validation("D2", {"validate": "list", "source": ["Maria Gomez", "Juan Perez Lopez", "Wei Zhang"]})
    ws.data_validation("E2", {"validate": "list", "source": ["Yes", "No"]})
    report = run(tmp_path, book)
    assert summary(report) == [("SG205", "data_validation", ("PERSON_NAME",), 3)]


def test_embedded_workbook_is_scanned(tmp_path: Path, roster: list[Person]) -> None:
    inner = Book()
    inner.sheet("Roster", records(roster[:25]))
    book = Book()
    book.sheet("Stats", AGG)
    book.extras.embedded.append(("Microsoft_Excel_Worksheet1.xlsx", inner.to_bytes()))
    report = run(tmp_path, book)
    assert summary(report) == [("SG114", "embedded_object", (), None),
                               ("SG201", "embedded_object", CORE, 25)]
    inner_finding = next(f for f in report.findings if f.rule == "SG201")
    assert inner_finding.location.file.endswith("book.xlsx!/xl/embeddings/Microsoft_Excel_Worksheet1.xlsx")


def test_macro_project_is_reported(tmp_path: Path) -> None:
    book = Book()
    book.sheet("Stats", AGG)
    book.extras.vba = vba.project('Sub Refresh()\r\n    Range("A1").Value = 1\r\nEnd Sub\r\n')
    # issue 30: the modules' string literals are read too (here a cell reference: low, nothing personal)
    assert summary(run(tmp_path, book)) == [("SG114", "embedded_object", (), None),
                                            ("SG115", "embedded_object", (), None)]
    # issue 30: a project whose modules cannot be read fails closed (it was reported as fine)
    book = Book()
    book.sheet("Stats", AGG)
    book.extras.vba = b"\xd0\xcf\x11\xe0" + b"\x00" * 60
    assert [(f.rule, f.visibility.value) for f in run(tmp_path, book).findings] == [
        ("SG115", "embedded_object"), ("SG906", "visible")]


def test_document_properties(tmp_path: Path) -> None:
    book = Book()
    book.sheet("Stats", AGG)
    book.properties(author="Maria Gomez", title="Q4", manager="Juan Perez", company="Agency",
                    comments="prepared for A-212-345-678")
    book.wb.set_custom_property("Reviewer", "Wei Zhang")
    report = run(tmp_path, book)
    assert summary(report) == [("SG501", "metadata", ("PERSON_NAME",), 3),
                               ("SG502", "metadata", ("A_NUMBER",), None)]
    assert report.decision == "pass"  # low/medium only: the default gate is high


def test_empty_hidden_sheet_is_not_a_finding_but_small_content_is(tmp_path: Path) -> None:
    book = Book()
    book.sheet("Stats", AGG)
    book.sheet("Empty", [], state="hidden")
    book.sheet("Scratch", [["x", 1], ["y", 2]], state="hidden")
    book.sheet("Lookup", [["Code", "Value"]] + [[f"K{i}", i * 3] for i in range(150)], state="veryHidden")
    report = run(tmp_path, book)
    assert summary(report) == [("SG101", "hidden_sheet", (), None),
                               ("SG116", "very_hidden_sheet", (), None)]
    small = next(f for f in report.findings if f.rule == "SG101")
    assert small.rows == 2 and "4 non-empty cells" in small.title
