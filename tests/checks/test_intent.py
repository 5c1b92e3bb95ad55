"""Publication intent: each declared promise, broken, is a blocking finding that names it; kept,
it passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from spillguard import config
from spillguard.errors import UsageError
from spillguard.scan import scan
from spillguard.synth.people import Person
from tests.checks.test_disclosure import COUNTRIES, crosstab, microdata, workbook
from tests.helpers import summary, write


def run(tmp_path: Path, toml: str, name: str, data: bytes):
    (tmp_path / "spillguard.toml").write_text(toml, encoding="utf-8")
    path = write(tmp_path / "release", name, data)
    return scan([path], config.load(start=tmp_path))


AGGREGATE = """
[[intent]]
path = "release/*.xlsx"
kind = "aggregate"
min_cell = 11
"""


def test_declared_aggregate_with_a_row_level_sheet(tmp_path: Path) -> None:
    data = workbook(("By country", [["Country", "Detained"], *[[c, 100 + i] for i, c in enumerate(COUNTRIES)]]),
                    ("Extract", microdata(5, 60)), hidden=("Extract",))
    report = run(tmp_path, AGGREGATE + "k = 1\n", "stats.xlsx", data)
    assert ("SG311", "hidden_sheet", (), None) in summary(report)
    assert "SG301" not in {f.rule for f in report.findings}  # the promise, not the heuristic
    assert report.decision == "block"


def test_declared_min_cell(tmp_path: Path) -> None:
    report = run(tmp_path, AGGREGATE, "stats.xlsx", workbook(("By country", crosstab(7))))
    assert [f.rule for f in report.findings] == ["SG312"] and report.decision == "block"
    clean = [["Country", "Detained"], *[[c, 100 + i] for i, c in enumerate(COUNTRIES)]]
    assert run(tmp_path, AGGREGATE, "stats.xlsx", workbook(("By country", clean))).findings == []


def test_declared_k_and_quasi_identifiers(tmp_path: Path) -> None:
    toml = '[[intent]]\npath = "*.xlsx"\nkind = "microdata"\nk = 3\nquasi_identifiers = ["Nationality", "Sex"]\n'
    rows = [["Nationality", "Sex", "Facility"], *[[COUNTRIES[i % 3], "MF"[i % 2], "Stewart"] for i in range(60)]]
    rows.append(["Haiti", "F", "Stewart"])  # one record alone in its group
    report = run(tmp_path, toml, "records.xlsx", workbook(("Records", rows)))
    assert [(f.rule, f.records, f.rows) for f in report.findings] == [("SG313", 1, 61)]


STAFF = """
[[intent]]
path = "staff-directory.*"
kind = "directory"
allow = ["PERSON_NAME", "PHONE", "EMAIL"]
"""


def test_a_directory_may_publish_names_but_not_a_numbers(tmp_path: Path, roster: list[Person]) -> None:
    rows = [["Name", "Phone", "Email"],
            *[[p.name, f"(202) 555-{1000 + i:04d}", f"staff{i}@agency.gov"] for i, p in enumerate(roster[:15])]]
    ok = run(tmp_path, STAFF, "staff-directory.xlsx", workbook(("Staff", rows)))
    assert ok.findings == [] and ok.allowed == 1 and ok.decision == "pass"
    rows[0].append("A-Number")
    for i, p in enumerate(roster[:15]):
        rows[i + 1].append(p.a_number_as(0))
    bad = run(tmp_path, STAFF, "staff-directory.xlsx", workbook(("Staff", rows)))
    rules = sorted(f.rule for f in bad.findings)
    assert rules == ["SG202", "SG314"] and bad.decision == "block"
    broken = next(f for f in bad.findings if f.rule == "SG314")
    assert broken.title == "Holds A-numbers; its intent allows only names, phone numbers and e-mail addresses"


def test_declared_sheets_and_columns(tmp_path: Path) -> None:
    toml = ('[[intent]]\npath = "*.xlsx"\nkind = "aggregate"\nsheets = ["By country"]\n'
            'columns = ["Country", "Detained"]\n')
    rows = [["Country", "Detained", "Released"], *[[c, 100 + i, 90 + i] for i, c in enumerate(COUNTRIES)]]
    scratch = [["Note", "Checked"], ["provisional", "yes"]]
    report = run(tmp_path, toml, "stats.xlsx", workbook(("By country", rows), ("Scratch", scratch),
                                                        hidden=("Scratch",)))
    titles = sorted(f.title for f in report.findings if f.rule == "SG315")
    assert titles == ["Columns the intent does not list: 'Checked', 'Note', 'Released'",
                      "Sheets the intent does not list: 'Scratch'"]


@pytest.mark.parametrize(("toml", "message"), [
    ('[[intent]]\nkind = "aggregate"\n', "needs a 'path'"),
    ('[[intent]]\npath = "*"\nkind = "tables"\n', "kind must be one of"),
    ('[[intent]]\npath = "*"\nallow = ["NAMES"]\n', "NAMES"),
    ('[[intent]]\npath = "*"\nmin_cell = 0\n', "min_cell must be"),
    ('[[intent]]\npath = "*"\ncolour = "red"\n', "unknown key"),
])
def test_bad_intents_are_usage_errors(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "spillguard.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        config.load(start=tmp_path)
