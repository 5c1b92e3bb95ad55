"""``spillguard diff OLD NEW``: what a routine update changed (SG4xx).

Files are matched by their path inside the release, then by name, then by their name with the
digits taken out (``FY24_Q1_stats.xlsx`` ↔ ``FY24_Q2_stats.xlsx``: a routine update renames
its file). Tables are matched by part, sheet and label. Findings:

- SG401 a new table (high when it is row-level) · SG402 a table gone
- SG403 new columns · SG404 an aggregate table that turned row-level
- SG405 row count beyond the tolerance · SG406 file size beyond the tolerance
- SG407 personal data of a new kind · SG408 the latest period is not later than last time
- SG409 a new file · SG410 a file gone
"""

from __future__ import annotations

import re

from spillguard.checks.content import words
from spillguard.config import DiffSettings
from spillguard.model import Entity, Finding, Location, Severity, Visibility
from spillguard.release.survey import FileInfo, Release
from spillguard.rules import RULES


def _f(rule: str, title: str, location: Location, why: str, visibility: Visibility = Visibility.VISIBLE,
       severity: Severity | None = None, entities: list[Entity] | None = None, rows: int | None = None) -> Finding:
    return Finding(rule=rule, severity=RULES[rule].default if severity is None else severity, title=title,
                   location=location, visibility=visibility, why=why, entities=entities or [], rows=rows)


def _loose(name: str) -> str:
    return re.sub(r"\d+", "#", name.lower())


def match_files(old: Release, new: Release) -> tuple[list[tuple[FileInfo, FileInfo]], list[FileInfo], list[FileInfo]]:
    pairs: list[tuple[FileInfo, FileInfo]] = []
    left = dict(old.files)
    unmatched: list[FileInfo] = []
    for name, info in new.files.items():
        if name in left:
            pairs.append((left.pop(name), info))
        else:
            unmatched.append(info)
    for how in (lambda n: n.rsplit("/", 1)[-1].lower(), lambda n: _loose(n.rsplit("/", 1)[-1])):
        still = []
        for info in unmatched:
            candidates = [o for o in left.values() if how(o.name) == how(info.name)]
            if len(candidates) == 1:
                pairs.append((candidates[0], info))
                del left[candidates[0].name]
            else:
                still.append(info)
        unmatched = still
    return pairs, unmatched, list(left.values())


def _table_where(t) -> str:  # TableSummary
    return t.key if t.key != "(whole file)" else "the file's table"


def diff_releases(old: Release, new: Release, settings: DiffSettings | None = None) -> list[Finding]:
    s = settings or DiffSettings()
    out: list[Finding] = []
    pairs, added, removed = match_files(old, new)
    for info in added:
        loc = Location(file=info.shown)
        out.append(_f("SG409", f"New file since the previous release: {info.name}", loc,
                      "not in the previous release (by path, by name, or by name without its numbers)"))
        for t in info.tables:
            if t.kind == "microdata":
                out.append(_f("SG401", f"New row-level table in a new file: {_table_where(t)}",
                              Location(file=info.shown, sheet=t.sheet), t.why, Visibility(t.visibility),
                              severity=Severity.HIGH, rows=t.rows))
    for info in removed:
        out.append(_f("SG410", f"File of the previous release is gone: {info.name}", Location(file=info.shown),
                      "in the previous release, not in this one"))
    for before, after in pairs:
        out.extend(_file_diff(before, after, s))
    old_period, new_period = old.period, new.period
    if s.stale_period and old_period and new_period and new_period <= old_period:
        what = "is older than" if new_period < old_period else "is the same as"
        out.append(_f("SG408", f"The release's latest period ({new_period}) {what} the previous release's "
                      f"({old_period})", Location(file=new.root.as_posix()),
                      "a routine update should move forward: a stale or regressed period suggests the wrong "
                      "file or an old extract"))
    return out


def _file_diff(before: FileInfo, after: FileInfo, s: DiffSettings) -> list[Finding]:
    out: list[Finding] = []
    loc = Location(file=after.shown)
    old_tables = {t.key: t for t in before.tables}
    new_tables = {t.key: t for t in after.tables}
    # a routine update renames 'Facilities FY23' to 'Facilities FY24': match the rest loosely
    loose_old = {_loose(k): k for k in old_tables if k not in new_tables}
    for key in [k for k in new_tables if k not in old_tables]:
        match = loose_old.pop(_loose(key), None)
        if match is not None:
            old_tables[key] = old_tables.pop(match)
    for key, t in new_tables.items():
        where = Location(file=after.shown, sheet=t.sheet)
        vis = Visibility(t.visibility)
        prev = old_tables.get(key)
        if prev is None:
            severity = Severity.HIGH if t.kind == "microdata" else None
            shape = "row-level table" if t.kind == "microdata" else "table"
            out.append(_f("SG401", f"New {shape} since the previous release: {_table_where(t)} ({t.rows:,} rows)",
                          where, t.why or "not in the previous release's file", vis, severity=severity, rows=t.rows))
            continue
        new_cols = [h for h in t.headers if h.strip() and h not in prev.headers]
        gone_cols = [h for h in prev.headers if h.strip() and h not in t.headers]
        if new_cols or gone_cols:
            said = []
            if new_cols:
                said.append("added " + ", ".join(f"'{h}'" for h in new_cols[:8]))
            if gone_cols:
                said.append("removed " + ", ".join(f"'{h}'" for h in gone_cols[:8]))
            out.append(_f("SG403", f"Columns of {_table_where(t)}: {'; '.join(said)}", where,
                          "the columns differ from the previous release's table", vis,
                          severity=None if new_cols else Severity.INFO))
        if prev.kind == "aggregate" and t.kind == "microdata":
            out.append(_f("SG404", f"{_table_where(t)} was aggregate and is row-level now", where, t.why, vis,
                          rows=t.rows))
        grew = abs(t.rows - prev.rows)
        if grew >= s.min_rows and prev.rows and not (1 / (1 + s.rows) <= t.rows / prev.rows <= 1 + s.rows):
            out.append(_f("SG405", f"{_table_where(t)}: {prev.rows:,} rows before, {t.rows:,} now", where,
                          f"beyond the tolerance of ±{s.rows:.0%}", vis, rows=t.rows))
    for key, t in old_tables.items():
        if key not in new_tables:
            out.append(_f("SG402", f"Table of the previous release is gone: {_table_where(t)}", loc,
                          "in the previous release's file, not in this one"))
    if before.size and after.size:
        ratio = after.size / before.size
        if ratio > s.size or ratio < 1 / s.size:
            out.append(_f("SG406", f"File size {before.size:,} → {after.size:,} bytes ({ratio:.1f}×)", loc,
                          f"beyond the tolerance of {s.size:g}×"))
    fresh = [e for e in Entity if e in after.entities - before.entities]
    if fresh:
        out.append(_f("SG407", f"Personal data the previous release did not hold: {words(fresh)}", loc,
                      "new kinds of personal data since the previous release", entities=fresh))
    return out
