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
