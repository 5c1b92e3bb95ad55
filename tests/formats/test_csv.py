"""CSV/TSV: encodings and delimiters detected from content, header or not, ragged rows kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from spillguard.synth.people import Person
from tests.helpers import scan_one, summary, write

ALL = ("A_NUMBER", "DATE_OF_BIRTH", "NATIONALITY", "PERSON_NAME")


def roster_text(people: list[Person], sep: str) -> str:
    lines = [sep.join(["Nombre", "Número A", "Fecha de nacimiento", "País"])]
    lines += [sep.join([p.name, p.a_number_as(1), p.birth.strftime("%d/%m/%Y"), p.country]) for p in people]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("encoding", "sep"), [("utf-8", ","), ("cp1252", ";"), ("utf-16", "\t"),
                                               ("utf-8-sig", "|")])
def test_encodings_and_delimiters(tmp_path: Path, roster: list[Person], encoding: str, sep: str) -> None:
    path = write(tmp_path, "roster.txt", roster_text(roster[:60], sep).encode(encoding))
    report = scan_one(path)
    assert summary(report) == [("SG202", "visible", ALL, 60)]
    # samples are masked where they are made, in every encoding
    samples = report.findings[0].samples
    assert len(samples) == 3 and all("*" in s for s in samples)
    assert not any(p.name in s or p.a_number in s for p in roster[:60] for s in samples)


def test_aggregate_csv_passes(tmp_path: Path) -> None:
    path = write(tmp_path, "agg.csv", b"Facility,Count\nAdelanto,120\nOtay Mesa,88\nStewart,64\n")
    report = scan_one(path)
    assert summary(report) == [] and report.decision == "pass"


def test_headerless_csv_counts_every_row(tmp_path: Path, roster: list[Person]) -> None:
    text = "\n".join(f"{p.name},{p.a_number_as(0)}" for p in roster[:60]) + "\n"
    report = scan_one(write(tmp_path, "export.csv", text.encode()))
    assert summary(report) == [("SG202", "visible", ("A_NUMBER", "PERSON_NAME"), 60)]


def test_ragged_rows_are_inspected_not_dropped(tmp_path: Path, roster: list[Person]) -> None:
    text = roster_text(roster[:30], ",") + "note,,,,,,, call Maria Gomez about her case\n"
    report = scan_one(write(tmp_path, "ragged.csv", text.encode()))
    assert summary(report) == [("SG202", "visible", ALL, 30), ("SG205", "visible", ("PERSON_NAME",), 1)]
