"""Opening the incident store: SQLite by default (``--db PATH``, else ``$SPILLGUARD_DB``, else
``./spillguard.db``), or any SQLAlchemy URL (``postgresql+psycopg://user@host/db``). The schema is
brought to the newest migration (alembic) on every open. The HMAC key that makes identifiers
unreadable is never in the database: ``$SPILLGUARD_INCIDENT_KEY``, else a key file beside a SQLite
database (created once, readable by its owner only)."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.orm import Session

from spillguard.errors import UsageError
from spillguard.respond.models import AuditEntry, Incident

ENV_DB = "SPILLGUARD_DB"
ENV_KEY = "SPILLGUARD_INCIDENT_KEY"
MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(db: str | None) -> str:
    value = db or os.environ.get(ENV_DB) or "spillguard.db"
    return value if "://" in value else f"sqlite:///{Path(value).resolve()}"


def _key(url: str) -> bytes:
    env = os.environ.get(ENV_KEY)
    if env:
        return env.encode()
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///") + ".key")
        if not path.exists():
            path.write_text(secrets.token_hex(32), encoding="ascii")
            path.chmod(0o600)
        return path.read_text(encoding="ascii").strip().encode()
    raise UsageError(f"set {ENV_KEY}: identifiers in a shared database are keyed with a secret kept out of it")


class Store:
    def __init__(self, db: str | None = None) -> None:
        self.url = database_url(db)
        self.engine: Engine = create_engine(self.url)
        self.key = _key(self.url)
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")

    @property
    def key_id(self) -> str:
        return hmac.new(self.key, b"spillguard-incident-key-id", hashlib.sha256).hexdigest()[:16]

    def hmac(self, value: str) -> str:
        return hmac.new(self.key, value.encode(), hashlib.sha256).hexdigest()

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def incident(self, session: Session, incident_id: int | None) -> Incident:
        """The named incident, or the most recently opened one."""
        found = session.get(Incident, incident_id) if incident_id is not None else session.scalars(
            select(Incident).order_by(Incident.id.desc()).limit(1)).first()
        if found is None:
            raise UsageError("no such incident" if incident_id is not None else
                             "no incident yet: start with `spillguard incident open`")
        if found.key_id != self.key_id:
            raise UsageError(f"incident {found.id} was opened with another key ({ENV_KEY})")
        return found

    @staticmethod
    def audit(session: Session, incident: Incident | None, action: str, **detail: object) -> None:
        session.add(AuditEntry(incident_id=incident.id if incident else None, at=now(), actor=getpass.getuser(),
                               action=action, detail=detail))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
