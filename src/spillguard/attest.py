"""Signed verdicts: a release's decision bound to the exact bytes it judged.

``spillguard check RELEASE --attest OUT --key KEY`` writes an in-toto Statement v1 whose subjects
are the release's files by SHA-256 and whose predicate is the verdict (decision, rule codes with
counts, per file and in all; spillguard's version; a digest of the settings that decide findings;
the time), in a DSSE envelope signed with Ed25519. ``spillguard verify`` and the web-server gate
check it against trusted public keys.

Libraries: ``cryptography`` makes and loads the Ed25519 keys (PEM: PKCS #8 private, SubjectPublicKeyInfo
public); ``securesystemslib`` builds the DSSE envelope, its pre-authentication encoding and the
signature checks. Nothing here is hand-made crypto; the envelope verifies with ``openssl pkeyutl``.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spillguard import __version__
from spillguard.errors import UsageError

if TYPE_CHECKING:
    from securesystemslib.signer import SSlibKey

    from spillguard.config import Config
    from spillguard.model import Report

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
PREDICATE_TYPE = "https://spillguard.dev/verdict/v1"


# -- keys ----------------------------------------------------------------------------------------

def create_keys(folder: Path, name: str) -> tuple[Path, Path]:
    """A new Ed25519 key pair: ``NAME.key`` (owner-only) and ``NAME.pub``; never overwrites."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    private, public = folder / f"{name}.key", folder / f"{name}.pub"
    for path in (private, public):
        if path.exists():
            raise UsageError(f"{path} exists: a key is never overwritten (choose another --name)")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def public_key(path: Path) -> SSlibKey:
    """A trusted Ed25519 public key from its PEM file."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key
    from securesystemslib.signer import SSlibKey

    try:
        key = load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: not a PEM public key ({type(exc).__name__})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError(f"{path}: not an Ed25519 key")
    return SSlibKey.from_crypto(key)


def _signer(path: Path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    from securesystemslib.signer import CryptoSigner, SSlibKey

    try:
        if path.stat().st_mode & 0o077:
            raise UsageError(f"the signing key {path} is readable by others: chmod 600 it")
        key = load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(f"{path}: not an unencrypted PEM private key ({type(exc).__name__})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"{path}: not an Ed25519 key")
    return CryptoSigner(key, SSlibKey.from_crypto(key.public_key()))


# -- what a verdict covers -----------------------------------------------------------------------

def file_sha256(path: Path) -> str:
    from spillguard.execute.cache import file_sha256 as digest

    return digest(path)


def config_digest(config: Config) -> str:
    """A digest of the settings that decide findings (rules selected and ignored, severities, fail
    level, limits, intents, disclosure and diff tolerances; a baseline's or fingerprints' content),
    not of how the run was carried out: a CI run with ``--ignore SG201`` has another digest."""
    from spillguard.config import Execution

    plain = dataclasses.replace(config, execution=Execution(), source=None, show_values=False, baseline=None,
                                baseline_key_file=None, fingerprints=None, fingerprint_key_file=None,
                                severity=dict(sorted(config.severity.items())))
    h = hashlib.sha256(repr(plain).encode())
    for extra in (config.baseline, config.fingerprints):
        h.update(b"\x1f" + (file_sha256(Path(extra)).encode() if extra else b"-"))
    return "sha256:" + h.hexdigest()


def _owner(finding_file: str, names: list[str]) -> str | None:
    """The release file a finding belongs to (a finding inside a container names ``file!/part``)."""
    for name in names:
        if finding_file == name or finding_file.startswith(name + "!/"):
            return name
    return None


def statement(release: Path, report: Report, config: Config, at: dt.datetime | None = None) -> dict[str, Any]:
    """The in-toto Statement of a release's verdict: every file a subject, each with its own
    decision. A finding that names no single file of the release (a diff of the whole release)
    counts against every file."""
    from spillguard.files import iter_files

    files = [release] if release.is_file() else list(iter_files([release], config.exclude))
    names = [p.as_posix() for p in files]
    per_file: dict[str, Counter[str]] = {n: Counter() for n in names}
    blocked: dict[str, bool] = dict.fromkeys(names, False)
    shared: Counter[str] = Counter()
    shared_block = False
    for finding in report.findings:
        owner = _owner(finding.location.file, names)
        blocks = finding.severity >= report.fail_on or finding.rule.startswith("SG9")
        if owner is None:
            shared[finding.rule] += 1
            shared_block = shared_block or blocks
        else:
            per_file[owner][finding.rule] += 1
            blocked[owner] = blocked[owner] or blocks
    for error in report.errors:  # each is also a finding (counted above): here it only blocks
        owner = _owner(error.file, names)
        if owner is None:
            shared_block = True
        else:
            blocked[owner] = True
    subjects, verdicts = [], []
    for path, name in zip(files, names, strict=True):
        shown = path.name if path == release else path.relative_to(release).as_posix()
        digest = file_sha256(path)
        subjects.append({"name": shown, "digest": {"sha256": digest}})
        rules = per_file[name] + shared
        verdicts.append({"name": shown, "sha256": digest, "decision": "block" if blocked[name] or shared_block
                         else "pass", "rules": dict(sorted(rules.items()))})
    totals = Counter(f.rule for f in report.findings)
    when = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    return {"_type": STATEMENT_TYPE, "subject": subjects, "predicateType": PREDICATE_TYPE,
            "predicate": {"decision": report.decision, "failOn": report.fail_on.label,
                          "rules": dict(sorted(totals.items())), "files": verdicts,
                          "spillguard": __version__, "configDigest": config_digest(config),
                          "time": when.isoformat().replace("+00:00", "Z")}}


# -- envelopes -----------------------------------------------------------------------------------

def sign(statement_: dict[str, Any], key: Path) -> dict[str, Any]:
    """The DSSE envelope of a statement, signed with the Ed25519 key in ``key``."""
    from securesystemslib.dsse import Envelope

    payload = json.dumps(statement_, sort_keys=True, separators=(",", ":")).encode()
    envelope = Envelope(payload=payload, payload_type=PAYLOAD_TYPE, signatures={})
    envelope.sign(_signer(key))
    return envelope.to_dict()


def pae(envelope: dict[str, Any]) -> bytes:
    """The bytes a DSSE signature covers (the pre-authentication encoding)."""
    import copy

    from securesystemslib.dsse import Envelope

    return Envelope.from_dict(copy.deepcopy(envelope)).pae()  # from_dict rewrites the signatures it is given


@dataclass(frozen=True, slots=True)
class Attested:
    """One file's verdict from an envelope that verified."""

    name: str
    sha256: str
    decision: str
    rules: dict[str, int]
    config_digest: str
    time: dt.datetime
    keyid: str


class Invalid(ValueError):
    """An envelope that does not verify, or does not hold a spillguard verdict (the reason)."""


def open_envelope(data: bytes, keys: list[SSlibKey]) -> list[Attested]:
    """The per-file verdicts of an envelope signed by one of ``keys``; :class:`Invalid` otherwise
    (a tampered payload or signature, an unknown key, another payload type, a malformed statement)."""
    from securesystemslib.dsse import Envelope
    from securesystemslib.exceptions import VerificationError

    try:
        envelope = Envelope.from_dict(json.loads(data))
    except (ValueError, KeyError, TypeError) as exc:
        raise Invalid(f"not a DSSE envelope ({type(exc).__name__})") from None
    if envelope.payload_type != PAYLOAD_TYPE:
        raise Invalid(f"payload type {envelope.payload_type!r} is not an in-toto statement")
    if not keys:
        raise Invalid("no trusted key")
    try:
        accepted = envelope.verify(keys, 1)
    except (VerificationError, ValueError) as exc:
        raise Invalid(f"no signature by a trusted key verifies ({type(exc).__name__})") from None
    keyid = next(iter(accepted))
    try:
        body = json.loads(envelope.payload)
        predicate = body["predicate"]
        if body["_type"] != STATEMENT_TYPE or body["predicateType"] != PREDICATE_TYPE:
            raise Invalid("not a spillguard verdict statement")
        subjects = {s["digest"]["sha256"] for s in body["subject"]}
        when = dt.datetime.fromisoformat(predicate["time"].replace("Z", "+00:00"))
        out = []
        for item in predicate["files"]:
            if item["sha256"] not in subjects:
                raise Invalid(f"{item['name']}: a verdict for bytes that are not a subject")
            out.append(Attested(name=str(item["name"]), sha256=str(item["sha256"]), decision=str(item["decision"]),
                                rules={str(k): int(v) for k, v in item["rules"].items()},
                                config_digest=str(predicate["configDigest"]), time=when, keyid=keyid))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, Invalid):
            raise
        raise Invalid(f"malformed statement ({type(exc).__name__})") from None
    return out


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
