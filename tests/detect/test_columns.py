"""Column classification: each detector's positives (header and values, English and Spanish) and
near-miss negatives. Values come from the seeded population or are written out here."""

from __future__ import annotations

import random

import polars as pl
import pytest

from spillguard.detect.columns import profile
from spillguard.model import Location, Table, Visibility
from spillguard.synth.people import Person


def classify(headers: list[str], rows: list[list[object]]) -> dict[str, str]:
    data = {f"c{i}": [None if r[i] is None else str(r[i]) for r in rows] for i in range(len(headers))}
    frame = pl.DataFrame(data, schema={k: pl.Utf8 for k in data})
    prof = profile(Table(Location("t"), Visibility.VISIBLE, headers, iter([frame])))
    return {c.header: c.entity.value for c in prof.columns}


def column(header: str, values: list[object]) -> dict[str, str]:
    return classify([header], [[v] for v in values])


def test_a_number_written_forms(roster: list[Person]) -> None:
    for style in range(3):  # A123456789, A-123-456-789, A123 456 789: no header needed
        assert column("ref", [p.a_number_as(style) for p in roster[:30]]) == {"ref": "A_NUMBER"}


@pytest.mark.parametrize("header", ["A-Number", "A#", "Alien No", "Alien Number", "Número A",
                                    "A Number (ID)"])
def test_nine_digit_a_numbers_when_the_header_says_so(roster: list[Person], header: str) -> None:
    assert column(header, [p.a_number for p in roster[:30]]) == {header: "A_NUMBER"}


@pytest.mark.parametrize("header", ["Invoice", "Invoice No", "Number of detainees", "Order ID", ""])
def test_nine_digit_numbers_without_the_header_are_not_a_numbers(roster: list[Person], header: str) -> None:
    assert column(header, [p.a_number for p in roster[:30]]) == {}


def test_ssn_validity_rules() -> None:
    good = ["123-45-6789", "212-09-9999", "078-05-1121", "501-22-3344"] * 5
    assert column("SSN", good) == {"SSN": "SSN"}
    bad = ["000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000"] * 4
    assert column("SSN", bad) == {}


def test_dates_of_birth(roster: list[Person]) -> None:
    births = [p.birth.isoformat() for p in roster[:40]]
    assert column("DOB", births) == {"DOB": "DATE_OF_BIRTH"}
    assert column("Fecha de nacimiento", [p.birth.strftime("%d/%m/%Y") for p in roster[:40]]) == {
        "Fecha de nacimiento": "DATE_OF_BIRTH"}
    # Unlabelled but plausible birth dates spread over decades
    assert column("", births) == {"": "DATE_OF_BIRTH"}


def test_recent_event_dates_are_not_birth_dates() -> None:
    rng = random.Random(3)
    booked = [f"2024-{rng.randrange(1, 13):02d}-{rng.randrange(1, 28):02d}" for _ in range(40)]
    assert column("Book-in date", booked) == {}


@pytest.mark.parametrize("values", [
    ["GOMEZ LOPEZ, Maria", "HERNANDEZ, Juan Carlos", "LI, Na", "IVANOV, Dmitry", "AL-HASSAN, Omar"] * 4,
    ["MARIA GOMEZ", "JUAN DE LA CRUZ", "WANG XIAOMING", "OLGA PETROVA", "MOHAMMED EL-SAYED"] * 4,
    ["María García López", "Xóchitl Tzul", "Nadège Étienne", "Zhang Wei", "Abdulrahman Haddad"] * 4,
])
def test_person_names_in_every_form(values: list[str]) -> None:
    assert column("Name", values) == {"Name": "PERSON_NAME"}
    assert column("Nombre", values) == {"Nombre": "PERSON_NAME"}
    assert column("Last Name, First", values) == {"Last Name, First": "PERSON_NAME"}


def test_names_without_a_header_need_known_names(roster: list[Person]) -> None:
    assert column("", [p.name for p in roster[:40]]) == {"": "PERSON_NAME"}
    facilities = ["Statistics Unit", "Field Office", "Mexico", "Guatemala", "Processing Center"] * 8
    assert column("", facilities) != {"": "PERSON_NAME"}


def test_a_category_named_like_a_person_is_not_a_names_column() -> None:
    # regression: a 'Facility' column repeating "Stewart" (Stewart Detention Center) was names
    assert column("Facility", ["Stewart"] * 40 + ["Otay Mesa"] * 20) == {}


@pytest.mark.parametrize("values", [
    [str(n) for n in range(120, 160)],  # counts
    [str(y) for y in range(1990, 2030)],  # years
    ["1,204", "15.5%", "n/a", "—", "12"] * 8,
])
def test_numbers_are_never_names(values: list[str]) -> None:
    assert column("Name", values) == {}


def test_nationality_from_names_demonyms_and_codes(roster: list[Person]) -> None:
    assert column("Country of Citizenship", [p.country for p in roster[:40]]) == {
        "Country of Citizenship": "NATIONALITY"}
    assert column("Nacionalidad", ["México", "Guatemala", "Honduras", "Rusia", "Haití"] * 6) == {
        "Nacionalidad": "NATIONALITY"}
    assert column("Nationality", ["Mexican", "Guatemalan", "Haitian", "Chinese", "Indian"] * 6) == {
        "Nationality": "NATIONALITY"}
    assert column("Citizenship", ["MX", "GT", "HN", "CN", "IN"] * 6) == {"Citizenship": "NATIONALITY"}
    # two-letter codes without a header are just letters
    assert column("", ["MX", "GT", "HN", "CN", "IN"] * 6) == {}


def test_facilities(roster: list[Person]) -> None:
    assert column("Facility", [p.facility for p in roster[:40]]) == {"Facility": "FACILITY"}
    assert column("", [p.facility for p in roster[:40]]) == {"": "FACILITY"}


def test_email_phone_passport_receipt() -> None:
    assert column("Contact", ["maria.gomez@example.org", "wz1990@mail.example"] * 10) == {"Contact": "EMAIL"}
    assert column("Phone", ["(202) 555-0143", "+1 305 555 0199", "202-555-0188"] * 7) == {"Phone": "PHONE"}
    assert column("Passport No", ["G12345678", "E98765432", "P1234567"] * 7) == {"Passport No": "PASSPORT"}
    assert column("Receipt Number", ["IOE0912345678", "EAC2190012345", "SRC1234567890"] * 7) == {
        "Receipt Number": "USCIS_RECEIPT"}


def test_order_codes_are_not_passports() -> None:
    assert column("Order", ["G12345678", "E98765432", "P1234567"] * 7) == {}


def test_records_are_counted_on_every_row_and_deduplicated(roster: list[Person]) -> None:
    people = roster[:100]
    rows = [[p.name, p.a_number_as(i % 3), p.country] for i, p in enumerate(people)]
    rows += rows[:25]  # the same 25 people listed twice, in another written form of the A-number
    rows = [[r[0], r[1].replace("-", "") if i >= 100 else r[1], r[2]] for i, r in enumerate(rows)]
    headers = ["Name", "A-Number", "Country"]
    data = {f"c{i}": [str(r[i]) for r in rows] for i in range(3)}
    frame = pl.DataFrame(data)
    batches = [frame.slice(0, 40), frame.slice(40, 40), frame.slice(80, 45)]
    prof = profile(Table(Location("t"), Visibility.VISIBLE, headers, iter(batches)))
    assert prof.rows == 125
    assert prof.people == 100
