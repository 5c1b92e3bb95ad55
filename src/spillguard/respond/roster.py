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
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from rapidfuzz import fuzz
from sqlalchemy import select

from spillguard.config import Config
from spillguard.detect import BY_ENTITY
from spillguard.errors import UsageError
from spillguard.model import Entity
from spillguard.respond.models import Attorney, Incident, Person
from spillguard.respond.people import extract, person_key
from spillguard.respond.store import Store

#: roster field → accepted column names (lower case); ``--map field=Column`` adds more
COLUMNS = {
    "a_number": ("a-number", "a_number", "anumber", "a number", "alien number", "a#"),
    "name": ("name", "full name", "detainee name", "nombre"),
    "birth_date": ("birth date", "date of birth", "dob", "birth_date", "fecha de nacimiento"),
    "language": ("preferred language", "language", "idioma", "lang"),
    "custody": ("custody status", "custody", "status"),
    "facility": ("facility", "current facility", "detention facility"),
    "attorney_name": ("attorney", "attorney name", "attorney of record", "attorney_name"),
    "attorney_email": ("attorney email", "attorney e-mail", "attorney_email"),
    "attorney_address": ("attorney address", "attorney postal address", "attorney_address"),
    "removal_date": ("removal date", "removed on", "removal_date", "date removed"),
}
FUZZY_MIN = 90  # token-sort similarity (0–100) for a name match on the same birth date
FUZZY_MARGIN = 5  # the best candidate must beat the second by this much
_LANGUAGES = {"english": "en", "spanish": "es", "español": "es", "espanol": "es", "en": "en", "es": "es"}


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


def _date(value: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def read_roster(path: Path, mapping: dict[str, str]) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise UsageError(f"{path.name}: the roster is empty")
    headers = {h.strip().lower(): h for h in rows[0]}
    where: dict[str, str] = {}
    for key, names in COLUMNS.items():
        wanted = mapping.get(key)
        if wanted is not None:
            if wanted not in rows[0]:
                raise UsageError(f"--map {key}={wanted}: no such column in {path.name}")
            where[key] = wanted
            continue
        found = next((headers[n] for n in names if n in headers), None)
        if found is not None:
            where[key] = found
    if "a_number" not in where and "name" not in where:
        raise UsageError(f"{path.name}: no A-number or name column (use --map a_number=COLUMN)")
    return [{k: (r.get(col) or "").strip() for k, col in where.items()} for r in rows]


def _row_key(store: Store, a: str, name: str, birth: str) -> str:
    return store.hmac(f"R:A:{a}") if a else store.hmac(f"R:N:{name}|{birth}")


def hold_status(incident: Incident, custody: str | None, removal: dt.date | None, notice: dt.date) -> str:
    published = incident.published_at.date()
    ended = (incident.removed_at or incident.published_at).date()
    if removal is not None:
        if removal < published:
            return "removed_before_exposure"
        if removal <= ended:
            return "removed_during_exposure"
        if removal <= notice:
            return "removed_before_notice"
    if custody and any(w in custody.lower() for w in ("released", "bond", "parole", "atd")):
        return "released"
    return "hold"


def match_roster(store: Store, incident_id: int | None, roster: Path, mapping: dict[str, str],
                 leaked: Path | None, config: Config, notice: dt.date | None = None) -> Matching:
    rows = read_roster(roster, mapping)
    result = Matching(roster_rows=len(rows))
    a_norm = _norm(Entity.A_NUMBER, [r.get("a_number", "") for r in rows])
    n_norm = _norm(Entity.PERSON_NAME, [r.get("name", "") for r in rows])
    b_norm = _norm(Entity.DATE_OF_BIRTH, [r.get("birth_date", "") for r in rows])
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
        attorneys: dict[tuple[str, str], Attorney] = {}
        today = notice or dt.date.today()
        for key, person in people.items():
            if key not in assigned:
                if person.masked not in result.ambiguous:
                    result.not_in_roster.append(person.masked)
                continue
            i, how = assigned[key]
            row = rows[i]
            person.name = row.get("name") or person.name
            person.language = _LANGUAGES.get((row.get("language") or "").strip().lower(), "en")
            person.custody = row.get("custody") or None
            person.facility = row.get("facility") or None
            person.removal_date = _date(row.get("removal_date", ""))
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
            person.hold_status = hold_status(incident, person.custody, person.removal_date, today)
            person.hold_reason = "from the roster"
            result.matched += 1
            result.by_name += how != "a-number"
        store.audit(s, incident, "roster", rows=len(rows), matched=result.matched, by_name=result.by_name,
                    ambiguous=len(result.ambiguous), not_in_roster=len(result.not_in_roster))
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
        hits[0].hold_status, hits[0].hold_reason = status, reason
        store.audit(s, incident, "hold", key=hits[0].key[:12], status=status)
        s.commit()
    return 1


def export_holds(store: Store, incident_id: int | None, roster: Path, mapping: dict[str, str], out: Path) -> int:
    """The hold register for the case system, keyed by the roster's own A-numbers (the store
    keeps none): one row per affected person found in the roster."""
    rows = read_roster(roster, mapping)
    a_norm = _norm(Entity.A_NUMBER, [r.get("a_number", "") for r in rows])
    n_norm = _norm(Entity.PERSON_NAME, [r.get("name", "") for r in rows])
    b_norm = _norm(Entity.DATE_OF_BIRTH, [r.get("birth_date", "") for r in rows])
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
