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


def _names(text: str) -> list[str]:
    from spillguard.detect.doc import Doc
    from spillguard.detect.text import find_spans
    from spillguard.model import Entity

    return [s.value for s in find_spans(Doc(text), 0.5, None) if s.entity is Entity.PERSON_NAME]


def test_single_names_after_a_person_cue_and_surname_first_forms() -> None:
    assert _names("Detainee Tsegay was moved to Otay Mesa.") == ["Tsegay"]
    assert _names("The detainee, Gulalai, was transferred.") == ["Gulalai"]
    assert _names("Detainee Zhou, Xinyi was transferred.") == ["Zhou, Xinyi"]
    assert _names("ZHOU Xinyi requested an interpreter.") == ["ZHOU Xinyi"]
    assert _names("Detainee Yonas Tekle Haile was interviewed.") == ["Yonas Tekle Haile"]
    # a single capitalised word after a cue is a name only when the lexicons know it as one
    assert _names("The detainee Transfer requests rose.") == []
    assert _names("The respondent Mexico filed nothing.") == []
    assert _names("Tsegay was moved.") == []  # a single name with no cue is not enough


def test_a_demonym_on_a_record_line_is_a_nationality() -> None:
    from spillguard.detect.doc import Doc
    from spillguard.detect.text import find_spans

    spans = find_spans(Doc("Maria Gomez A-123-456-789 Adelanto ICE Processing Center Guatemalan"), 0.5, None)
    assert [s.entity.value for s in spans] == ["PERSON_NAME", "A_NUMBER", "FACILITY", "NATIONALITY"]
    assert [s.entity.value for s in find_spans(Doc("Guatemalan coffee exports rose."), 0.5, None)] == []


def test_a_facility_under_a_redaction_box_is_named_and_keeps_the_redaction_severity(tmp_path: Path) -> None:
    from spillguard.synth.pdf import Pdf

    pdf = Pdf()
    page = pdf.page().text(72, 720, "Detention statistics FY24")
    page.text(72, 600, "Adelanto ICE Processing Center").box(70, 595, 260, 18)
    report = scan_one(write(tmp_path, "stats.pdf", pdf.to_bytes()))
    assert [(f.rule, f.severity.label, f.visibility.value, [e.value for e in f.entities]) for f in report.findings] == [
        ("SG122", "high", "under_redaction", ["FACILITY"])]



def test_two_people_with_one_name_are_two_records(tmp_path: Path, roster: list[Person]) -> None:
    """A name is no key: the same name on two rows is two people unless the birth date says it
    is one; rows with a stronger key (A-number) are counted by it."""
    twins = [["Name", "Country of citizenship", "Facility"]]
    twins += [[p.name, p.country, p.facility] for p in roster[:30]]
    twins += [[roster[0].name, "Honduras", "Adelanto"], [roster[1].name, "Mexico", "Otay Mesa"]]
    book = Book()
    book.sheet("Data", twins)
    report = scan_one(write(tmp_path, "names.xlsx", book.to_bytes()))
    assert [r for *_, r in summary(report)] == [32]

    born = [["Name", "Date of Birth", "Facility"]]
    born += [[p.name, p.birth, p.facility] for p in roster[:30]]
    born += [[roster[0].name, roster[0].birth, "Adelanto"],  # the same person again
             [roster[1].name, date(1960, 1, 2), "Otay Mesa"]]  # another person of that name
    book = Book()
    book.sheet("Data", born)
    report = scan_one(write(tmp_path, "born.xlsx", book.to_bytes()))
    assert [r for *_, r in summary(report)] == [31]

    keyed = [["Name", "A-Number"]] + [[p.name, p.a_number_as(0)] for p in roster[:30]]
    keyed += [[roster[0].name, roster[0].a_number_as(0)]]
    book = Book()
    book.sheet("Data", keyed)
    assert [r for *_, r in summary(scan_one(write(tmp_path, "keyed.xlsx", book.to_bytes())))] == [30]
