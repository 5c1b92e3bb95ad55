"""Signed verdicts: in-toto Statement v1 in a DSSE envelope, Ed25519; checked by securesystemslib
and, for interoperability, by OpenSSL over the envelope's pre-authentication encoding."""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spillguard.attest import Invalid, config_digest, create_keys, open_envelope, pae, public_key, sign, statement
from spillguard.cli import app
from spillguard.config import Config
from spillguard.errors import UsageError
from spillguard.release import check
from tests.gate.fixtures import clean_csv, leak_csv


@pytest.fixture()
def release(tmp_path: Path) -> Path:
    folder = tmp_path / "release"
    folder.mkdir()
    (folder / "facilities.csv").write_bytes(clean_csv())
    (folder / "extract.csv").write_bytes(leak_csv())
    return folder


def test_statement_names_each_file_by_its_bytes_with_its_own_decision(release: Path, tmp_path: Path) -> None:
    report = check(release, None, Config())
    body = statement(release, report, Config(), at=dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC))
    assert body["_type"] == "https://in-toto.io/Statement/v1"
    assert [s["name"] for s in body["subject"]] == ["extract.csv", "facilities.csv"]
    import hashlib

    assert body["subject"][1]["digest"]["sha256"] == hashlib.sha256(clean_csv()).hexdigest()
    files = {f["name"]: f for f in body["predicate"]["files"]}
    assert files["facilities.csv"]["decision"] == "pass"
    assert files["extract.csv"]["decision"] == "block"
    assert files["extract.csv"]["rules"] == {"SG202": 1}  # a visible table of people
    assert files["facilities.csv"]["rules"] == {}
    assert body["predicate"]["decision"] == "block"
    assert body["predicate"]["time"] == "2026-12-01T12:00:00Z"
    assert body["predicate"]["configDigest"] == config_digest(Config())


def test_an_ignored_rule_changes_the_configuration_digest() -> None:
    assert config_digest(Config()) == config_digest(Config())
    assert config_digest(Config(ignore=("SG201",))) != config_digest(Config())
    assert config_digest(Config().with_overrides(show_values=True)) == config_digest(Config())


def test_sign_verify_and_tampering(release: Path, tmp_path: Path) -> None:
    private, public = create_keys(tmp_path / "keys", "ci")
    assert private.stat().st_mode & 0o777 == 0o600
    envelope = sign(statement(release, check(release, None, Config()), Config()), private)
    got = open_envelope(json.dumps(envelope).encode(), [public_key(public)])
    assert sorted((a.name, a.decision) for a in got) == [("extract.csv", "block"), ("facilities.csv", "pass")]
    # the payload edited to say the leak passes: the signature no longer verifies
    body = json.loads(base64.b64decode(envelope["payload"]))
    for item in body["predicate"]["files"]:
        item["decision"] = "pass"
    forged = {**envelope, "payload": base64.b64encode(json.dumps(body).encode()).decode()}
    with pytest.raises(Invalid, match="no signature by a trusted key"):
        open_envelope(json.dumps(forged).encode(), [public_key(public)])
    # signed by another key
    _, other = create_keys(tmp_path / "keys", "other")
    with pytest.raises(Invalid, match="no signature by a trusted key"):
        open_envelope(json.dumps(envelope).encode(), [public_key(other)])
    with pytest.raises(Invalid, match="not a DSSE envelope"):
        open_envelope(b"{}", [public_key(public)])


def test_keys_are_never_overwritten_and_a_readable_private_key_is_refused(release: Path, tmp_path: Path) -> None:
    private, _ = create_keys(tmp_path, "k")
    with pytest.raises(UsageError, match="never overwritten"):
        create_keys(tmp_path, "k")
    private.chmod(0o644)
    with pytest.raises(UsageError, match="readable by others"):
        sign(statement(release, check(release, None, Config()), Config()), private)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_openssl_accepts_the_signature_over_the_pre_authentication_encoding(release: Path, tmp_path: Path) -> None:
    private, public = create_keys(tmp_path / "keys", "ci")
    envelope = sign(statement(release, check(release, None, Config()), Config()), private)
    (tmp_path / "pae.bin").write_bytes(pae(envelope))
    assert pae(envelope).startswith(b"DSSEv1 28 application/vnd.in-toto+json ")
    (tmp_path / "sig.bin").write_bytes(base64.b64decode(envelope["signatures"][0]["sig"]))
    run = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(public), "-rawin",
                          "-in", str(tmp_path / "pae.bin"), "-sigfile", str(tmp_path / "sig.bin")],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "Signature Verified Successfully" in run.stdout
    # one byte of the encoding changed: OpenSSL refuses it
    tampered = bytearray(pae(envelope))
    tampered[-2] ^= 1
    (tmp_path / "pae.bin").write_bytes(bytes(tampered))
    run = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(public), "-rawin",
                          "-in", str(tmp_path / "pae.bin"), "-sigfile", str(tmp_path / "sig.bin")],
                         capture_output=True, text=True, check=False)
    assert run.returncode != 0


def test_cli_keys_check_attest_and_verify(release: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["keys", "create", "--name", "ci", "--dir", str(tmp_path / "keys")])
    assert made.exit_code == 0, made.output
    key, pub = tmp_path / "keys" / "ci.key", tmp_path / "keys" / "ci.pub"
    out = tmp_path / "verdict.intoto.json"
    checked = runner.invoke(app, ["check", str(release), "--attest", str(out), "--key", str(key), "-f", "json"])
    assert checked.exit_code == 1  # the release holds the extract: blocked, and attested as such
    assert json.loads(out.read_text())["payloadType"] == "application/vnd.in-toto+json"
    ok = runner.invoke(app, ["verify", str(out), str(release / "facilities.csv"), "--trust", str(pub)])
    assert ok.exit_code == 0, ok.output
    assert "PASS attested as facilities.csv" in ok.output
    bad = runner.invoke(app, ["verify", str(out), str(release / "extract.csv"), "--trust", str(pub)])
    assert bad.exit_code == 1 and "BLOCK attested as extract.csv" in bad.output
    other = tmp_path / "other.csv"
    other.write_bytes(clean_csv(seed=9))
    nope = runner.invoke(app, ["verify", str(out), str(other), "--trust", str(pub)])
    assert nope.exit_code == 1 and "NOT COVERED" in nope.output
    missing_key = runner.invoke(app, ["verify", str(out), str(other)])
    assert missing_key.exit_code == 2
    alone = runner.invoke(app, ["check", str(release), "--attest", str(out)])
    assert alone.exit_code == 2 and "go together" in alone.output


def test_the_gate_takes_only_a_fresh_passing_attestation_for_its_own_settings(release: Path, tmp_path: Path) -> None:
    import hashlib

    from spillguard.gate.trust import Attestations

    private, public = create_keys(tmp_path / "keys", "ci")
    folder = tmp_path / "attestations"
    folder.mkdir()
    made = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    report = check(release, None, Config())
    (folder / "a.intoto.json").write_text(json.dumps(sign(statement(release, report, Config(), at=made), private)))
    clean = hashlib.sha256(clean_csv()).hexdigest()
    leak = hashlib.sha256(leak_csv()).hexdigest()
    trusted = Attestations(folder, [public_key(public)], dt.timedelta(days=30))
    ours = config_digest(Config())
    assert trusted.passed(clean, ours, at=made + dt.timedelta(days=1)).name == "facilities.csv"
    assert trusted.passed(leak, ours, at=made + dt.timedelta(days=1)) is None  # its own decision is block
    assert trusted.passed(clean, ours, at=made + dt.timedelta(days=31)) is None  # older than the max age
    assert trusted.passed(clean, ours, at=made - dt.timedelta(hours=1)) is None  # dated in the future
    assert trusted.passed(clean, config_digest(Config(ignore=("SG202",))), at=made) is None  # other settings
    # the same release attested by a CI run that ignored the rule: not the gate's settings
    lax = Config(ignore=("SG202",))
    (folder / "a.intoto.json").unlink()
    (folder / "lax.intoto.json").write_text(json.dumps(sign(statement(release, check(release, None, lax), lax,
                                                                      at=made), private)))
    again = Attestations(folder, [public_key(public)], dt.timedelta(days=30))
    assert again.passed(leak, ours, at=made) is None
    accepting = Attestations(folder, [public_key(public)], dt.timedelta(days=30), accept_configs=(config_digest(lax),))
    assert accepting.passed(leak, ours, at=made).decision == "pass"  # only when named with --accept-config
    (folder / "junk.json").write_text("{not json")
    junk = Attestations(folder, [public_key(public)], dt.timedelta(days=30))
    assert junk.passed(leak, ours, at=made) is None
    assert junk.invalid == {"junk.json": "not a DSSE envelope (JSONDecodeError)"}
