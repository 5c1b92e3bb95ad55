"""Baselines: keyed fingerprints survive reordered rows and moved sheets, changed data
invalidates them, no plaintext is stored, a wrong key is refused; create / update / audit."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spillguard.baseline import Baseline
from spillguard.cli import app
from spillguard.config import Config
from spillguard.errors import UsageError
from spillguard.scan import scan
from spillguard.synth.people import Person
from tests.checks.test_disclosure import workbook

KEY = b"test-key-0123456789"
SUMMARY = [["Country", "Detained"], ["Guatemala", 212], ["Honduras", 187], ["Mexico", 140]]


def roster_rows(people: list[Person]) -> list[list[object]]:
    return [["Name", "A-Number", "Date of Birth"], *[[p.name, p.a_number_as(0), p.birth] for p in people]]


def fingerprints(path: Path, base: Baseline) -> set[str]:
    return {base.fingerprint(f) for f in scan([path]).findings}


def test_reordered_rows_and_moved_sheets_keep_their_fingerprints(tmp_path: Path, roster: list[Person]) -> None:
    base = Baseline(tmp_path / ".spillguard-baseline.json", KEY)
    path = write_book(tmp_path / "site", ("Summary", SUMMARY), ("Extract", roster_rows(roster[:30])))
    fp_a = fingerprints(path, base)
    shuffled = roster[:30]
    random.Random(4).shuffle(shuffled)
    write_book(tmp_path / "site", ("Extract", roster_rows(shuffled)), ("Summary", SUMMARY))  # re-published
    assert fp_a and fp_a == fingerprints(path, base)


def test_changed_data_invalidates(tmp_path: Path, roster: list[Person]) -> None:
    base = Baseline(tmp_path / ".spillguard-baseline.json", KEY)
    path = write_book(tmp_path / "site", ("Extract", roster_rows(roster[:30])))
    before = fingerprints(path, base)
    other_key = Baseline(base.path, b"another-key")
    assert before.isdisjoint(fingerprints(path, other_key))
    write_book(tmp_path / "site", ("Extract", roster_rows(roster[:29] + roster[40:41])))  # one person changed
    assert before.isdisjoint(fingerprints(path, base))


def write_book(folder: Path, *sheets: tuple[str, list[list[object]]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "stats.xlsx"
    path.write_bytes(workbook(*sheets))
    return path


def test_create_then_scan_with_the_baseline(tmp_path: Path, roster: list[Person], monkeypatch) -> None:
    monkeypatch.setenv("SPILLGUARD_BASELINE_KEY", KEY.decode())
    monkeypatch.chdir(tmp_path)
    path = write_book(tmp_path / "site", ("Directory", [["Name", "Phone"], *[[p.name, f"(202) 555-{1000 + i}"]
                                                                             for i, p in enumerate(roster[:12])]]))
    runner = CliRunner()
    made = runner.invoke(app, ["baseline", "create", "site", "--reason", "public staff directory",
                               "--by", "Privacy Office"])
    assert made.exit_code == 0, made.output
    stored = json.loads((tmp_path / ".spillguard-baseline.json").read_text())
    text = json.dumps(stored)
    assert all(p.name not in text and p.given not in text for p in roster[:12])  # never plaintext
    assert [(e["rule"], e["file"], e["accepted_by"], e["reason"]) for e in stored["entries"]] == [
        ("SG202", "site/stats.xlsx", "Privacy Office", "public staff directory")]
    blocked = runner.invoke(app, ["scan", "site", "--format", "json"])
    assert blocked.exit_code == 1
    passed = runner.invoke(app, ["scan", "site", "--baseline", ".spillguard-baseline.json", "--format", "json"])
    assert passed.exit_code == 0, passed.output
    assert json.loads(passed.output)["baselined"] == 1
    # the same file with one more person is a new finding
    path.write_bytes(workbook(("Directory", [["Name", "Phone"], *[[p.name, f"(202) 555-{1000 + i}"]
                                                                  for i, p in enumerate(roster[:13])]])))
    again = runner.invoke(app, ["scan", "site", "--baseline", ".spillguard-baseline.json"])
    assert again.exit_code == 1


def test_update_and_audit(tmp_path: Path, roster: list[Person], monkeypatch) -> None:
    monkeypatch.setenv("SPILLGUARD_BASELINE_KEY", KEY.decode())
    monkeypatch.chdir(tmp_path)
    write_book(tmp_path / "site", ("Extract", roster_rows(roster[:20])))
    runner = CliRunner()
    assert runner.invoke(app, ["baseline", "create", "site", "--reason", "r1", "--by", "A"]).exit_code == 0
    write_book(tmp_path / "site", ("Extract", roster_rows(roster[:21])))
    updated = runner.invoke(app, ["baseline", "update", "site", "--reason", "r2", "--by", "B"])
    assert "1 added, 1 dropped" in updated.output
    listing = runner.invoke(app, ["baseline", "audit", "--json"])
    entries = json.loads(listing.output)
    assert [(e["accepted_by"], e["reason"]) for e in entries] == [("B", "r2")]
    gone = runner.invoke(app, ["baseline", "audit", "--drop", entries[0]["fingerprint"][:10], "--no-interactive"])
    assert gone.exit_code == 0
    assert json.loads((tmp_path / ".spillguard-baseline.json").read_text())["entries"] == []


def test_interactive_audit(tmp_path: Path, roster: list[Person], monkeypatch) -> None:
    monkeypatch.setenv("SPILLGUARD_BASELINE_KEY", KEY.decode())
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "stats.xlsx").write_bytes(workbook(("Extract", roster_rows(roster[:20])),
                                                            ("Notes", [["Note", "By"], ["x", "y"]]), hidden=("Notes",)))
    runner = CliRunner()
    assert runner.invoke(app, ["baseline", "create", "site", "--reason", "r", "--by", "A"]).exit_code == 0
    before = json.loads((tmp_path / ".spillguard-baseline.json").read_text())["entries"]
    assert len(before) == 2
    # keep the first entry, drop the second
    result = runner.invoke(app, ["baseline", "audit", "--interactive"], input="y\nn\n")
    assert result.exit_code == 0, result.output
    assert "accepted by A" in result.output and result.output.count("keep it?") == 2
    after = json.loads((tmp_path / ".spillguard-baseline.json").read_text())["entries"]
    assert [e["fingerprint"] for e in after] == [before[0]["fingerprint"]]


def test_a_wrong_or_missing_key_is_refused(tmp_path: Path, roster: list[Person], monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_book(tmp_path / "site", ("Extract", roster_rows(roster[:20])))
    monkeypatch.setenv("SPILLGUARD_BASELINE_KEY", "one")
    assert CliRunner().invoke(app, ["baseline", "create", "site", "--reason", "x"]).exit_code == 0
    monkeypatch.setenv("SPILLGUARD_BASELINE_KEY", "two")
    with pytest.raises(UsageError, match="another key"):
        Baseline.load(tmp_path / ".spillguard-baseline.json", b"two")
    result = CliRunner().invoke(app, ["scan", "site", "--baseline", ".spillguard-baseline.json"])
    assert result.exit_code == 2 and "another key" in result.output
    monkeypatch.delenv("SPILLGUARD_BASELINE_KEY")
    result = CliRunner().invoke(app, ["scan", "site", "--baseline", ".spillguard-baseline.json"])
    assert result.exit_code == 2 and "SPILLGUARD_BASELINE_KEY" in result.output
    assert Config().baseline is None
