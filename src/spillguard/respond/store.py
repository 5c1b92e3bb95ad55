"""Opening the incident store: SQLite by default (``--db PATH``, else ``$SPILLGUARD_DB``, else
``./spillguard.db``), or any SQLAlchemy URL (``postgresql+psycopg://user@host/db``). The schema is
brought to the newest migration (alembic) on every open. The HMAC key that makes identifiers
unreadable is never in the database nor beside it: ``$SPILLGUARD_INCIDENT_KEY``, else, for a SQLite
database, a key file in the user's configuration folder (``key_dir``; created once, owner-only,
refused when others can read it)."""

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
ENV_KEY_DIR = "SPILLGUARD_KEY_DIR"
MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(db: str | None) -> str:
    value = db or os.environ.get(ENV_DB) or "spillguard.db"
    return value if "://" in value else f"sqlite:///{Path(value).resolve()}"


def key_dir() -> Path:
    """Where keys of SQLite stores live: ``$SPILLGUARD_KEY_DIR``, else the user's configuration
    folder (``$XDG_CONFIG_HOME/spillguard/keys``, ``~/.config/spillguard/keys``) — never beside the
    database, so that a copy or backup of the data folder does not carry its key."""
    explicit = os.environ.get(ENV_KEY_DIR)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "spillguard" / "keys"


def key_file(url: str) -> Path:
    database = Path(url.removeprefix("sqlite:///")).resolve()
    return key_dir() / f"{hashlib.sha256(str(database).encode()).hexdigest()[:16]}.key"


def _key(url: str) -> bytes:
    env = os.environ.get(ENV_KEY)
    if env:
        return env.encode()
    if url.startswith("sqlite:///"):
        path = key_file(url)
        legacy = Path(url.removeprefix("sqlite:///") + ".key")  # where spillguard 0.1 put it
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists() and legacy.exists():
            path.write_bytes(legacy.read_bytes())
            path.chmod(0o600)
            legacy.unlink()  # moved away from the data
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32))
        if path.stat().st_mode & 0o077:
            raise UsageError(f"the store's key {path} is readable by others: chmod 600 it")
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
    def audit(session: Session, incident: Incident | None, action: str, actor: str | None = None,
              **detail: object) -> None:
        """One entry of the audit trail; ``actor`` is the person acting (the OS user by default)."""
        session.add(AuditEntry(incident_id=incident.id if incident else None, at=now(),
                               actor=actor or getpass.getuser(), action=action, detail=detail))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
