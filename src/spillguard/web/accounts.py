"""Local accounts (argon2id password hashes) and API tokens (only their SHA-256 is stored)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select

from spillguard.errors import UsageError
from spillguard.respond.models import Account, ApiToken
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


def verify(store: Store, name: str, password: str) -> Account | None:
    with store.session() as s:
        account = s.scalars(select(Account).where(Account.name == name)).first()
    if account is None:
        _HASHER.hash(password)  # same time whether the account exists or not
        return None
    try:
        _HASHER.verify(account.password_hash, password)
    except VerificationError:
        return None
    return account


def create_token(store: Store, name: str, label: str) -> str:
    token = "sg_" + secrets.token_urlsafe(32)
    with store.session() as s:
        account = s.scalars(select(Account).where(Account.name == name)).first()
        if account is None:
            raise UsageError(f"no account {name!r} (spillguard users add)")
        s.add(ApiToken(account_id=account.id, token_sha256=hashlib.sha256(token.encode()).hexdigest(), label=label,
                       created_at=now()))
        store.audit(s, None, "token-create", account=name, label=label)
        s.commit()
    return token


def account_for_token(store: Store, token: str) -> Account | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    with store.session() as s:
        row = s.scalars(select(ApiToken).where(ApiToken.token_sha256 == digest)).first()
        return s.get(Account, row.account_id) if row is not None else None
