"""File-level checks once every table of a file has been read: row-level tables beside
aggregate ones (SG301), and each promise of the file's declared intent (SG311, SG314, SG315;
SG312/SG313 are the small-cell and k-anonymity findings under a declared threshold)."""

from __future__ import annotations

from dataclasses import dataclass

from spillguard.checks.content import words
from spillguard.checks.disclosure import Observed
from spillguard.intent import Intent
from spillguard.model import Entity, Finding, Location, Visibility
from spillguard.rules import RULES

#: findings that already say "one row per identified person"
PER_PERSON = ("SG201", "SG202", "SG302")


@dataclass(slots=True)
class TableResult:
    observed: Observed
    main: Finding | None
    location: Location
    visibility: Visibility
    #: a finding already says the table holds one row per identified person (SG201/202/302)
    per_person: bool = False


def _finding(rule: str, title: str, location: Location, visibility: Visibility, why: str) -> Finding:
    return Finding(rule=rule, severity=RULES[rule].default, title=title, location=location,
                   visibility=visibility, why=why)


def table_findings(file: str, tables: list[TableResult], intent: Intent | None) -> list[Finding]:
    out: list[Finding] = []
    kinds = [t.observed.shape.kind for t in tables]
    for t in tables:
        if t.observed.shape.kind != "microdata":
            continue
        where = (t.observed.summary.key if t.observed.summary else None) or t.location.part or "a table"
        if intent is not None and intent.kind == "aggregate":
            out.append(_finding("SG311", f"Declared aggregate, but {where} is row-level", t.location, t.visibility,
                                f"intent {intent.describe()}: {t.observed.shape.why}"))
        elif "aggregate" in kinds and not t.per_person:
            out.append(_finding("SG301", f"A row-level table ({where}) beside aggregate tables", t.location,
                                t.visibility, f"{t.observed.shape.why}; the file's other tables are aggregates"))
    if intent is not None and intent.sheets is not None:
        declared = set(intent.sheets)
        extra = sorted({t.location.sheet for t in tables if t.location.sheet and t.location.sheet not in declared})
        if extra:
            names = ", ".join(f"'{s}'" for s in extra)
            out.append(_finding("SG315", f"Sheets the intent does not list: {names}", Location(file=file),
                                Visibility.VISIBLE, f"intent {intent.describe()} lists sheets "
                                f"{', '.join(repr(s) for s in intent.sheets)}"))
    if intent is not None and intent.columns is not None:
        declared = {c.strip().lower() for c in intent.columns}
        extra = sorted({h for t in tables for h in (t.observed.summary.headers if t.observed.summary else [])
                        if h.strip() and h.strip().lower() not in declared})
        if extra:
            names = ", ".join(f"'{h}'" for h in extra[:10])
            out.append(_finding("SG315", f"Columns the intent does not list: {names}", Location(file=file),
                                Visibility.VISIBLE, f"intent {intent.describe()} lists columns "
                                f"{', '.join(repr(c) for c in intent.columns)}"))
    return out


def allowed_entities(file: str, findings: list[Finding], intent: Intent) -> tuple[list[Finding], list[Finding], int]:
    """Split the file's SG2xx findings by the intent's ``allow`` list: those wholly allowed (in
    plain view) are dropped; anything else is kept, and personal data outside the list adds one
    SG314 finding. Returns (kept, added, dropped count)."""
    assert intent.allow is not None
    allowed = set(intent.allow)
    kept: list[Finding] = []
    dropped = 0
    outside: set[Entity] = set()
    for f in findings:
        if not f.rule.startswith("SG2"):
            kept.append(f)
            continue
        extra = set(f.entities) - allowed
        if not extra and f.visibility is Visibility.VISIBLE:
            dropped += 1
            continue
        outside |= extra
        kept.append(f)
    added = []
    if outside:
        order = [e for e in Entity if e in outside]
        may = words([e for e in Entity if e in allowed]) if allowed else "no personal data"
        added.append(_finding("SG314", f"Holds {words(order)}; its intent allows only {may}", Location(file=file),
                              Visibility.VISIBLE, f"intent {intent.describe()}"))
    return kept, added, dropped
