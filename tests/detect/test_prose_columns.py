"""Free-text columns in tables: a "Notes" column that names people is found, row by row."""

from __future__ import annotations

from pathlib import Path

from spillguard.mask import mask_name as _mask_name
from spillguard.synth.people import Person
from tests.helpers import scan_one, summary, write


def _csv(rows: list[list[str]]) -> bytes:
    return ("\n".join(",".join(f'"{c}"' for c in row) for row in rows) + "\n").encode()


def test_notes_naming_detainees_in_an_aggregate_block(tmp_path: Path, roster: list[Person]) -> None:
    rows = [["Facility", "Book-ins", "Notes"]]
    for i, p in enumerate(roster[:30]):
        note = (f"Detainee {p.name} (A# {p.a_number}) transferred out on medical grounds"
                if i % 10 == 0 else "Counts revised after the quarterly reconciliation")
        rows.append([p.facility, str(100 + i), note])
    report = scan_one(write(tmp_path, "agg.csv", _csv(rows)))
    assert summary(report) == [("SG202", "visible", ("A_NUMBER", "FACILITY", "PERSON_NAME"), 3)]
    finding = report.findings[0]
    assert finding.why.endswith("'Notes' (free text) → PERSON_NAME 3× (given name + surname from lexicons, "
                                "person context), A_NUMBER 3× (digits after A-number words)")
    # one sample per column, masked: the facility column's, then the notes' name and A-number
    first = roster[0]
    assert finding.samples == [roster[0].facility, f"PERSON_NAME: {_mask_name(first.name)}",
                               f"A_NUMBER: A-{first.a_number[0]}**-***-{first.a_number[6:]}"]
    assert report.decision == "block"


def test_notes_without_people_are_not_findings(tmp_path: Path) -> None:
    rows = [["Facility", "Book-ins", "Notes"]]
    rows += [[f"Facility {i}", str(20 + i), "Counts revised after the quarterly reconciliation of records"]
             for i in range(30)]
    report = scan_one(write(tmp_path, "agg.csv", _csv(rows)))
    assert summary(report) == [] and report.decision == "pass"
