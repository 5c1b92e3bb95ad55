"""The CLI contract: exit codes, formats, options, config, masking."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spillguard.cli import app
from spillguard.rules import RULES
from spillguard.synth.people import Person
from spillguard.synth.xlsx import Book
from tests.helpers import write

runner = CliRunner()


@pytest.fixture
def leaky(tmp_path: Path, roster: list[Person]) -> Path:
    book = Book()
    book.sheet("Stats", [["Facility", "Detainees"], ["Adelanto", 120]])
    book.sheet("Extract", [["Name", "A-Number", "DOB"]] + [[p.name, p.a_number_as(1), p.birth]
                                                           for p in roster[:30]], state="hidden")
    book.properties(author="Jorge Ramirez")
    return write(tmp_path, "leaky.xlsx", book.to_bytes())


@pytest.fixture
def visible(tmp_path: Path, roster: list[Person]) -> Path:
    book = Book()
    book.sheet("Data", [["Name", "A-Number"]] + [[p.name, p.a_number_as(0)] for p in roster[:10]])
    return write(tmp_path, "visible.xlsx", book.to_bytes())


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    book = Book()
    book.sheet("Stats", [["Facility", "Detainees"], ["Adelanto", 120], ["Stewart", 64]])
    return write(tmp_path, "clean.xlsx", book.to_bytes())


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_exit_codes(leaky: Path, clean: Path, tmp_path: Path) -> None:
    assert invoke("scan", clean).exit_code == 0
    assert invoke("scan", leaky).exit_code == 1
    assert invoke("scan", clean, leaky).exit_code == 1
    missing = invoke("scan", tmp_path / "nope.xlsx")
    assert missing.exit_code == 2 and "no such file" in missing.output
    assert invoke("scan", clean, "--fail-on", "severe").exit_code == 2
    bad_code = invoke("scan", clean, "--select", "XX1")
    assert bad_code.exit_code == 2 and "unknown rule code" in bad_code.output


def test_python_m_and_console_script(leaky: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "spillguard", "scan", str(leaky), "--format", "json"],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 1
    assert json.loads(out.stdout)["decision"] == "block"
    assert out.stderr == ""


def test_json_schema_version_1(leaky: Path, roster: list[Person]) -> None:
    result = invoke("scan", leaky, "--format", "json")
    doc = json.loads(result.stdout)
    assert set(doc) >= {"version", "tool", "decision", "findings", "errors", "stats"}
    assert (doc["version"], doc["tool"], doc["decision"]) == (1, "spillguard", "block")
    assert doc["stats"]["files"] == 1 and doc["stats"]["bytes"] == leaky.stat().st_size
    by_rule = {f["rule"]: f for f in doc["findings"]}
    assert sorted(by_rule) == ["SG201", "SG501"]
    f = by_rule["SG201"]
    assert f["severity"] == "critical" and f["visibility"] == "hidden_sheet"
    assert f["file"] == str(leaky) and f["location"]["sheet"] == "Extract"
    assert f["location"]["range"] == "A2:C31" and f["location"]["page"] is None
    assert f["entities"] == ["A_NUMBER", "PERSON_NAME", "DATE_OF_BIRTH"]
    assert f["records"] == 30 and len(f["samples"]) == 3
    assert f["samples"][0].startswith("A-2**-***-")
    names = {p.name for p in roster[:30]} | {p.a_number for p in roster[:30]} | {"Jorge Ramirez"}
    assert not any(n in result.stdout for n in names)


def test_show_values_is_explicit(leaky: Path, roster: list[Person]) -> None:
    doc = json.loads(invoke("scan", leaky, "--format", "json", "--show-values").stdout)
    samples = next(f["samples"] for f in doc["findings"] if f["rule"] == "SG201")
    assert samples[0] in {p.a_number_as(1) for p in roster[:30]}


def test_text_report_decision_first_and_masked(leaky: Path, roster: list[Person]) -> None:
    result = invoke("scan", leaky)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines[0].startswith("BLOCK — must not publish: 1 finding at or above high")
    assert "SG201" in result.stdout and "hidden_sheet" in result.stdout
    assert "30 records" in result.stdout
    assert not any(p.name in result.stdout or p.a_number in result.stdout for p in roster[:30])


def test_sarif(leaky: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    assert invoke("scan", leaky, "--format", "sarif", "--output", out).exit_code == 1
    doc = json.loads(out.read_text())
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    results = sorted(run["results"], key=lambda r: r["ruleId"])
    assert [(r["ruleId"], r["level"]) for r in results] == [("SG201", "error"), ("SG501", "note")]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == str(leaky).lstrip("/")
        assert loc["region"]["startLine"] == 1


def test_fail_on_select_and_ignore(visible: Path) -> None:
    assert invoke("scan", visible).exit_code == 1  # SG202 is high
    assert invoke("scan", visible, "--fail-on", "critical").exit_code == 0
    ignored = json.loads(invoke("scan", visible, "--ignore", "SG202", "--format", "json").stdout)
    assert (ignored["decision"], ignored["findings"], ignored["suppressed"]) == ("pass", [], 1)
    selected = json.loads(invoke("scan", visible, "--select", "SG5", "--format", "json").stdout)
    assert selected["decision"] == "pass"


def test_ignore_cannot_silence_inspection_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "truncated.xlsx", b"PK\x03\x04 not a zip")
    assert invoke("scan", path, "--ignore", "SG9,SG901").exit_code == 1


def test_config_files(visible: Path, tmp_path: Path) -> None:
    (tmp_path / "spillguard.toml").write_text('fail_on = "critical"\n')
    assert invoke("scan", visible, "--config", tmp_path / "spillguard.toml").exit_code == 0
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.spillguard]\nignore = ["SG202"]\n[tool.spillguard.severity]\nSG203 = "low"\n')
    assert invoke("scan", visible, "--config", pyproject).exit_code == 0
    (tmp_path / "bad.toml").write_text('fail_onn = "high"\n')
    bad = invoke("scan", visible, "--config", tmp_path / "bad.toml")
    assert bad.exit_code == 2 and "unknown setting" in bad.output
    (tmp_path / "show.toml").write_text("show_values = true\n")
    assert invoke("scan", visible, "--config", tmp_path / "show.toml").exit_code == 2


def test_config_is_discovered_upwards(visible: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "spillguard.toml").write_text('fail_on = "critical"\n')
    sub = tmp_path / "site" / "stats"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert invoke("scan", visible).exit_code == 0


def test_rules_lists_every_code() -> None:
    result = invoke("rules")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert listed == list(RULES)


def test_demo(tmp_path: Path) -> None:
    result = invoke("demo", tmp_path / "demo")
    assert result.exit_code == 0, result.output
    assert "Last quarter: pass (exit 0). Routine update: block (exit 1). check --previous: block (exit 1)." \
        in " ".join(result.stdout.split())
    # the publishing step against last quarter: the declared intent and the diff both catch the cache
    assert "SG311  Declared aggregate, but the pivot cache of 'Detainee extract'" in result.stdout
    assert "SG401  New row-level table since the previous release: the pivot" in result.stdout
    # the way out: a clean copy of the release, same aggregate numbers, passing the gate
    assert "Cleaned copy: pass." in " ".join(result.stdout.split())
    import openpyxl

    before = openpyxl.load_workbook(tmp_path / "demo/release/FY24_Q1_detentionStats.xlsx")
    after = openpyxl.load_workbook(tmp_path / "demo/clean/FY24_Q1_detentionStats.xlsx")
    assert after.sheetnames == before.sheetnames == ["Facilities FY24", "Citizenship FY24"]
    for name in before.sheetnames:
        assert [[c.value for c in r] for r in after[name].iter_rows()] == \
            [[c.value for c in r] for r in before[name].iter_rows()]
    assert invoke("scan", tmp_path / "demo/clean").exit_code == 0
    flat = " ".join(result.stdout.split())
    # copied by hand into a gated web root: never served, the office alerted; last quarter served
    assert "GET /detention-statistics/FY23_Q4_detentionStats.xlsx → 200" in flat
    assert "GET /detention-statistics/FY24_Q1_detentionStats.xlsx → 403" in flat
    assert "ALERT 1 to the privacy office: http://127.0.0.1/detention-statistics/FY24_Q1_detentionStats.xlsx " \
           "refused — CRITICAL SG201" in flat or "ALERT 1 to the privacy office: /detention-statistics/" \
           "FY24_Q1_detentionStats.xlsx refused — CRITICAL SG201" in flat
    # had the gate been skipped: the watcher catches the update in seconds
    assert "ALERT 1 after" in flat and "FY24_Q1_detentionStats.xlsx — CRITICAL SG201" in flat
    # had it gone out: the incident, from the leaked file, the web log and the case system
    assert "affected people: 6,252" in flat
    assert "downloaders in the 4.32 h window: 7 (1 archive, 1 crawler, 5 visitor)" in flat
    report = invoke("incident", "report", "--format", "json", "--db", str(tmp_path / "demo/incident.db"))
    data = json.loads(report.stdout)
    assert (data["affected"], len(data["downloaders"]), data["risk"]["level"]) == (6252, 7, "HIGH")
    assert sum(data["holds"].values()) == 6252 and data["holds"]["unassessed"] == 0
    # every person gets a notice in their language, or is on the interpreter worklist: never English
    # in silence (the roster: underscore headers, ISO date-times with zones, languages as names and codes)
    worklist = (tmp_path / "demo/incident/interpreter-worklist.csv").read_text(encoding="utf-8").splitlines()[1:]
    notices = list((tmp_path / "demo/incident/notices").glob("*.txt"))
    assert len(notices) + len(worklist) == 6252
    assert {p.stem.rsplit("-", 1)[1] for p in notices} == {"es", "ht", "pt", "zh", "ru", "ar", "fr"}
    assert {line.split(",")[1] for line in worklist} == {"hi"}  # no Hindi template yet
    assert data["holds"]["removed_before_exposure"] > 0 and data["holds"]["removed_after_notice"] > 0
    assert "6,252 personal records in a pivot table's cache" in result.stdout
    assert "no longer in the workbook" in result.stdout
    assert (tmp_path / "demo/published/FY23_Q4_detentionStats.xlsx").is_file()
    release = tmp_path / "demo/release/FY24_Q1_detentionStats.xlsx"
    assert invoke("scan", release).exit_code == 1
    # the prose example: the methodology note names a detainee, not the Secretary
    memo = invoke("scan", tmp_path / "demo/release/FY24_Q1_methodology.txt", "--format", "json")
    assert memo.exit_code == 1  # a named detainee with a birth date: a personal record, it blocks
    finding = json.loads(memo.stdout)["findings"][0]
    assert (finding["rule"], finding["location"]["line"], finding["location"]["column"]) == ("SG209", 6, 10)
    assert [d["entity"] for d in finding["detections"]] == [
        "PERSON_NAME", "A_NUMBER", "NATIONALITY", "DATE_OF_BIRTH", "FACILITY"]
    assert "Whitfield" not in memo.stdout
    # the press release's black boxes hide a name and an A-number that are still in the PDF
    press = invoke("scan", tmp_path / "demo/release/FY24_Q1_press_release.pdf", "--format", "json")
    assert press.exit_code == 1
    assert [(f["rule"], f["visibility"], f["entities"]) for f in json.loads(press.stdout)["findings"]] == [
        ("SG211", "under_redaction", ["A_NUMBER", "PERSON_NAME"])]
