"""Release diff (SG4xx) and check: each drift rule fires on a generated old/new pair, and an
identical re-release with new numbers stays silent."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from spillguard.config import Config
from spillguard.release import check, diff
from spillguard.synth.people import Person
from tests.checks.test_disclosure import COUNTRIES, microdata, workbook
from tests.helpers import summary

FACILITIES = ["Stewart", "Otay Mesa", "Adelanto", "Krome", "Port Isabel"]


def stats(seed: int, quarter: str, extra: dict | None = None) -> bytes:
    rng = random.Random(seed)
    sheets = [(f"Citizenship {quarter}", [["Country of Citizenship", "Detained"],
                                          *[[c, rng.randint(20, 900)] for c in COUNTRIES]]),
              (f"Facilities {quarter}", [["Facility", "Average daily population"],
                                         *[[f, rng.randint(100, 2000)] for f in FACILITIES]])]
    for name, rows in (extra or {}).items():
        sheets.append((name, rows))
    return workbook(*sheets, hidden=tuple((extra or {}).keys()))


def release(root: Path, name: str, files: dict[str, bytes]) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for fname, data in files.items():
        (folder / fname).write_bytes(data)
    return folder


def test_a_re_release_with_new_numbers_is_silent(tmp_path: Path) -> None:
    old = release(tmp_path, "q1", {"FY24_Q1_stats.xlsx": stats(1, "FY24 Q1")})
    new = release(tmp_path, "q2", {"FY24_Q2_stats.xlsx": stats(2, "FY24 Q2")})
    report = diff(old, new, Config())
    assert report.findings == [] and report.decision == "pass"


def test_each_drift_rule(tmp_path: Path, roster: list[Person]) -> None:
    rows = [["Name", "A-Number", "Country of Citizenship"], *[[p.name, p.a_number_as(0), p.country]
                                                              for p in roster[:40]]]
    old = release(tmp_path, "q1", {"FY24_Q1_stats.xlsx": stats(1, "FY24 Q1"), "notes.csv": b"Note\nold\n",
                                   "monthly.csv": b"Month,Book-ins\n" + b"".join(
                                       b"2024-%02d,%d\n" % (m, 100 + m) for m in range(1, 13))})
    new_monthly = b"Month,Book-ins,Releases\n" + b"".join(b"2023-%02d,%d,%d\n" % (m, 100 + m, 90 + m)
                                                            for m in range(1, 13))
    new = release(tmp_path, "q2", {"FY24_Q2_stats.xlsx": stats(2, "FY24 Q2", {"Extract": rows}),
                                   "monthly.csv": new_monthly * 1 + b"".join(
                                       b"2023-12,%d,%d\n" % (i, i) for i in range(40)),
                                   "readme.txt": b"Quarterly detention statistics."})
    report = diff(old, new, Config())
    rules = sorted((f.rule, f.severity.label) for f in report.findings)
    assert rules == [("SG401", "high"),       # the hidden roster sheet, row-level
                     ("SG403", "medium"),     # 'Releases' column in monthly.csv
                     ("SG405", "medium"),     # 12 → 52 rows
                     ("SG406", "low"),        # the workbook grew with the roster
                     ("SG407", "high"),       # names and A-numbers are new
                     ("SG408", "medium"),     # latest period 2024-06 (FY24 Q2) … but monthly went back
                     ("SG409", "info"),       # readme.txt
                     ("SG410", "info")]       # notes.csv
    assert report.decision == "block"


def test_an_aggregate_that_turned_row_level(tmp_path: Path) -> None:
    agg = [["Nationality", "Facility", "Detained"], *[[c, f, 30 + i] for i, (c, f) in
                                                      enumerate((c, f) for c in COUNTRIES[:4] for f in FACILITIES)]]
    old = release(tmp_path, "q1", {"table.xlsx": workbook(("Data", agg))})
    new = release(tmp_path, "q2", {"table.xlsx": workbook(("Data", microdata(3, 80)))})
    rules = [f.rule for f in diff(old, new, Config()).findings]
    assert "SG404" in rules and "SG403" in rules


def test_stale_period_from_file_names(tmp_path: Path) -> None:
    old = release(tmp_path, "a", {"FY24_Q2_stats.xlsx": stats(1, "FY24 Q2")})
    new = release(tmp_path, "b", {"FY24_Q1_stats.xlsx": stats(2, "FY24 Q1")})
    report = diff(old, new, Config())
    assert [f.rule for f in report.findings] == ["SG408"]
    assert "2024-03" in report.findings[0].title and "2024-06" in report.findings[0].title


def test_check_is_scan_plus_diff(tmp_path: Path, roster: list[Person]) -> None:
    rows = [["Name", "A-Number"], *[[p.name, p.a_number_as(0)] for p in roster[:30]]]
    old = release(tmp_path, "q1", {"FY24_Q1_stats.xlsx": stats(1, "FY24 Q1")})
    new = release(tmp_path, "q2", {"FY24_Q2_stats.xlsx": stats(2, "FY24 Q2", {"Extract": rows})})
    report = check(new, old, Config())
    assert [r for r in summary(report) if r[0] in ("SG201", "SG401", "SG407")] == [
        ("SG201", "hidden_sheet", ("A_NUMBER", "PERSON_NAME"), 30),
        ("SG401", "hidden_sheet", (), None), ("SG407", "visible", ("A_NUMBER", "PERSON_NAME"), None)]
    assert check(new, None, Config()).findings[0].rule == "SG201"


@pytest.mark.parametrize("command", ["diff", "check"])
def test_cli_exit_codes(tmp_path: Path, command: str) -> None:
    from typer.testing import CliRunner

    from spillguard.cli import app

    old = release(tmp_path, "q1", {"FY24_Q1_stats.xlsx": stats(1, "FY24 Q1")})
    new = release(tmp_path, "q2", {"FY24_Q2_stats.xlsx": stats(2, "FY24 Q2")})
    args = [command, str(old), str(new)] if command == "diff" else [command, str(new), "--previous", str(old)]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"decision": "pass"' in result.output
    missing = CliRunner().invoke(app, [command, str(tmp_path / "nope"), str(new)])
    assert missing.exit_code == 2


def test_the_cms_upload_hook(tmp_path: Path, roster: list[Person]) -> None:
    import os
    import subprocess
    import sys

    hook = Path(__file__).parent.parent / "docs" / "cms-upload-hook.sh"
    live = release(tmp_path, "live", {"FY24_Q1_stats.xlsx": stats(1, "FY24 Q1")})
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    good = release(tmp_path, "upload1", {"FY24_Q2_stats.xlsx": stats(2, "FY24 Q2")})
    done = subprocess.run(["bash", str(hook), str(good), str(live)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (live / "FY24_Q2_stats.xlsx").is_file()
    rows = [["Name", "A-Number"], *[[p.name, p.a_number_as(0)] for p in roster[:30]]]
    bad = release(tmp_path, "upload2", {"FY24_Q3_stats.xlsx": stats(3, "FY24 Q3", {"Extract": rows})})
    done = subprocess.run(["bash", str(hook), str(bad), str(live)], env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "NOT published" in done.stderr
    assert not (live / "FY24_Q3_stats.xlsx").exists()
    assert all(p.name not in (tmp_path / "upload2.spillguard-report.json").read_text() for p in roster[:30])


def test_removed_tables_and_columns(tmp_path: Path) -> None:
    old = release(tmp_path, "q1", {"stats.xlsx": workbook(
        ("By country", [["Country", "Detained", "Released"], *[[c, 100 + i, 90 + i] for i, c in enumerate(COUNTRIES)]]),
        ("By facility", [["Facility", "Detained"], *[[f, 200 + i] for i, f in enumerate(FACILITIES)]]))})
    new = release(tmp_path, "q2", {"stats.xlsx": workbook(
        ("By country", [["Country", "Detained"], *[[c, 110 + i] for i, c in enumerate(COUNTRIES)]]))})
    found = sorted((f.rule, f.severity.label, f.title) for f in diff(old, new, Config()).findings)
    assert found == [("SG402", "info", "Table of the previous release is gone: sheet 'By facility'"),
                     ("SG403", "info", "Columns of sheet 'By country': removed 'Released'")]
