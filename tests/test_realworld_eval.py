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
