"""The README's rule table says what `spillguard rules` says: for every row naming single codes
(``SG209``, ``SG203 / SG204``) the default severities match the rule registry."""

from __future__ import annotations

import re
from pathlib import Path

from spillguard.rules import RULES

README = Path(__file__).resolve().parents[1] / "README.md"


def rows() -> list[tuple[list[str], list[str]]]:
    text = README.read_text(encoding="utf-8")
    table = text.split("## Rules", 1)[1]
    out = []
    for line in table.splitlines():
        m = re.match(r"^\| (SG\d{3}(?: / SG\d{3})*) \| ([a-z]+(?: / [a-z]+)*) \|", line)
        if m:
            out.append((m.group(1).split(" / "), m.group(2).split(" / ")))
    return out


def test_the_readme_severity_table_matches_the_registry() -> None:
    found = rows()
    assert len(found) >= 20  # the table is there and read
    for codes, severities in found:
        if len(severities) == 1:
            severities = severities * len(codes)
        assert [RULES[c].default.label for c in codes] == severities, codes
    assert "SG211" in {c for codes, _ in found for c in codes}


def test_the_rule_of_evidence_in_the_readme_is_the_registry_s() -> None:
    """Issue 30: the README's table of what blocks and what is only reported is exactly
    ``rules.EVIDENCE`` rendered, and each clause's severity comes from the registry."""
    from spillguard.model import Severity
    from spillguard.rules import EVIDENCE, evidence_table

    text = README.read_text(encoding="utf-8")
    section = text.split("## What blocks and what is only reported", 1)[1].split("\n## ", 1)[0]
    assert evidence_table() in section
    for clause in EVIDENCE:
        rule = RULES[clause.rule]
        assert clause.severity == (rule.default if clause.variant is None else dict(rule.variants)[clause.variant])
    blocking = {c.rule for c in EVIDENCE if c.severity >= Severity.HIGH}
    reported = {(c.rule, c.variant) for c in EVIDENCE if c.severity < Severity.HIGH}
    # where something sits never blocks alone: hidden structure and single names are reported
    assert {("SG116", None), ("SG208", "one incidental name"), ("SG505", None), ("SG501", None)} <= reported
    assert {"SG209", "SG211", "SG201", "SG202", "SG302", "SG906"} <= blocking
