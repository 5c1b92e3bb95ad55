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


def test_an_undecodable_ragged_row_fails_closed(tmp_path: Path, roster: list[Person], capfd) -> None:
    """Found by `make fuzz`: a ragged row that is not valid UTF-8 made pyarrow's row handler fail
    ("Exception ignored" on stderr) and the row could go unseen. Now the file is SG901."""
    rows = ["Country,Detained,Released", *[f"Country {i},{i},{i}" for i in range(6000)]]  # past the sniffed head
    rows.insert(5000, f"{roster[0].name},A{roster[0].a_number},x,y".replace("a", "\xe1", 1))
    data = "\n".join(rows).encode("utf-8").replace("\xe1".encode(), b"\xe1", 1)  # a lone Latin-1 byte
    path = write(tmp_path, "stats.csv", data + b"\n")
    report = scan_one(path)
    assert [(e.rule, e.reason) for e in report.errors] == [
        ("SG901", "a malformed row is not valid text in the file's encoding")]
    assert "Exception ignored" not in capfd.readouterr().err


def test_a_parse_failure_does_not_quote_the_row(tmp_path: Path, roster: list[Person]) -> None:
    from spillguard.formats import csvfile

    rows = ["Country,Detained", *[f"Country {i},{i}" for i in range(60)],
            *[f"{p.name},A{p.a_number},{p.birth}" for p in roster[:5]]]  # 5 ragged rows naming people
    path = write(tmp_path, "x.csv", ("\n".join(rows) + "\n").encode())
    old = csvfile._MAX_RAGGED_KEPT
    csvfile._MAX_RAGGED_KEPT = 2  # past it the reader stops instead of skipping rows unseen
    try:
        report = scan_one(path)
    finally:
        csvfile._MAX_RAGGED_KEPT = old
    assert [(e.rule, e.reason) for e in report.errors] == [
        ("SG901", "CSV cannot be parsed (Expected 2 columns, got 3)")]
