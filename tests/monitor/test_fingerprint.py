"""Fingerprints of a leaked roster find a 50-record subset re-posted as CSV, as PDF text and
behind a URL, match nothing in an unrelated roster, and hold no plaintext."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spillguard.cli import app
from spillguard.config import Config
from spillguard.scan import scan
from spillguard.synth.pdf import Pdf
from spillguard.synth.people import Person, people
from spillguard.synth.xlsx import Book, PivotCache


@pytest.fixture()
def leak(tmp_path: Path) -> tuple[Path, list[Person]]:
    crowd = list(people(300, seed=51))
    book = Book()
    book.sheet("Stats", [["Facility", "Detained"], ["Stewart", 120]])
    book.extras.pivots.append(PivotCache(["Name", "A-Number", "Birth Date", "Country", "Facility"],
                                         [[p.listed_name, p.a_number, p.birth, p.country, p.facility] for p in crowd],
                                         "Extract", indexed=("Country", "Facility")))
    path = tmp_path / "leaked.xlsx"
    path.write_bytes(book.to_bytes())
    return path, crowd


def repost_csv(path: Path, subset: list[Person]) -> Path:
    # a re-post reshuffles: other column names and order, A-numbers written with dashes
    lines = ["dob,full name,alien no"] + [f"{p.birth:%m/%d/%Y},{p.name},A-{p.a_number[:3]}-{p.a_number[3:6]}-"
                                           f"{p.a_number[6:]}" for p in subset]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def repost_pdf(path: Path, subset: list[Person]) -> Path:
    """The subset pasted as text into a PDF, 25 lines a page."""
    d = Pdf()
    for start in range(0, len(subset), 25):
        page = d.page()
        for i, p in enumerate(subset[start:start + 25]):
            page.text(40, 760 - 24 * i, f"{p.name}, A# {p.a_number}, born {p.birth:%B %-d, %Y}", size=9)
    path.write_bytes(d.to_bytes())
    return path


def test_build_and_match(tmp_path: Path, leak: tuple[Path, list[Person]], monkeypatch) -> None:
    monkeypatch.delenv("SPILLGUARD_FINGERPRINT_KEY", raising=False)
    leaked, crowd = leak
    runner = CliRunner()
    built = runner.invoke(app, ["fingerprint", "build", str(leaked), "-o", str(tmp_path / "leak.sgfp")])
    assert built.exit_code == 0 and "300 records" in built.output
    text = (tmp_path / "leak.sgfp").read_text()
    assert (tmp_path / "leak.sgfp.key").stat().st_mode & 0o077 == 0
    for p in crowd:  # no plaintext in the fingerprint file
        assert p.a_number not in text and p.family not in text and p.given not in text
    subset = crowd[100:150]
    csv = repost_csv(tmp_path / "paste.csv", subset)
    pdf = repost_pdf(tmp_path / "paste.pdf", subset)
    unrelated = repost_csv(tmp_path / "other.csv", list(people(50, seed=999)))
    out = runner.invoke(app, ["fingerprint", "match", str(tmp_path / "leak.sgfp"), str(csv), str(pdf), str(unrelated)])
    assert out.exit_code == 1
    lines = {Path(line.split(":")[0]).name: line for line in out.output.splitlines()}
    assert "50 leaked record(s) among 50 people" in lines["paste.csv"]
    assert "50 leaked record(s) among 50 people" in lines["paste.pdf"]
    assert "0 leaked record(s) among 50 people" in lines["other.csv"]
    clean = runner.invoke(app, ["fingerprint", "match", str(tmp_path / "leak.sgfp"), str(unrelated)])
    assert clean.exit_code == 0


def test_match_a_url_and_scan_with_fingerprints(tmp_path: Path, leak: tuple[Path, list[Person]],
                                                monkeypatch) -> None:
    monkeypatch.setenv("SPILLGUARD_FINGERPRINT_KEY", "fingerprint-test-key")
    leaked, crowd = leak
    from spillguard.monitor.fingerprint import build

    build(leaked, tmp_path / "leak.sgfp", b"fingerprint-test-key", Config())
    site = tmp_path / "site"
    site.mkdir()
    repost_csv(site / "dump.csv", crowd[:50])
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/dump.csv"
        out = CliRunner().invoke(app, ["fingerprint", "match", str(tmp_path / "leak.sgfp"), url])
    finally:
        server.shutdown()
    assert out.exit_code == 1 and f"{url}: 50 leaked record(s)" in out.output
    report = scan([site / "dump.csv"], Config(fingerprints=str(tmp_path / "leak.sgfp")))
    leaked_findings = [f for f in report.findings if f.rule == "SG210"]
    assert [(f.severity.label, f.records) for f in leaked_findings] == [("critical", 50)]
    other = tmp_path / "other.csv"
    repost_csv(other, list(people(50, seed=999)))
    assert not [f for f in scan([other], Config(fingerprints=str(tmp_path / "leak.sgfp"))).findings
                if f.rule == "SG210"]
    monkeypatch.setenv("SPILLGUARD_FINGERPRINT_KEY", "another-key")
    wrong = CliRunner().invoke(app, ["fingerprint", "match", str(tmp_path / "leak.sgfp"), str(other)])
    assert wrong.exit_code == 2 and "another key" in wrong.output


def test_the_offline_guard_still_refuses_the_internet() -> None:
    import socket

    with pytest.raises(AssertionError, match="network"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
