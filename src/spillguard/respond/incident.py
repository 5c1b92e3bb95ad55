"""The incident commands as library calls (the CLI and, later, the web app call these)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from spillguard.config import Config
from spillguard.errors import UsageError
from spillguard.respond import logs as access_logs
from spillguard.respond.models import AuditEntry, Client, Incident, Person
from spillguard.respond.people import extract, person_key
from spillguard.respond.risk import assess
from spillguard.respond.store import Store, now

HOLD_STATUSES = ("hold", "removed_before_exposure", "removed_during_exposure", "removed_before_notice",
                 "removed_after_notice", "removed_date_unknown", "released", "lifted")


def parse_time(value: str | None, what: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{what}: not an ISO 8601 time ({value!r}); e.g. 2022-11-30T09:45:00-05:00") from None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def open_incident(store: Store, name: str, file: Path, urls: list[str], published_at: dt.datetime,
                  discovered_at: dt.datetime | None, removed_at: dt.datetime | None, config: Config) -> dict[str, Any]:
    found = extract(file, config)
    published_at, discovered_at, removed_at = (_utc(t) for t in (published_at, discovered_at, removed_at))
    with store.session() as s:
        incident = Incident(name=name, created_at=now(), file_name=file.name, file_sha256=_sha256(file),
                            file_size=file.stat().st_size, urls=list(urls), published_at=published_at,
                            discovered_at=discovered_at, removed_at=removed_at, key_id=store.key_id)
        s.add(incident)
        s.flush()
        for p in found.people:
            s.add(Person(incident_id=incident.id, key=person_key(p, store.hmac), masked=p.label,
                         fields=sorted(p.fields), places=sorted(p.places)))
        store.audit(s, incident, "open", file_sha256=incident.file_sha256, people=len(found.people),
                    urls=len(urls), incomplete=len(found.incomplete))
        s.commit()
        return {"incident": incident.id, "affected": len(found.people), "incomplete": found.incomplete}


def ingest_logs(store: Store, incident_id: int | None, files: list[Path], cidr: Path | None = None,
                mmdb: Path | None = None, unreadable: list[int] | None = None) -> list[access_logs.Downloader]:
    """The downloaders of the incident's URLs in ``files``; ``unreadable[0]`` counts the lines that
    named a URL but could not be parsed (also in the audit trail)."""
    unreadable = unreadable if unreadable is not None else [0]
    with store.session() as s:
        incident = store.incident(s, incident_id)
        paths = {access_logs.unquote(access_logs.urlsplit(u).path) for u in incident.urls}
        if not paths:
            raise UsageError("the incident has no URL: open it with --url (the address the file was published at)")
        orgs = access_logs.Organisations(cidr, mmdb) if cidr or mmdb else None
        found = access_logs.downloaders(access_logs.hits(files, paths, unreadable), _aware(incident.published_at),
                                        _aware(incident.removed_at), incident.file_size, orgs)
        s.execute(delete(Client).where(Client.incident_id == incident.id))  # a re-run replaces the list
        for d in found:
            s.add(Client(incident_id=incident.id, address=d.client, first_seen=_utc(d.first), last_seen=_utc(d.last),
                         requests=d.requests, bytes=d.bytes, full_copy=d.full_copy, user_agent=d.agent, kind=d.kind,
                         organisation=d.organisation, urls=sorted(d.paths)))
        store.audit(s, incident, "logs", files=[f.name for f in files], downloaders=len(found),
                    unreadable_lines=unreadable[0])
        s.commit()
    return found


def _utc(t: dt.datetime | None) -> dt.datetime | None:
    """Times are stored in UTC (SQLite keeps no zone)."""
    return None if t is None else t.astimezone(dt.UTC)


def _aware(t: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives times back without their zone: they were stored in UTC."""
    return None if t is None else (t if t.tzinfo else t.replace(tzinfo=dt.UTC))


def mask_address(address: str) -> str:
    if ":" in address:
        return ":".join(address.split(":")[:3]) + ":…"
    parts = address.split(".")
    return ".".join([*parts[:3], "*"]) if len(parts) == 4 else "*"


def report(store: Store, incident_id: int | None, show_values: bool = False) -> dict[str, Any]:
    with store.session() as s:
        incident = store.incident(s, incident_id)
        people = s.scalars(select(Person).where(Person.incident_id == incident.id)).all()
        clients = s.scalars(select(Client).where(Client.incident_id == incident.id).order_by(Client.first_seen)).all()
        audit = s.scalars(select(AuditEntry).where(AuditEntry.incident_id == incident.id)
                          .order_by(AuditEntry.id)).all()
        fields = Counter(f for p in people for f in p.fields)
        holds = Counter(p.hold_status or "unassessed" for p in people)
        external = [c for c in clients if c.kind == "visitor"]

        def iso(t: dt.datetime | None) -> str | None:
            return None if t is None else _aware(t).isoformat()

        exposure = None
        if incident.removed_at is not None:
            exposure = (_aware(incident.removed_at) - _aware(incident.published_at)).total_seconds() / 3600
        downloads = [{"client": c.address if show_values else mask_address(c.address),
                      "organisation": c.organisation, "kind": c.kind, "first": iso(c.first_seen),
                      "last": iso(c.last_seen), "requests": c.requests, "bytes": c.bytes,
                      "full_copy": c.full_copy} for c in clients]
        risk = assess(len(people), dict(fields), None if exposure is None else round(exposure, 2), downloads)
        return {
            "incident": {"id": incident.id, "name": incident.name, "file": incident.file_name,
                         "file_sha256": incident.file_sha256, "urls": incident.urls},
            "timeline": {"published": iso(incident.published_at),
                         "first_external_download": iso(external[0].first_seen) if external else None,
                         "discovered": iso(incident.discovered_at), "removed": iso(incident.removed_at),
                         "exposure_hours": None if exposure is None else round(exposure, 2)},
            "affected": len(people),
            "fields": dict(sorted(fields.items(), key=lambda kv: -kv[1])),
            "downloaders": downloads,
            "risk": risk.to_json(),
            "holds": {status: holds.get(status, 0) for status in (*HOLD_STATUSES, "unassessed")},
            "audit": [{"at": iso(a.at), "actor": a.actor, "action": a.action} for a in audit],
        }
