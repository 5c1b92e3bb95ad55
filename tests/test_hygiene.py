"""Data hygiene: with the demo's 6,252 fictitious people as canaries, no unmasked identifier
reaches stdout, stderr, logs, the incident and watch stores, baselines, fingerprints, the scan
cache or the web app's responses and logs. (Notices and letters are excluded: they are written
to the people themselves.)"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spillguard.cli import app
from spillguard.demo import RECORDS, SEED, build_this_quarter
from spillguard.synth.people import people

CANARIES = list(people(RECORDS, seed=SEED))
A_NUMBERS = {p.a_number for p in CANARIES}
NAMES = {p.name for p in CANARIES} | {p.listed_name for p in CANARIES}


def leaked_numbers(data: str | bytes) -> set[str]:
    """Every demo A-number found in ``data``, in any written form (A212345678, A-212-345-678…)."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    found = set()
    # not inside a lowercase hex digest (keyed HMACs, SHA-256s), where nine decimal digits in a
    # row happen by chance; "A212345678" (capital A) is still found
    for m in re.finditer(r"(?<![0-9a-f])(\d{3})[- ]?(\d{3})[- ]?(\d{3})(?![0-9a-f])", text):
        number = "".join(m.groups())
        if number in A_NUMBERS:
            found.add(number)
    return found


def leaked_names(text: str) -> set[str]:
    return {n for n in NAMES if n in text}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    folder = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPILLGUARD_")}
    env["SPILLGUARD_KEY_DIR"] = str(folder / "keys")
    done = subprocess.run([sys.executable, "-m", "spillguard", "demo", str(folder / "d")], capture_output=True,
                          text=True, env=env, timeout=600, cwd=folder)
    assert done.returncode == 0, done.stderr[-2000:]
    return folder / "d", done


def test_the_demo_prints_no_identifier(demo) -> None:
    _, done = demo
    assert "A-2**-***-" in done.stdout  # masked evidence is shown ...
    assert leaked_numbers(done.stdout + done.stderr) == set()  # ... never the numbers
    assert leaked_names(done.stdout + done.stderr) == set()


def test_the_stores_hold_no_plaintext_identifier(demo) -> None:
    from spillguard.respond.store import database_url, key_file

    folder, _ = demo
    demo_key_dir = folder.parent / "keys"
    stores = sorted(folder.glob("*.db"))
    assert [p.name for p in stores] == ["gate.db", "incident.db", "watch.db"]
    for db in stores:
        raw = db.read_bytes()
        assert leaked_numbers(raw) == set(), db.name
        assert not Path(f"{db}.key").exists()  # the HMAC key is not beside the data ...
        key = demo_key_dir / key_file(database_url(str(db))).name
        assert key.stat().st_mode & 0o077 == 0  # ... but in the key folder, owner-only
        assert key.read_bytes().strip() not in raw


def test_baselines_fingerprints_and_cache_hold_no_identifier(tmp_path: Path, monkeypatch, caplog) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SPILLGUARD_BASELINE_KEY", "canary-baseline-key")
    caplog.set_level(logging.DEBUG)
    leaked = tmp_path / "FY24.xlsx"
    build_this_quarter(leaked)
    runner = CliRunner()
    outputs = []
    for args in (["baseline", "create", str(leaked), "--reason", "canary", "--file", "base.json"],
                 ["fingerprint", "build", str(leaked), "-o", "leak.sgfp"],
                 ["fingerprint", "match", "leak.sgfp", str(leaked)],
                 ["scan", str(leaked), "--db", "cache.db", "-f", "json", "-o", "r.json"],
                 ["scan", str(leaked), "--db", "cache.db", "-f", "sarif", "-o", "r.sarif"],
                 ["scan", str(leaked), "--fingerprints", "leak.sgfp"]):
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), (args, result.output)
        outputs.append(result.output)
    for name in ("base.json", "leak.sgfp", "leak.sgfp.key", "cache.db", "r.json", "r.sarif"):
        raw = (tmp_path / name).read_bytes()
        assert leaked_numbers(raw) == set(), name
        assert leaked_names(raw.decode("utf-8", "replace")) == set(), name
    text = "\n".join(outputs) + caplog.text
    assert leaked_numbers(text) == set() and leaked_names(text) == set()
    # the canary search does find what --show-values prints on purpose
    shown = runner.invoke(app, ["scan", str(leaked), "--show-values"]).output
    assert leaked_numbers(shown) and leaked_names(shown)


def test_the_web_app_shows_and_logs_no_identifier(tmp_path: Path, monkeypatch, caplog) -> None:
    from fastapi.testclient import TestClient

    from spillguard.config import Config
    from spillguard.respond.store import Store
    from spillguard.web.accounts import add_user, create_token
    from spillguard.web.app import create_app

    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "canary-incident-key")
    caplog.set_level(logging.DEBUG)
    db = str(tmp_path / "web.db")
    add_user(Store(db), "pat", "correct horse battery", "publisher")
    token = create_token(Store(db), "pat", "canary")
    leaked = tmp_path / "FY24.xlsx"
    build_this_quarter(leaked)
    client = TestClient(create_app(db, Config(), upload_dir=tmp_path / "uploads"))
    with leaked.open("rb") as fh:
        r = client.post("/api/v1/scan", files=[("files", ("FY24.xlsx", fh))],
                        headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.json()["decision"] == "block"
    assert leaked_numbers(r.text) == set() and leaked_names(r.text) == set()
    assert leaked_numbers(caplog.text) == set() and leaked_names(caplog.text) == set()
    assert leaked_numbers((tmp_path / "web.db").read_bytes()) == set()
