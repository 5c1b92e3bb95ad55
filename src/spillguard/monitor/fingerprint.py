"""Fingerprints of a leaked data set: keyed HMACs of each person's normalised identifiers —
``A:<9 digits>`` and ``NB:<name>|<birth date>`` — never the plaintext, so the file can be kept,
shared with those who search for re-posts, and matched against any file the scanner reads (a
CSV, a workbook, a PDF, a paste as text).

The key is not in the fingerprint file: ``$SPILLGUARD_FINGERPRINT_KEY``, or ``--key-file``, or a
key file made beside the fingerprint file at build time (mode 0600). Without the key the
fingerprints cannot be tested against guesses (an A-number has only a billion values: an
unkeyed hash of one would be no protection). HMACs are truncated to 128 bits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from spillguard.config import Config
from spillguard.errors import UsageError
from spillguard.respond.people import Found, extract

ENV_KEY = "SPILLGUARD_FINGERPRINT_KEY"
VERSION = 1
MAGIC = "spillguard-fingerprints"


def load_key(fingerprints: Path, key_file: Path | None, create: bool = False) -> bytes:
    if os.environ.get(ENV_KEY):
        return os.environ[ENV_KEY].encode()
    path = key_file or fingerprints.with_name(fingerprints.name + ".key")
    if not path.exists():
        if not create:
            raise UsageError(f"no fingerprint key: set {ENV_KEY} or give --key-file (the key made with the "
                             f"fingerprints was {path})")
        path.write_text(secrets.token_hex(32), encoding="ascii")
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip().encode()


def _mac(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def person_macs(key: bytes, person: Found) -> set[str]:
    out = set()
    if person.a_number:
        out.add(_mac(key, f"A:{person.a_number}"))
    if person.name and person.birth:
        out.add(_mac(key, f"NB:{person.name}|{person.birth}"))
    return out


@dataclass(slots=True)
class Fingerprints:
    macs: set[str]
    records: int
    key_id: str
    source_sha256: str

    @classmethod
    def load(cls, path: Path, key: bytes) -> Fingerprints:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read fingerprints {path}: {exc}") from None
        if data.get("format") != MAGIC or data.get("version") != VERSION:
            raise UsageError(f"{path} is not a spillguard fingerprint file")
        if data["key_id"] != _mac(key, "key-id")[:16]:
            raise UsageError(f"{path} was built with another key")
        return cls(set(data["macs"]), int(data["records"]), data["key_id"], data["source_sha256"])

    def matches(self, key: bytes, people: list[Found]) -> int:
        """How many of these people are among the fingerprinted records."""
        return sum(1 for p in people if person_macs(key, p) & self.macs)


def build(leaked: Path, out: Path, key: bytes, config: Config) -> int:
    found = extract(leaked, config)
    macs = sorted({m for p in found.people for m in person_macs(key, p)})
    digest = hashlib.sha256(leaked.read_bytes()).hexdigest()
    out.write_text(json.dumps({"format": MAGIC, "version": VERSION, "key_id": _mac(key, "key-id")[:16],
                               "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                               "source_sha256": digest, "records": len(found.people), "macs": macs}) + "\n",
                   encoding="utf-8")
    return len(found.people)


def match(fingerprints: Fingerprints, key: bytes, candidate: Path, config: Config) -> tuple[int, int]:
    """(leaked records found in the candidate, people found in it)."""
    people = extract(candidate, config).people
    return fingerprints.matches(key, people), len(people)
