"""The gate on real files nobody here wrote (``spillguard eval --real``): held to the committed
thresholds in ``realworld_thresholds.json`` (raise them as the scores improve, never lower them).
Skips where ../shared/realworld is absent (a user's clone)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spillguard.evaluate_real import CHANNELS, SCORES, below, evaluate_real, judge, load_thresholds

HERE = Path(__file__).parent
REAL = HERE.parents[1] / "shared" / "realworld"


def test_real_files_hold_the_committed_thresholds() -> None:
    if not (REAL / "expected.json").exists():
        pytest.skip("../shared/realworld is not here: the real-file evaluation needs it")
    bars = load_thresholds(HERE / "realworld_thresholds.json")
    result = evaluate_real(REAL)
    lines = [f"{v.expect}: {v.file}: {v.detail}" for v in result.disagreements()]
    assert below(result, bars) == [], "\n".join(lines)
    assert set(bars) == set(SCORES)


def test_judge_scores_each_expectation_kind(tmp_path: Path) -> None:
    entries = [
        {"file": "a.xlsx", "expect": "pass"}, {"file": "b.csv", "expect": "block"},
        {"file": "c.xlsx", "expect": "report hidden content", "hidden": ["hidden_row", "annotation", "metadata"]},
        {"file": "d.pdf", "expect": "no hidden-channel alarm"}, {"file": "e.xls", "expect": "either"},
    ]

    def f(file: str, rule: str, severity: str, visibility: str) -> dict:
        return {"file": str(tmp_path / file), "rule": rule, "severity": severity, "visibility": visibility,
                "title": "t"}

    report = {"findings": [
        f("a.xlsx", "SG205", "medium", "visible"),
        f("b.csv", "SG901", "critical", "visible"),  # an SG9xx alone is no block by content
        f("c.xlsx", "SG105", "low", "filtered_or_grouped"), f("c.xlsx", "SG113", "low", "comment"),
        f("d.pdf", "SG122", "high", "under_redaction"),
    ]}
    result = judge(entries, report, tmp_path, stdout_json=False)
    assert result.counts == {"aggregates_passed": (1, 1), "personal_blocked": (0, 1), "hidden_reported": (2, 3),
                             "controls_quiet": (0, 1), "stdout_json": (0, 1)}
    assert [(v.file, v.ok) for v in result.verdicts] == [
        ("a.xlsx", True), ("b.csv", False), ("c.xlsx", False), ("d.pdf", False)]
    assert result.channels == {"hidden_row": (1, 1), "annotation": (1, 1), "metadata": (0, 1)}
    assert "filtered_or_grouped" in CHANNELS["hidden_row"]
    assert below(result, {"aggregates_passed": 1.0, "personal_blocked": 1.0}) == ["personal_blocked: 0.000 < 1.000"]
    json.dumps(result.to_json())


def test_person_name_precision_and_recall_on_hand_labels_hold() -> None:
    """Issue 30: PERSON_NAME on hand-labelled real cells and lines (digests only, see
    tests/realworld_person_names.json), tables and prose apart, held to the figures reached."""
    if not (REAL / "expected.json").exists():
        pytest.skip("../shared/realworld is not here: the real-file evaluation needs it")
    from spillguard.evaluate_names import evaluate_names, load_labels

    scores = evaluate_names(REAL.resolve(), load_labels(HERE / "realworld_person_names.json"))
    assert (scores.tables.unmatched, scores.prose.unmatched) == (0, 0)
    assert scores.tables.precision >= 0.95 and scores.tables.recall >= 0.95, scores.to_json()
    assert scores.prose.precision >= 0.85 and scores.prose.recall >= 0.75, scores.to_json()


def test_name_scores_count_cells_and_lines_exactly(tmp_path: Path) -> None:
    from spillguard.evaluate_names import digest, evaluate_names
    from spillguard.synth.docx import Memo
    from spillguard.synth.xlsx import Book

    book = Book()
    book.sheet("People", [["Name", "County"], ["Maria Lopez", "Adams"], ["Jose Perez", "Baker"]])
    (tmp_path / "t.xlsx").write_bytes(book.to_bytes())
    memo = Memo()
    memo.para("Detainee Maria Lopez was moved to Otay Mesa.")
    memo.para("Quarterly statistics Report")
    (tmp_path / "m.docx").write_bytes(memo.to_bytes())
    labels = [
        {"kind": "cell", "file": "t.xlsx", "sha256": digest("Maria Lopez"), "person": True},
        {"kind": "cell", "file": "t.xlsx", "sha256": digest("Adams"), "person": False},
        {"kind": "cell", "file": "t.xlsx", "sha256": digest("Jose Perez"), "person": False},  # a wrong label: fp
        {"kind": "line", "file": "m.docx", "sha256": digest("Detainee Maria Lopez was moved to Otay Mesa."),
         "people": 2},  # one more than there is: a miss
        {"kind": "line", "file": "m.docx", "sha256": digest("Quarterly statistics Report"), "people": 0},
        {"kind": "line", "file": "m.docx", "sha256": digest("not in the file"), "people": 1},
    ]
    scores = evaluate_names(tmp_path, labels)
    assert scores.to_json() == {
        "tables": {"precision": 0.5, "recall": 1.0, "tp": 1, "fp": 1, "fn": 0, "tn": 1, "unmatched": 0},
        "prose": {"precision": 1.0, "recall": 0.5, "tp": 1, "fp": 0, "fn": 1, "tn": 1, "unmatched": 1}}


def test_combined_expectations_are_scored_and_unknown_ones_refused(tmp_path: Path) -> None:
    from spillguard.errors import UsageError
    from spillguard.evaluate_real import parse_expect

    assert [parse_expect(e) for e in ("pass", "pass, report hidden content", "either, report hidden content",
                                      "report hidden content", "no hidden-channel alarm")] == [
        ("pass", False), ("pass", True), ("either", True), (None, True), ("control", False)]
    with pytest.raises(UsageError):
        parse_expect("pass, maybe")
    entries = [
        {"file": "a.xlsx", "expect": "pass, report hidden content", "hidden": ["hidden_sheet", "chart_cache"]},
        {"file": "b.docx", "expect": "block, report hidden content", "hidden": ["comment"]},
        {"file": "c.pdf", "expect": "either, report hidden content", "hidden": ["earlier_revision"]},
        {"file": "d.pdf", "expect": "either"},
    ]

    def f(file: str, rule: str, severity: str, visibility: str) -> dict:
        return {"file": str(tmp_path / file), "rule": rule, "severity": severity, "visibility": visibility,
                "title": "t"}

    report = {"findings": [
        f("a.xlsx", "SG116", "low", "hidden_sheet"), f("a.xlsx", "SG109", "info", "chart_cache"),
        f("b.docx", "SG113", "low", "comment"),  # reported, but nothing blocks it: not blocked by content
        f("c.pdf", "SG209", "high", "visible"),
    ]}
    result = judge(entries, report, tmp_path, stdout_json=True)
    assert result.counts == {"aggregates_passed": (1, 1), "personal_blocked": (0, 1), "hidden_reported": (3, 4),
                             "controls_quiet": (0, 0), "stdout_json": (1, 1)}
    assert [(v.file, v.ok) for v in result.verdicts] == [("a.xlsx", True), ("b.docx", False), ("c.pdf", False)]
    with pytest.raises(UsageError):
        judge([{"file": "e.pdf", "expect": "pass if lucky"}], report, tmp_path, stdout_json=True)
