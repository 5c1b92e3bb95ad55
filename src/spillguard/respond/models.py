"""The incident store's tables. Identifiers are keyed HMACs; what a person sees of them is masked
(``A-2**-***-678 · M***a G***z``); the leaked file is referenced by its SHA-256, never copied."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Incident(Base):
    __tablename__ = "incident"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int] = mapped_column(Integer)
    urls: Mapped[list] = mapped_column(JSON, default=list)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    discovered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: which key made the HMACs (a short HMAC of a constant), so a wrong key is refused
    key_id: Mapped[str] = mapped_column(String(16))
    #: the office's time zone (IANA name) for every date and time its documents and pages show
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Person(Base):
    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("incident_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))  # HMAC of "A:<9 digits>" or "N:<name>|<birth date>"
    masked: Mapped[str] = mapped_column(String(200))
    fields: Mapped[list] = mapped_column(JSON, default=list)  # entity types exposed
    places: Mapped[list] = mapped_column(JSON, default=list)  # where in the file
    hold_status: Mapped[str | None] = mapped_column(String(40), nullable=True)
    hold_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # from the case-system roster, only what the response needs (no A-number in plaintext)
    name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    language: Mapped[str | None] = mapped_column(String(20), nullable=True)
    custody: Mapped[str | None] = mapped_column(String(60), nullable=True)
    facility: Mapped[str | None] = mapped_column(String(300), nullable=True)
    #: the current mailing address from the roster (a released or removed person is not at the facility)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    removal_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    attorney_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    match: Mapped[str | None] = mapped_column(String(20), nullable=True)  # a-number | name+birth
    #: HMAC of the matched roster row (its A-number, else its name + birth date): the export finds it again
    roster_key: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Attorney(Base):
    __tablename__ = "attorney"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(300), nullable=True)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)


class Client(Base):
    """One downloader of an exposed URL within the exposure window."""

    __tablename__ = "client"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    address: Mapped[str] = mapped_column(String(64))
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    requests: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(Integer)
    full_copy: Mapped[bool] = mapped_column(Boolean)
    user_agent: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))  # visitor | script | crawler | archive
    organisation: Mapped[str | None] = mapped_column(String(300), nullable=True)
    urls: Mapped[list] = mapped_column(JSON, default=list)
    #: inside the exposure window, or before / after it (a cache serving the file after takedown)
    window: Mapped[str] = mapped_column(String(10), default="inside", server_default="inside")


class LogHit(Base):
    """One request for an exposed URL, as a log gave it; kept once (HMAC of its line), so that
    imports accumulate. The downloader list is computed from these."""

    __tablename__ = "log_hit"
    __table_args__ = (UniqueConstraint("incident_id", "digest", name="uq_log_hit_incident_digest"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))  # the connecting address
    forwarded: Mapped[str] = mapped_column(Text)  # X-Forwarded-For as logged
    time: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    method: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(Text)
    status: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(BigInteger)
    range_first: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    range_last: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    agent: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """Append-only: who did what, when (never personal values)."""

    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incident.id"), nullable=True, index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class Seen(Base):
    """A document ``spillguard watch`` has looked at: its hash, and the validators of its URL."""

    __tablename__ = "seen"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, unique=True)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    etag: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_modified: Mapped[str | None] = mapped_column(Text, nullable=True)
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_checked: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Alert(Base):
    """A blocking document found on the live site (masked evidence only)."""

    __tablename__ = "alert"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    decision: Mapped[str] = mapped_column(String(10))
    findings: Mapped[list] = mapped_column(JSON, default=list)


class Account(Base):
    """A local account of the web app: publisher, privacy or admin."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    #: a disabled account cannot log in; its sessions and tokens stop working at once
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class WebSession(Base):
    """A log-in to the web app, revocable: the cookie carries a random id, the store its SHA-256."""

    __tablename__ = "web_session"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sid_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Job(Base):
    """A long piece of work of the web app (drafting 6,252 notices), run in the background; the
    page polls its progress. No broker: a row in the store and a thread of the server."""

    __tablename__ = "job"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    incident_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))  # queued | running | done | failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")  # a download path of the web app
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ApiToken(Base):
    """A machine client's token; only its SHA-256 is kept."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class CheckHistory(Base):
    """One check in the web app: the file names and the verdict (no content)."""

    __tablename__ = "check_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    files: Mapped[list] = mapped_column(JSON, default=list)
    decision: Mapped[str] = mapped_column(String(10))
    findings: Mapped[int] = mapped_column(Integer)
    #: the verdict page as it was shown (per-file verdicts, masked findings), to see it again
    verdict: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class ScanCacheEntry(Base):
    """One file's scan result by its content hash and settings (spillguard.execute.cache)."""

    __tablename__ = "scan_cache"
    __table_args__ = (UniqueConstraint("content_sha256", "settings", name="uq_scan_cache_content_settings"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    settings: Mapped[str] = mapped_column(String(32))
    result: Mapped[dict] = mapped_column(JSON)
    bytes: Mapped[int] = mapped_column(BigInteger)
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class GateFile(Base):
    """What ``spillguard gate`` last read of one file under its web root: the file's identity
    (device, inode, size, mtime and ctime in ns) and the SHA-256 of the bytes it then held. A
    verdict is found again through the hash only while the identity is unchanged."""

    __tablename__ = "gate_file"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(Text, unique=True)  # as the web server resolved it
    identity: Mapped[str] = mapped_column(String(120))  # "dev:ino:size:mtime_ns:ctime_ns"
    sha256: Mapped[str] = mapped_column(String(64))
    hashed_ns: Mapped[int] = mapped_column(BigInteger)  # when the bytes were read (racy check)


class GateVerdict(Base):
    """The gate's verdict on some bytes under some settings: decision and rule codes with counts,
    and the masked findings an alert carries; never a sample in plaintext."""

    __tablename__ = "gate_verdict"
    __table_args__ = (UniqueConstraint("sha256", "settings", name="uq_gate_verdict_sha_settings"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    settings: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(10))  # pass | block
    source: Mapped[str] = mapped_column(String(20))  # scan | attestation
    rules: Mapped[dict] = mapped_column(JSON, default=dict)
    findings: Mapped[list] = mapped_column(JSON, default=list)
    judged_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class GateEvent(Base):
    """A file the gate refused (or, in a dry run, would have refused): one row per URL, bytes and
    mode, counting the requests."""

    __tablename__ = "gate_event"
    __table_args__ = (UniqueConstraint("url", "sha256", "mode", name="uq_gate_event_url_sha_mode"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(10))  # enforce | dry-run
    rules: Mapped[dict] = mapped_column(JSON, default=dict)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    first_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
