"""The false-alarm and miss classes found on real publications (issue 17), each proven on a
fixture of the same shape built here, and on the real file where ../shared/realworld has it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from spillguard.config import Config
from spillguard.detect.a_number import ANumber
from spillguard.detect.text import find_spans
from spillguard.model import Severity
from spillguard.scan import scan

REAL = Path(__file__).resolve().parents[3] / "shared" / "realworld" / "files"


def real(rel: str) -> Path:
    path = REAL / rel
    if not path.exists():
        pytest.skip(f"../shared/realworld is not here ({rel}); the fixture built in code still ran")
    return path


def blocking(report) -> list[tuple[str, str]]:
    return [(f.rule, f.visibility.value) for f in report.findings if f.severity >= Severity.HIGH]


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


# -- names that are places, organisations, table words -------------------------------------------

@pytest.mark.parametrize("text", [
    "PORT ISABEL", "PINE PRAIRIE", "JAIL RIO GRANDE", "Cambria Suites", "Refunding Bonds", "Ballots Cast",
    "ICE Currently Detained Population", "Kingsbridge - Riverdale", "Non-User Fee Investigations",
    "Chevy Chase", "Alien File Numbers", "Border Patrol", "An ICE Final Release is defined as",
])
def test_places_organisations_and_table_words_are_not_people(text: str) -> None:
    assert [s.value for s in find_spans(text) if s.entity.value == "PERSON_NAME"] == []


@pytest.mark.parametrize(("text", "name"), [
    ("Detainee Maria Gomez was moved.", "Maria Gomez"), ("Dear Mr. Tzul,", "Tzul"),
    ("the case of GOMEZ LOPEZ, Maria was reviewed", "GOMEZ LOPEZ, Maria"),
    ("met Mary Esther Lopez", "Mary Esther Lopez"),
    ("José de la Cruz signed", "José de la Cruz"),
])
def test_people_are_still_people(text: str, name: str) -> None:
    assert name in [s.value for s in find_spans(text) if s.entity.value == "PERSON_NAME"]


def facility_directory(tmp_path: Path, name: str = "facilities.xlsx") -> Path:
    """A year-end statistics workbook's facility sheet: names in capitals (some are towns),
    street addresses, cities, counts — a directory, not people."""
    names = ["STEWART DETENTION CENTER", "PORT ISABEL", "PINE PRAIRIE ICE PROCESSING CENTER", "JAIL RIO GRANDE",
             "OTERO COUNTY PROCESSING CENTER", "ADELANTO ICE PROCESSING CENTER", "MONTGOMERY ICE PROCESSING CENTER",
             "CHEVY CHASE", "KARNES COUNTY RESIDENTIAL CENTER", "LA PALMA CORRECTIONAL CENTER"] * 3
    path = tmp_path / name
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Facilities EOFY2020")
    ws.write_row(0, 0, ["Name", "Address", "City", "State", "ADP"])
    for i, n in enumerate(names, start=1):
        ws.write_row(i, 0, [n, f"{100 + i * 7} VETERANS DRIVE", "LUMPKIN", "GA", 50 + i])
    wb.close()
    return path


def test_a_facility_directory_is_not_a_roster(tmp_path: Path) -> None:
    report = scan([facility_directory(tmp_path)])
    assert blocking(report) == []
    assert not any("PERSON_NAME" in [e.value for e in f.entities] for f in report.findings)


def test_office_name_headers_name_offices(tmp_path: Path) -> None:
    rows = [["office_name", "office_name_short", "address", "city"]]
    for city in ["Atlanta", "Baltimore", "Boston", "Chicago", "Dallas", "Denver", "Detroit", "El Paso", "Houston",
                 "Miami", "Newark", "Phoenix"]:
        rows.append([f"Office of the Principal Legal Advisor, {city}", f"{city} - OPLA", "180 Ted Turner Drive SW",
                     city])
    path = tmp_path / "offices.csv"
    path.write_bytes(csv_bytes(rows))
    assert blocking(scan([path])) == []


@pytest.mark.parametrize("rel", [
    "n8craig/ICE-Detention-Year-End-Reports/data/FY20-detentionstats.xlsx",
    "n8craig/ICE-Detention-Year-End-Reports/data/facilities geocoded.xlsx",
    "deportationdata/ice-detention-facilities/inputs/noccc/ice-offices.xlsx",
    "openelections/openelections-sources-nd/20161108__nd__general__president__precinct.xls",
    "OpenDataDE/FBI-Unified-Crime-Data-Scraper/output/2010/Maryland.csv",
])
def test_real_directories_and_statistics_pass(rel: str) -> None:
    assert blocking(scan([real(rel)])) == []


# -- counts are not phone numbers; candidates are not a roster --------------------------------------

def results_text() -> str:
    candidates = ["Kevin Cramer", "Chase Iron Eyes", "Jack Seaman", "John Hoeven", "Eliot Glassheim",
                  "Robert Marquette",
                  "James Germalic", "Katie Andersen", "John Grabinger", "Jessica Haak", "Bernie Satrom", "Pam Musland"]
    lines = ["Official Results", "2016 General Election", "BALLOTS CAST - TOTAL 10345 1281 1837 1255 1237 936"]
    for i, name in enumerate(candidates):
        lines.append(f"{name} {2498 + i} {362 + i} {518 + i} {316 + i} {342 + i} {233 + i}")
    return "\n".join(lines) + "\n"


def test_vote_count_runs_are_not_phone_numbers() -> None:
    assert [s for s in find_spans("CLINTON 2498 362 518 316 342 233") if s.entity.value == "PHONE"] == []
    assert [s.value for s in find_spans("Call us: (202) 456-1111") if s.entity.value == "PHONE"] == ["(202) 456-1111"]


def test_candidates_labelling_rows_of_counts_are_no_list_of_people(tmp_path: Path) -> None:
    path = tmp_path / "results.txt"
    path.write_text(results_text(), encoding="utf-8")
    report = scan([path])
    assert [(f.rule, f.severity.label) for f in report.findings] == [("SG205", "medium")]
    # the same names with A-numbers are a list of people
    names = [line.split(" 2")[0] for line in results_text().splitlines()[3:]]
    roster = "\n".join(f"{name} A{210000000 + i}" for i, name in enumerate(names))
    path.write_text(roster + "\n", encoding="utf-8")
    assert [f.rule for f in scan([path]).findings if f.severity >= Severity.HIGH] == ["SG207"]


def test_real_election_results_pass() -> None:
    assert blocking(scan([real("openelections/openelections-sources-nd/2016_nd_general_stutsman.pdf")])) == []


# -- identifier patterns need their context ------------------------------------------------------

def test_an_unlabelled_a_plus_eight_digits_is_no_a_number() -> None:
    values = pl.Series(["A13107482", "A23998109", "A10699124"])
    assert ANumber().match(values, header_hit=False).to_list() == [False, False, False]
    assert ANumber().match(values, header_hit=True).to_list() == [True, True, True]
    written = pl.Series(["A-131-074-820", "A# 13107482", "A123456789", "A123 456 789"])
    assert ANumber().match(written, header_hit=False).to_list() == [True, True, True, True]


def test_animal_licences_without_a_header_pass(tmp_path: Path) -> None:
    rows = [["", "Breed", "Colour"]] + [[f"A{13107482 + i * 7919}", "Beagle", "Brown"] for i in range(40)]
    path = tmp_path / "dogs.csv"
    path.write_bytes(csv_bytes(rows))
    assert blocking(scan([path])) == []
    with_text = tmp_path / "note.txt"
    with_text.write_text("Animal A13107482 was licensed in 2015.\n", encoding="utf-8")
    assert [s for s in find_spans(with_text.read_text()) if s.entity.value == "A_NUMBER"] == []


def test_real_dog_licence_report_passes() -> None:
    rel = ("katerabinowitz/FOIA-Requests/Registered_Dogs/w Zip Code/"
           "FOIA Request for Licensed Dogs By Zip 2015 to 2016 (Rabinowitz) 2016-FOIA-03763.xls")
    assert blocking(scan([real(rel)])) == []


# -- misses on real personal files ---------------------------------------------------------------

def test_a_payee_list_of_last_first_names_with_case_numbers_blocks(tmp_path: Path) -> None:
    people = ["BROWN, KENTRAL", "LEWIS, MARCUS", "HYMAN, JOEL", "GARCIA, MARIA", "JOHNSON, DEREK", "SMITH, ANGELA",
              "NGUYEN, THANH", "WILLIAMS, TYRONE", "LOPEZ, CARMEN", "DAVIS, KEISHA", "MARTINEZ, JOSE", "CLARK, DONNA"]
    firms = ["AFNI SUBROGATION A/S/O LEWIS, MARCUS", "THE STANDARD FIRE INS CO", "COMCAST CABLE", "STATE FARM"]
    rows = [["CASE #", "PAYEE", "PAYMENT AMOUNT ($)", "PRIMARY CAUSE", "DATE TO COMPTROLLER"]]
    for i, payee in enumerate(people + firms):
        rows.append([f"CI-17-5{i:05d}-01", payee, f"{1000 + i * 37}.00", "EXCESSIVE FORCE", f"2018-01-{1 + i:02d}"])
    path = tmp_path / "payments.csv"
    path.write_bytes(csv_bytes(rows))
    report = scan([path])
    assert report.decision == "block"
    assert any("PERSON_NAME" in [e.value for e in f.entities] and f.records == len(people) for f in report.findings)


def test_one_detainee_with_birth_date_in_a_report_is_a_personal_record(tmp_path: Path) -> None:
    path = tmp_path / "death-report.txt"
    path.write_text("Detainee Death Report\nMr. Ramiro Gomez Lopez, born March 4, 1961, a citizen of Mexico, "
                    "died at Stewart Detention Center on May 2, 2019.\n", encoding="utf-8")
    report = scan([path])
    assert [(f.rule, f.severity.label) for f in report.findings] == [("SG209", "high")]
    assert "linked identity: PERSON_NAME with DATE_OF_BIRTH" in report.findings[0].why


def test_real_payments_and_death_records_block() -> None:
    for rel in ("philipwosull/cpd_lawsuit_data/raw_data/law_website_data/unmodified_raw_data/"
                "2018expendituresthrough12312018.xlsx",
                "sanjaybasu/ice-detention-mortality/data/all_250_deaths_detailed.csv"):
        report = scan([real(rel)])
        assert any(not f.rule.startswith("SG9") for f in report.findings if f.severity >= Severity.HIGH), rel


# -- harmless parts are read, not refused ---------------------------------------------------------

def workbook_with_part(tmp_path: Path, name: str, data: bytes) -> Path:
    import zipfile

    base = tmp_path / "base.xlsx"
    wb = xlsxwriter.Workbook(base)
    wb.add_worksheet("Counts").write_row(0, 0, ["Month", "Total"])
    wb.close()
    out = tmp_path / "with-part.xlsx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr(name, data)
    return out


def test_padding_parts_are_nothing_but_unknown_data_is_read_or_not_inspected(tmp_path: Path) -> None:
    padded = workbook_with_part(tmp_path, "[trash]/0000.dat", b"\x00" * 180 + b"\xff" * 7)
    assert [f.rule for f in scan([padded]).findings if f.rule.startswith("SG9")] == []
    # text in an unknown part is read by the catch-all (issue 18); binary stays not inspected
    data = workbook_with_part(tmp_path, "[trash]/0001.dat", b"Gomez, Maria A210000001")
    assert [(f.rule, f.visibility.value) for f in scan([data]).findings if f.location.part == "[trash]/0001.dat"] == [
        ("SG211", "other_part")]
    data = workbook_with_part(tmp_path, "[trash]/0002.dat", bytes(range(256)))
    assert [f.rule for f in scan([data]).findings if f.rule.startswith("SG9")] == ["SG906"]


def test_real_ole_picture_and_embedded_workbook_in_xls() -> None:
    picture = scan([real("sensiblecodeio/databaker/databaker/tutorial/ott.xls")])
    assert (picture.errors, [f.rule for f in picture.findings if f.visibility.value == "embedded_object"]) == (
        [], ["SG114"])
    embedded = scan([real("poi/test-data/spreadsheet/drawings.xls")])
    assert embedded.errors == []
    assert {f.rule for f in embedded.findings if f.visibility.value == "embedded_object"} >= {"SG114"}
    assert any(f.location.file.endswith("Package") for f in embedded.findings)


def test_a_hidden_sheet_of_one_row_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "hidden.xlsx"
    wb = xlsxwriter.Workbook(path)
    wb.add_worksheet("Visible").write_row(0, 0, ["visible 1", "visible 2"])
    hidden = wb.add_worksheet("Hidden")
    hidden.write_row(0, 0, ["hidden 1", "hidden 2"])
    hidden.hide()
    secret = wb.add_worksheet("Secret")
    secret.write_row(0, 0, ["Maria Gomez", "A-210-000-001", "born 1961-03-04"])
    secret.very_hidden()
    wb.close()
    found = [(f.rule, f.visibility.value, f.severity.label) for f in scan([path]).findings]
    assert ("SG101", "hidden_sheet", "low") in found
    assert [x for x in found if x[1] == "very_hidden_sheet" and x[2] in ("high", "critical")]


# -- metadata people write in lowercase or with an account id -----------------------------------

def test_author_fields_in_any_case(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text('<html><head><meta name="generator" content="vim"><meta name="author" content="jvoisin">'
                    "</head><body><p>Hello</p></body></html>", encoding="utf-8")
    assert [(f.rule, f.visibility.value) for f in scan([page]).findings] == [("SG501", "metadata")]
    book = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(book)
    wb.set_properties({"author": "Johann Tuffe (jtuffe010814)"})
    wb.add_worksheet().write(0, 0, "x")
    wb.close()
    assert [f.rule for f in scan([book]).findings] == ["SG501"]


def test_pdf_xmp_creator(tmp_path: Path) -> None:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = ["Phil Harvey"]
    path = tmp_path / "x.pdf"
    pdf.save(path)
    found = [(f.rule, f.visibility.value) for f in scan([path]).findings]
    assert ("SG501", "metadata") in found


# -- stdout carries only the report ----------------------------------------------------------------

def test_library_output_never_reaches_stdout_during_a_scan(tmp_path: Path) -> None:
    code = ("import os, sys\n"
            "from spillguard.cli import _stdout_to_stderr\n"
            "with _stdout_to_stderr():\n"
            "    print('python noise'); os.write(1, b'C noise\\n')\n"
            "print('{}')\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (proc.stdout, sorted(proc.stderr.split())) == ("{}\n", ["C", "noise", "noise", "python"])


def test_json_report_of_a_warning_workbook_is_pure_json() -> None:
    path = real("18F/2015-foia/contacts/layering_data/full-foia-contacts.xls")  # xlrd warns on it
    proc = subprocess.run([sys.executable, "-m", "spillguard", "scan", str(path), "--format", "json"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1)
    assert json.loads(proc.stdout)["tool"] == "spillguard"


def test_config_is_untouched() -> None:
    assert Config().fail_on is Severity.HIGH
