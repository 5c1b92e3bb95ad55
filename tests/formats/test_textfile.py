"""Plain text: a mention is medium, a list of people is high."""

from __future__ import annotations

from pathlib import Path

from spillguard.synth.people import Person
from tests.helpers import scan_one, summary, write


def test_a_mention_in_a_memo_is_medium(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[0]
    memo = f"Memo\n\nThe case of A-{p.a_number[:3]}-{p.a_number[3:6]}-{p.a_number[6:]} was reviewed.\n"
    report = scan_one(write(tmp_path, "memo.txt", memo.encode()))
    assert summary(report) == [("SG205", "visible", ("A_NUMBER",), 1)]
    finding = report.findings[0]
    assert (finding.location.line, finding.location.column) == (3, 13)  # where the A-number is
    assert [(d.entity.value, d.line, d.column, d.sample) for d in finding.detections] == [
        ("A_NUMBER", 3, 13, f"A-{p.a_number[0]}**-***-{p.a_number[6:]}")]
    assert report.decision == "pass"


def test_a_list_of_people_in_text_is_high(tmp_path: Path, roster: list[Person]) -> None:
    lines = [f"- A{p.a_number} transferred to {p.facility}" for p in roster[:12]]
    report = scan_one(write(tmp_path, "list.md", ("# Transfers\n" + "\n".join(lines) + "\n").encode()))
    assert summary(report) == [("SG207", "visible", ("A_NUMBER", "FACILITY"), 12)]
    assert report.decision == "block"
