"""The incident commands as library calls (the CLI and, later, the web app call these)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, select

from spillguard.config import Config
from spillguard.errors import UsageError
from spillguard.respond import logs as access_logs
from spillguard.respond.models import AuditEntry, Client, Incident, LogHit, Person
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
                  discovered_at: dt.datetime | None, removed_at: dt.datetime | None, config: Config,
                  timezone: str | None = None) -> dict[str, Any]:
    if timezone is not None:
        zone_named(timezone)  # a wrong name is refused before anything is read
    found = extract(file, config)
    published_at, discovered_at, removed_at = (_utc(t) for t in (published_at, discovered_at, removed_at))
    with store.session() as s:
        incident = Incident(name=name, created_at=now(), file_name=file.name, file_sha256=_sha256(file),
                            file_size=file.stat().st_size, urls=list(urls), published_at=published_at,
                            discovered_at=discovered_at, removed_at=removed_at, key_id=store.key_id,
                            timezone=timezone)
        s.add(incident)
        s.flush()
        for p in found.people:
            s.add(Person(incident_id=incident.id, key=person_key(p, store.hmac), masked=p.label,
                         fields=sorted(p.fields), places=sorted(p.places)))
        store.audit(s, incident, "open", file_sha256=incident.file_sha256, people=len(found.people),
                    urls=len(urls), incomplete=len(found.incomplete), timezone=timezone)
        s.commit()
        return {"incident": incident.id, "affected": len(found.people), "incomplete": found.incomplete}


@dataclass(slots=True)
class LogImport:
    """What an ``incident logs`` run found and what the store now holds."""

    downloaders: list[access_logs.Downloader] = field(default_factory=list)  # inside the window
    outside: list[access_logs.Downloader] = field(default_factory=list)  # before / after it
    not_downloads: dict[str, int] = field(default_factory=dict)  # HEAD and 304, per client
    files: list[access_logs.FileReport] = field(default_factory=list)
    new_requests: int = 0  # requests for the file this run added to the store
    known_requests: int = 0  # requests it had already (a re-run, overlapping rotated logs)
    #: known requests this run's parser reads differently (a fixed parser): updated, audited
    reread: int = 0

    def __iter__(self):  # the downloaders inside the window, as before
        return iter(self.downloaders)

    def __len__(self) -> int:
        return len(self.downloaders)

    @property
    def unreadable(self) -> int:
        return sum(f.unreadable for f in self.files)

    @property
    def truncated(self) -> list[str]:
        return [f.name for f in self.files if f.truncated]


def ingest_logs(store: Store, incident_id: int | None, files: list[Path], cidr: Path | None = None,
                mmdb: Path | None = None, unreadable: list[int] | None = None, *, replace: bool = False,
                trusted: list[str] | None = None, actor: str | None = None) -> LogImport:
    """Add the requests for the incident's URLs in ``files`` to what earlier runs found (each
    request once: rotated logs ingested one by one add up, a re-run adds nothing; ``replace``
    starts again) and recompute the downloaders. Raises LogFormatError (nothing changed) for a
    file of no known format, one mostly unreadable, or a run that read no line at all.
    ``unreadable[0]`` counts the lines that named a URL but could not be parsed."""
    unreadable = unreadable if unreadable is not None else [0]
    networks = access_logs.TRUSTED + tuple(_network(n) for n in trusted or ())
    result = LogImport()
    with store.session() as s:
        incident = store.incident(s, incident_id)
        paths = {access_logs.normalise(u) for u in incident.urls}
        if not paths:
            raise UsageError("the incident has no URL: open it with --url (the address the file was published at)")
        found = list(access_logs.hits(files, paths, unreadable, result.files))
        if replace:
            s.execute(delete(LogHit).where(LogHit.incident_id == incident.id))
        known = {row.digest: row for row in s.scalars(select(LogHit).where(LogHit.incident_id == incident.id))}
        seen: Counter[str] = Counter()
        for h in found:
            seen[h.line] += 1
            digest = store.hmac(f"log:{h.line}#{seen[h.line]}")
            values = {"client": h.client[:64], "forwarded": h.forwarded, "time": _utc(h.time),
                      "method": h.method[:16], "path": h.path, "status": h.status, "size": h.size,
                      "range_first": h.range[0] if h.range else None, "range_last": h.range[1] if h.range else None,
                      "agent": h.agent}
            row = known.get(digest)
            if row is not None:
                result.known_requests += 1
                before = {k: _utc(getattr(row, k)) if k == "time" else getattr(row, k) for k in values}
                if before != values:  # the same line read differently now (a fixed parser): this reading
                    for key, value in values.items():
                        setattr(row, key, value)
                    result.reread += 1
                continue
            known[digest] = LogHit(incident_id=incident.id, digest=digest, **values)
            s.add(known[digest])
            result.new_requests += 1
        s.flush()
        stored = [access_logs.Hit(r.client, _aware(r.time), r.path, r.status, r.size, r.agent, r.method, r.forwarded,
                                  (r.range_first, r.range_last) if r.range_first is not None else None)
                  for r in s.scalars(select(LogHit).where(LogHit.incident_id == incident.id).order_by(LogHit.id))]
        orgs = access_logs.Organisations(cidr, mmdb) if cidr or mmdb else None
        analysis = access_logs.analyse(stored, _aware(incident.published_at), _aware(incident.removed_at),
                                       incident.file_size, orgs, networks)
        result.downloaders, result.outside, result.not_downloads = (analysis.inside, analysis.outside,
                                                                    analysis.not_downloads)
        s.execute(delete(Client).where(Client.incident_id == incident.id))  # recomputed from every request kept
        for d in [*analysis.inside, *analysis.outside]:
            s.add(Client(incident_id=incident.id, address=d.client, first_seen=_utc(d.first), last_seen=_utc(d.last),
                         requests=d.requests, bytes=-1 if d.size_unknown else d.bytes,  # -1: not logged
                         full_copy=d.full_copy, user_agent=d.agent, kind=d.kind,
                         organisation=d.organisation, urls=sorted(d.paths), window=d.window))
        store.audit(s, incident, "logs", actor=actor, files=[f.name for f in files], reread=result.reread,
                    formats=sorted({f.format for f in result.files if f.format}), downloaders=len(analysis.inside),
                    outside_window=len(analysis.outside), not_downloads=sum(analysis.not_downloads.values()),
                    new_requests=result.new_requests, known_requests=result.known_requests,
                    unreadable_lines=unreadable[0], truncated=result.truncated, replace=replace)
        s.commit()
    return result


def _network(text: str):
    import ipaddress

    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise UsageError(f"--trusted-proxy {text}: not an address or CIDR network") from None


def add_url(store: Store, incident_id: int | None, url: str, actor: str | None = None) -> list[str]:
    """Another address the same file was published at (a second link, a CDN or S3 URL)."""
    if not urlsplit(url).path.strip("/"):
        raise UsageError(f"{url}: give the file's full address (a path to the file)")
    with store.session() as s:
        incident = store.incident(s, incident_id)
        if url in incident.urls:
            return list(incident.urls)
        incident.urls = [*incident.urls, url]
        store.audit(s, incident, "url-add", actor=actor, url=url)
        s.commit()
        return list(incident.urls)


def zone_named(name: str) -> dt.tzinfo:
    """An IANA time zone; UsageError for a name that is none."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"{name!r} is not a time zone name (e.g. America/New_York)") from None


def office_zone(store: Store, incident_id: int | None, given: str | None = None) -> tuple[dt.tzinfo, str]:
    """The zone a command shows times in and reads zone-less times in: the one given for this run,
    else the incident's own (``incident open --timezone``, ``incident timezone``), else UTC; and
    where it came from."""
    if given:
        return zone_named(given), "--timezone"
    with store.session() as s:
        try:
            stored = store.incident(s, incident_id).timezone
        except UsageError:
            if incident_id is not None:
                raise
            stored = None  # no incident yet: the command says so itself when it needs one
    return (zone_named(stored), "the incident's") if stored else (dt.UTC, "UTC (no zone set for the incident)")


def set_zone(store: Store, incident_id: int | None, name: str, actor: str | None = None) -> str | None:
    """Keep the office's time zone with the incident (audited with the old value); the old one."""
    zone_named(name)
    with store.session() as s:
        incident = store.incident(s, incident_id)
        old = incident.timezone
        incident.timezone = name
        store.audit(s, incident, "timezone", actor=actor, old=old, new=name)
        s.commit()
    return old


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
        external = [c for c in clients if c.kind in ("visitor", "script", "unverified")]

        def iso(t: dt.datetime | None) -> str | None:
            return None if t is None else _aware(t).isoformat()

        exposure = None
        if incident.removed_at is not None:
            exposure = (_aware(incident.removed_at) - _aware(incident.published_at)).total_seconds() / 3600
        downloads = [{"client": c.address if show_values else mask_address(c.address),
                      "organisation": c.organisation, "kind": c.kind, "first": iso(c.first_seen),
                      "last": iso(c.last_seen), "requests": c.requests, "bytes": c.bytes if c.bytes >= 0 else None,
                      "full_copy": c.full_copy, "window": c.window} for c in clients]
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
            "audit": [{"at": iso(a.at), "actor": a.actor, "action": a.action, "detail": a.detail or {}}
                      for a in audit],
        }
