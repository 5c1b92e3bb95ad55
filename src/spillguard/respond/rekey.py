"""Rotating the incident store's key (``spillguard incident rekey``).

Identifiers are stored only as HMACs, so the old key cannot be turned into the new one: each
incident's leaked file is read again (and the case-system roster, for people matched to it),
every stored HMAC is recomputed under the new key, and the incidents take the new key's id — all
in one transaction. A stored person the file does not give back (a wrong file, other settings)
stops the rotation before anything changes."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any

from sqlalchemy import select

from spillguard.config import Config
from spillguard.errors import UsageError
from spillguard.respond.incident import _sha256
from spillguard.respond.models import Incident, Person
from spillguard.respond.people import extract, person_key
from spillguard.respond.roster import _row_key, normalised, read_roster
from spillguard.respond.store import Store


def key_id(key: bytes) -> str:
    return hmac.new(key, b"spillguard-incident-key-id", hashlib.sha256).hexdigest()[:16]


class _Keyed:
    """What ``Store`` offers for HMACs, under another key."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def hmac(self, value: str) -> str:
        return hmac.new(self.key, value.encode(), hashlib.sha256).hexdigest()


def rekey(store: Store, new_key: bytes, files: dict[int, Path], roster: Path | None, mapping: dict[str, str],
          config: Config, by: str) -> dict[str, Any]:
    new = _Keyed(new_key)
    if new_key == store.key:
        raise UsageError("the new key is the key in use")
    with store.session() as s:
        incidents = s.scalars(select(Incident).order_by(Incident.id)).all()
        missing = [i.id for i in incidents if i.id not in files]
        if missing:
            raise UsageError("the leaked file of every incident is needed (identifiers are kept only as HMACs): "
                             f"--file ID=PATH for incident(s) {', '.join(map(str, missing))}")
        roster_keys: dict[str, str] | None = None
        people = 0
        for incident in incidents:
            if incident.key_id != store.key_id:
                raise UsageError(f"incident {incident.id} was opened with another key than the one in use")
            file = files[incident.id]
            if _sha256(file) != incident.file_sha256:
                raise UsageError(f"{file.name} is not the leaked file of incident {incident.id} (SHA-256 differs)")
            found = extract(file, config)
            renamed = {person_key(p, store.hmac): person_key(p, new.hmac) for p in found.people}
            stored = s.scalars(select(Person).where(Person.incident_id == incident.id)).all()
            for person in stored:
                if person.key not in renamed:
                    raise UsageError(f"incident {incident.id}: a stored person is not in {file.name} as read now "
                                     "(other settings?); nothing was changed")
                person.key = renamed[person.key]
                if person.roster_key is not None:
                    if roster_keys is None:
                        roster_keys = _roster_keys(store, new, roster, mapping)
                    if person.roster_key not in roster_keys:
                        raise UsageError(f"incident {incident.id}: a matched roster row is not in "
                                         f"{roster.name if roster else 'the roster'}; nothing was changed")
                    person.roster_key = roster_keys[person.roster_key]
            people += len(stored)
            incident.key_id = key_id(new_key)
            store.audit(s, incident, "rekey", by=by, people=len(stored), new_key_id=incident.key_id)
        s.commit()
    return {"incidents": len(incidents), "people": people, "key_id": key_id(new_key)}


def _roster_keys(store: Store, new: _Keyed, roster: Path | None, mapping: dict[str, str]) -> dict[str, str]:
    if roster is None:
        raise UsageError("people are matched to a case-system roster: give its export with --roster")
    rows = read_roster(roster, mapping)
    a, n, b = normalised(rows)
    return {_row_key(store, a[i], n[i], b[i]): _row_key(new, a[i], n[i], b[i])  # type: ignore[arg-type]
            for i in range(len(rows))}
