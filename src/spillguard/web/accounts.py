"""Local accounts (argon2id password hashes), their revocable web sessions and API tokens (only
SHA-256 digests of session ids and tokens are stored); account disable, password change, token
list and revoke; log-in throttling per account and per address, with a bounded number of argon2
verifications in flight (each takes 64 MiB)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections import deque

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select

from spillguard.errors import UsageError
from spillguard.respond.models import Account, ApiToken, WebSession
from spillguard.respond.store import Store, now

ROLES = ("publisher", "privacy", "admin")
#: what each role may do, cumulatively: an admin is also a privacy officer and a publisher
RANK = {"publisher": 1, "privacy": 2, "admin": 3}
_HASHER = PasswordHasher()


def add_user(store: Store, name: str, password: str, role: str) -> None:
    if role not in ROLES:
        raise UsageError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 12:
        raise UsageError("a password needs at least 12 characters")
    with store.session() as s:
        if s.scalars(select(Account).where(Account.name == name)).first() is not None:
            raise UsageError(f"there is already an account {name!r}")
        s.add(Account(name=name, password_hash=_HASHER.hash(password), role=role, created_at=now()))
        store.audit(s, None, "account-add", account=name, role=role)
        s.commit()


#: argon2 verifications at once: each allocates 64 MiB, so parallel log-ins cannot exhaust memory
VERIFY_SLOTS = threading.BoundedSemaphore(2)
#: a web session lives at most this long (the cookie's age too)
SESSION_SECONDS = 8 * 3600


class Busy(Exception):
    """Too many log-ins are being checked at once: try again in a moment (503)."""


def verify(store: Store, name: str, password: str) -> Account | None:
    """The account when the password is right and the account enabled; None otherwise. Raises
    Busy when no verification slot frees within 10 seconds."""
    with store.session() as s:
        account = s.scalars(select(Account).where(Account.name == name)).first()
    if not VERIFY_SLOTS.acquire(timeout=10):
        raise Busy
    try:
        if account is None:
            _HASHER.hash(password)  # same time whether the account exists or not
            return None
        try:
            _HASHER.verify(account.password_hash, password)
        except VerificationError:
            return None
    finally:
        VERIFY_SLOTS.release()
    return None if account.disabled else account


def _account(s, name: str) -> Account:
    account = s.scalars(select(Account).where(Account.name == name)).first()
    if account is None:
        raise UsageError(f"no account {name!r} (spillguard users add)")
    return account


def open_session(store: Store, account: Account) -> str:
    sid = secrets.token_urlsafe(32)
    with store.session() as s:
        s.add(WebSession(sid_sha256=hashlib.sha256(sid.encode()).hexdigest(), account_id=account.id, created_at=now()))
        s.commit()
    return sid


def session_account(store: Store, sid: str | None) -> Account | None:
    """The account of a live session: not revoked, not expired, the account enabled."""
    if not sid:
        return None
    with store.session() as s:
        row = s.scalars(select(WebSession).where(WebSession.sid_sha256 == hashlib.sha256(sid.encode()).hexdigest())
                        ).first()
        if row is None or row.revoked_at is not None:
            return None
        created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
        if (now() - created).total_seconds() > SESSION_SECONDS:
            return None
        account = s.get(Account, row.account_id)
        return None if account is None or account.disabled else account


def revoke_session(store: Store, sid: str | None) -> None:
    if not sid:
        return
    with store.session() as s:
        row = s.scalars(select(WebSession).where(WebSession.sid_sha256 == hashlib.sha256(sid.encode()).hexdigest())
                        ).first()
        if row is not None and row.revoked_at is None:
            row.revoked_at = now()
            s.commit()


def _revoke_all(s, account: Account) -> int:
    rows = s.scalars(select(WebSession).where(WebSession.account_id == account.id, WebSession.revoked_at.is_(None)))
    n = 0
    for row in rows:
        row.revoked_at, n = now(), n + 1
    return n


def set_disabled(store: Store, name: str, disabled: bool, actor: str | None = None) -> None:
    """Disable (or enable) an account: a disabled one cannot log in, and its sessions end now."""
    with store.session() as s:
        account = _account(s, name)
        account.disabled = disabled
        ended = _revoke_all(s, account) if disabled else 0
        store.audit(s, None, "account-disable" if disabled else "account-enable", actor=actor, account=name,
                    sessions_ended=ended)
        s.commit()


def change_password(store: Store, name: str, new: str, old: str | None = None, actor: str | None = None) -> None:
    """Set a new password (the old one checked when given); every session of the account ends."""
    if len(new) < 12:
        raise UsageError("a password needs at least 12 characters")
    if old is not None and verify(store, name, old) is None:
        raise UsageError("the current password is wrong")
    with store.session() as s:
        account = _account(s, name)
        account.password_hash = _HASHER.hash(new)
        ended = _revoke_all(s, account)
        store.audit(s, None, "password-change", actor=actor, account=name, sessions_ended=ended)
        s.commit()


def list_tokens(store: Store, name: str) -> list[dict[str, object]]:
    with store.session() as s:
        account = _account(s, name)
        return [{"id": t.id, "label": t.label, "created": t.created_at, "revoked": t.revoked_at}
                for t in s.scalars(select(ApiToken).where(ApiToken.account_id == account.id).order_by(ApiToken.id))]


def revoke_token(store: Store, name: str, token_id: int, actor: str | None = None) -> None:
    with store.session() as s:
        account = _account(s, name)
        token = s.get(ApiToken, token_id)
        if token is None or token.account_id != account.id:
            raise UsageError(f"{name!r} has no token {token_id} (spillguard users tokens {name})")
        if token.revoked_at is None:
            token.revoked_at = now()
            store.audit(s, None, "token-revoke", actor=actor, account=name, label=token.label)
            s.commit()


class Throttle:
    """Failed log-ins per account name and per client address: past ``limit`` in ``window``
    seconds, the next attempt waits (429) — whether or not its password is right."""

    def __init__(self, limit: int = 5, window: float = 900.0, per_address: int = 20) -> None:
        self.limit, self.window, self.per_address = limit, window, per_address
        self.failures: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def _recent(self, key: str, at: float) -> deque[float]:
        q = self.failures.setdefault(key, deque())
        while q and at - q[0] > self.window:
            q.popleft()
        return q

    def wait(self, name: str, address: str) -> int:
        """Seconds until this account and address may try again (0: now)."""
        at = time.monotonic()
        with self.lock:
            waits = [self.window - (at - q[0]) for key, limit in ((f"a:{name}", self.limit),
                                                                   (f"ip:{address}", self.per_address))
                     if len(q := self._recent(key, at)) >= limit]
        return int(max(waits)) + 1 if waits else 0

    def failed(self, name: str, address: str) -> None:
        at = time.monotonic()
        with self.lock:
            for key in (f"a:{name}", f"ip:{address}"):
                self._recent(key, at).append(at)
            if len(self.failures) > 100_000:  # bounded: forget the oldest keys
                for key in list(self.failures)[:50_000]:
                    del self.failures[key]

    def succeeded(self, name: str) -> None:
        with self.lock:
            self.failures.pop(f"a:{name}", None)


def create_token(store: Store, name: str, label: str) -> str:
    token = "sg_" + secrets.token_urlsafe(32)
    with store.session() as s:
        account = _account(s, name)
        s.add(ApiToken(account_id=account.id, token_sha256=hashlib.sha256(token.encode()).hexdigest(), label=label,
                       created_at=now()))
        store.audit(s, None, "token-create", account=name, label=label)
        s.commit()
    return token


def account_for_token(store: Store, token: str) -> Account | None:
    """The enabled account of a live (not revoked) token."""
    digest = hashlib.sha256(token.encode()).hexdigest()
    with store.session() as s:
        row = s.scalars(select(ApiToken).where(ApiToken.token_sha256 == digest)).first()
        if row is None or row.revoked_at is not None:
            return None
        account = s.get(Account, row.account_id)
        return None if account is None or account.disabled else account
