"""Matching the affected people to a case-system export, and the removal-hold register.

The roster (CSV: A-number, name, birth date, preferred language, custody status, facility,
attorney of record name / e-mail / postal address, removal date; column names configurable) is
matched **exactly on the A-number** through the keyed HMAC the store holds. People found in the
leaked file without an A-number are matched on name + birth date: exactly, or — with the leaked
file given again, read in memory only — by a careful fuzzy name match (rapidfuzz) among the
roster rows with the same birth date; a close second candidate makes it *ambiguous*, listed for
review, never guessed.

Hold statuses, from custody, removal date and the exposure window: ``hold`` (in custody: no
removal until reviewed), ``removed_before_exposure``, ``removed_during_exposure``,
``removed_before_notice`` (after the exposure, before a notice could reach them; flag for
return-assistance review), ``released``.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz
from sqlalchemy import select

from spillguard.config import Config
from spillguard.detect import BY_ENTITY
from spillguard.errors import SpillguardError, UsageError
from spillguard.model import Entity
from spillguard.respond import roster_read
from spillguard.respond.models import Attorney, Incident, Person
from spillguard.respond.people import extract, person_key
from spillguard.respond.roster_read import Understood
from spillguard.respond.store import Store

FUZZY_MIN = 90  # token-sort similarity (0–100) for a name match on the same birth date
FUZZY_MARGIN = 5  # the best candidate must beat the second by this much
#: the reason a hold decision taken from the roster carries; any other reason is a person's decision
FROM_ROSTER = "from the roster"


class RosterRefused(SpillguardError):
    """The roster was not understood well enough to be used; nothing was written."""

    def __init__(self, understood: Understood) -> None:
        super().__init__("; ".join(understood.errors))
        self.understood = understood


@dataclass(slots=True)
class Matching:
    matched: int = 0
    by_name: int = 0
    ambiguous: list[str] = field(default_factory=list)  # masked labels, for review
    not_in_roster: list[str] = field(default_factory=list)
    roster_rows: int = 0


def _norm(entity: Entity, values: list[str]) -> list[str]:
    """Normalised values; an empty cell stays empty (an empty A-number is not 000000000)."""
    normal = BY_ENTITY[entity].normalize(pl.Series(values, dtype=pl.Utf8)).fill_null("").to_list()
    return [str(n) if (v or "").strip() else "" for v, n in zip(values, normal, strict=True)]


def read_roster(path: Path, mapping: dict[str, str]) -> list[dict[str, str]]:
    """The roster's rows by field (``roster_read``), for the exports that find people again."""
    understood = roster_read.read(path, mapping)
    if "a_number" not in understood.columns and "name" not in understood.columns:
        raise UsageError(f"{path.name}: {understood.errors[0]}")
    return understood.rows


def normalised(rows: list[dict[str, str]]) -> tuple[list[str], list[str], list[str]]:
    """Each row's A-number, name and birth date, normalised as the store keys them."""
    return (_norm(Entity.A_NUMBER, [r.get("a_number", "") for r in rows]),
            _norm(Entity.PERSON_NAME, [r.get("name", "") for r in rows]),
            _norm(Entity.DATE_OF_BIRTH, [r.get("birth_date", "") for r in rows]))


def _row_key(store: Store, a: str, name: str, birth: str) -> str:
    return store.hmac(f"R:A:{a}") if a else store.hmac(f"R:N:{name}|{birth}")


def _aware(when: dt.datetime | None) -> dt.datetime | None:
    return when if when is None or when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def hold_status(incident: Incident, category: str, removal: dt.datetime | None, notice: dt.datetime,
                day_only: bool = False) -> str:
    """The register's status from the roster: a removal date-time compared to the exposure window
    to the minute (a date alone to the day: removed on the publication day may be during it); a
    removal after the notice date is a scheduled one while the person is in custody."""
    published = _aware(incident.published_at)
    ended = _aware(incident.removed_at or incident.published_at)
    if removal is not None and day_only:  # the day's first and last minute, where they decide
        day = removal.date()
        published, ended = (dt.datetime.combine(published.date(), dt.time(0), tzinfo=dt.UTC),
                            dt.datetime.combine(ended.date(), dt.time(0), tzinfo=dt.UTC))
        removal = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)
        notice = dt.datetime.combine(notice.date(), dt.time(0), tzinfo=dt.UTC)
    if category == "lifted":
        return "lifted"
    if removal is not None and (removal <= notice or category == "removed"):
        if removal < published:
            return "removed_before_exposure"
        if removal <= ended:
            return "removed_during_exposure"
        return "removed_before_notice" if removal <= notice else "removed_after_notice"
    if category == "removed":
        return "removed_date_unknown"  # never promised a hold: the review must find the date
    if category == "released":
        return "released"
    return "hold"


#: what decides a person's hold or letters: rows of one person that differ here conflict
_DECISIVE = ("_category", "_removal_date", "custody", "facility", "address", "attorney_name", "attorney_email",
             "_language")
#: how protective a custody category is, for ``--duplicates protective`` (lowest kept)
_PROTECTIVE = {"in_custody": 0, "unknown": 1, "unmapped": 1, "released": 2, "lifted": 3, "removed": 4}
DUPLICATE_CHOICES = ("first", "last", "protective")


def understand(roster: Path, mapping: dict[str, str], statuses: dict[str, str] | None = None,
               zone: dt.tzinfo = dt.UTC, date_orders: dict[str, str] | None = None,
               duplicates: str | None = None, encoding: str | None = None) -> Understood:
    """Read the roster and say what was understood; raise ``RosterRefused`` when it must not be used.
    A person in several rows that disagree is a conflict: listed, and refused unless
    ``duplicates`` decides (first row, last row, or the protective one: the row that keeps a hold)."""
    understood = roster_read.read(roster, mapping, statuses, zone, date_orders, encoding)
    if not understood.errors:
        _duplicates(understood, duplicates)
    if understood.errors:
        raise RosterRefused(understood)
    return understood


def _duplicates(understood: Understood, decision: str | None) -> None:
    from spillguard.mask import mask_a_number, mask_name

    if decision is not None and decision not in DUPLICATE_CHOICES:
        raise UsageError(f"--duplicates {decision}: one of {', '.join(DUPLICATE_CHOICES)}")
    rows = understood.rows
    a_norm, n_norm, b_norm = normalised(rows)
    groups: dict[str, list[int]] = {}
    for i in range(len(rows)):
        key = f"A:{a_norm[i]}" if a_norm[i] else f"N:{n_norm[i]}|{b_norm[i]}" if n_norm[i] else ""
        if key:
            groups.setdefault(key, []).append(i)
    conflicts = {k: idx for k, idx in groups.items()
                 if len(idx) > 1 and len({tuple(rows[i].get(f, "") for f in _DECISIVE) for i in idx}) > 1}
    drop: set[int] = set()
    for idx in groups.values():  # rows that repeat a person exactly: one is kept, nothing to decide
        if len(idx) > 1 and len({tuple(rows[i].get(f, "") for f in _DECISIVE) for i in idx}) == 1:
            drop.update(idx[1:])
    understood.exact_duplicates = len(drop)
    if conflicts and decision is None:
        shown = ", ".join((mask_a_number(k[2:]) if k.startswith("A:") else mask_name(k[2:].split("|")[0]))
                          + f" ({len(idx)} rows: " + " / ".join(rows[i].get("_category", "?") for i in idx) + ")"
                          for k, idx in list(conflicts.items())[:10])
        understood.errors.append(f"{len(conflicts):,} people appear in rows that disagree (custody, removal date, "
                                 f"facility, address or attorney): {shown}; decide with --duplicates first, last "
                                 "or protective (the row that keeps a hold)")
        return
    for idx in conflicts.values():
        if decision == "first":
            keep = idx[0]
        elif decision == "last":
            keep = idx[-1]
        else:
            keep = min(reversed(idx), key=lambda i: _PROTECTIVE.get(rows[i].get("_category", "unknown"), 1))
        drop.update(i for i in idx if i != keep)
    understood.conflicts = len(conflicts)
    understood.duplicate_decision = decision
    understood.rows = [r for i, r in enumerate(rows) if i not in drop]


def match_roster(store: Store, incident_id: int | None, roster: Path | Understood, mapping: dict[str, str],
                 leaked: Path | None, config: Config, notice: dt.date | dt.datetime | None = None,
                 actor: str | None = None) -> Matching:
    """Match the affected people to the roster and set their holds. A re-import updates the
    roster's facts but never a decision a person took (``holds set``); every changed decision
    is audited with its old and new value. Raises ``RosterRefused`` (nothing written)."""
    understood = roster if isinstance(roster, Understood) else understand(roster, mapping)
    rows = understood.rows
    result = Matching(roster_rows=len(rows))
    a_norm, n_norm, b_norm = normalised(rows)
    with store.session() as s:
        incident = store.incident(s, incident_id)
        people = {p.key: p for p in s.scalars(select(Person).where(Person.incident_id == incident.id))}
        by_key: dict[str, int] = {}
        for i in range(len(rows)):
            if a_norm[i]:
                by_key[store.hmac(f"A:{a_norm[i]}")] = i
            if n_norm[i] and b_norm[i]:
                by_key.setdefault(store.hmac(f"N:{n_norm[i]}|{b_norm[i]}"), i)
        assigned: dict[str, tuple[int, str]] = {k: (i, "a-number" if k == store.hmac(f"A:{a_norm[i]}") else
                                                     "name+birth") for k, i in by_key.items() if k in people}
        if leaked is not None:  # people without an A-number: careful fuzzy match, in memory only
            for found in extract(leaked, config).people:
                key = person_key(found, store.hmac)
                if key in assigned or key not in people or found.a_number or not found.name:
                    continue
                same_birth = [i for i in range(len(rows)) if found.birth and b_norm[i] == found.birth]
                scored = sorted(((fuzz.token_sort_ratio(found.name, n_norm[i]), i) for i in same_birth), reverse=True)
                clear = len(scored) == 1 or (len(scored) > 1 and scored[0][0] - scored[1][0] >= FUZZY_MARGIN)
                if scored and scored[0][0] >= FUZZY_MIN and clear:
                    assigned[key] = (scored[0][1], "name+birth~")
                elif scored and scored[0][0] >= FUZZY_MIN - 10:
                    result.ambiguous.append(people[key].masked)
        attorneys: dict[tuple[str, str], Attorney] = {
            (a.name, a.email or ""): a for a in s.scalars(select(Attorney).where(Attorney.incident_id == incident.id))}
        if notice is None:
            notice = dt.datetime.now(dt.UTC)
        elif not isinstance(notice, dt.datetime):  # a notice date: the end of that day
            notice = dt.datetime.combine(notice, dt.time(23, 59), tzinfo=dt.UTC)
        kept = changed = 0
        for key, person in people.items():
            if key not in assigned:
                if person.masked not in result.ambiguous:
                    result.not_in_roster.append(person.masked)
                continue
            i, how = assigned[key]
            row = rows[i]
            person.name = row.get("name") or person.name
            person.language = row.get("_language") or person.language
            person.custody = row.get("custody") or None
            person.facility = row.get("facility") or None
            person.address = row.get("address") or person.address
            removal = dt.datetime.fromisoformat(row["_removal_date"]) if row.get("_removal_date") else None
            person.removal_date = removal.date() if removal else None
            person.match = how
            person.roster_key = _row_key(store, a_norm[i], n_norm[i], b_norm[i])
            if row.get("attorney_name"):
                akey = (row["attorney_name"], row.get("attorney_email", ""))
                if akey not in attorneys:
                    attorneys[akey] = Attorney(incident_id=incident.id, name=row["attorney_name"],
                                               email=row.get("attorney_email") or None,
                                               address=row.get("attorney_address") or None)
                    s.add(attorneys[akey])
                    s.flush()
                person.attorney_id = attorneys[akey].id
            status = hold_status(incident, row.get("_category", "unknown"), removal, notice,
                                 bool(row.get("_removal_date_day")))
            if person.hold_status is not None and person.hold_reason not in (None, FROM_ROSTER):
                if status != person.hold_status:  # a person's decision stands; the difference is said
                    kept += 1
                    store.audit(s, incident, "hold-kept", actor=actor, key=person.key[:12], old=person.hold_status,
                                roster=status, reason="a manual decision is not overridden by a roster import")
            else:
                if person.hold_status is not None and person.hold_status != status:
                    changed += 1
                    store.audit(s, incident, "hold-change", actor=actor, key=person.key[:12],
                                old=person.hold_status, new=status, reason="roster re-import")
                person.hold_status = status
                person.hold_reason = FROM_ROSTER
            result.matched += 1
            result.by_name += how != "a-number"
        store.audit(s, incident, "roster", actor=actor, rows=len(rows), matched=result.matched,
                    by_name=result.by_name, ambiguous=len(result.ambiguous), not_in_roster=len(result.not_in_roster),
                    decisions_kept=kept, decisions_changed=changed)
        s.commit()
    return result


def set_hold(store: Store, incident_id: int | None, label_or_key: str, status: str, reason: str) -> int:
    from spillguard.respond.incident import HOLD_STATUSES

    if status not in HOLD_STATUSES:
        raise UsageError(f"status must be one of {', '.join(HOLD_STATUSES)}")
    with store.session() as s:
        incident = store.incident(s, incident_id)
        people = s.scalars(select(Person).where(Person.incident_id == incident.id)).all()
        hits = [p for p in people if p.key.startswith(label_or_key) or p.masked == label_or_key]
        if len(hits) != 1:
            raise UsageError(f"{len(hits)} people match {label_or_key!r}: give the key prefix from `holds list`")
        if not reason.strip() or reason.strip() == FROM_ROSTER:
            raise UsageError("a hold decision needs a reason of its own")
        old, hits[0].hold_status, hits[0].hold_reason = hits[0].hold_status, status, reason
        store.audit(s, incident, "hold", key=hits[0].key[:12], old=old, new=status, reason=reason)
        s.commit()
    return 1


def export_holds(store: Store, incident_id: int | None, roster: Path, mapping: dict[str, str], out: Path) -> int:
    """The hold register for the case system, keyed by the roster's own A-numbers (the store
    keeps none): one row per affected person found in the roster."""
    rows = read_roster(roster, mapping)
    a_norm, n_norm, b_norm = normalised(rows)
    written = 0
    with store.session() as s:
        incident = store.incident(s, incident_id)
        by_row = {p.roster_key: p for p in s.scalars(select(Person).where(Person.incident_id == incident.id))
                  if p.roster_key}
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["A-Number", "Name", "Hold status", "Reason", "Fields exposed"])
            for i, row in enumerate(rows):
                person = by_row.get(_row_key(store, a_norm[i], n_norm[i], b_norm[i]))
                if person is None:
                    continue
                writer.writerow([row.get("a_number", ""), row.get("name", ""), person.hold_status or "unassessed",
                                 person.hold_reason or "", ";".join(person.fields)])
                written += 1
        store.audit(s, incident, "holds-export", rows=written)
        s.commit()
    return written
