"""Incident response end to end on generated data: the affected people of a leaked workbook,
the downloaders in access logs of every supported format, the report — on SQLite, and on
PostgreSQL when a server answers."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from spillguard.cli import app
from spillguard.config import Config
from spillguard.respond.incident import ingest_logs, open_incident, report
from spillguard.respond.models import AuditEntry, Person
from spillguard.respond.store import Store
from spillguard.synth import accesslog
from spillguard.synth.people import Person as Someone
from spillguard.synth.people import people
from spillguard.synth.xlsx import Book, PivotCache

PUBLISHED = dt.datetime(2022, 11, 30, 9, 45, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
REMOVED = dt.datetime(2022, 11, 30, 14, 4, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
URL = "https://www.example.gov/statistics/FY24_Q1_detentionStats.xlsx"
PG_URL = os.environ.get("SPILLGUARD_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def leaked(path: Path, roster: list[Someone]) -> Path:
    """Stats sheet + a pivot cache of 80 people + a hidden sheet repeating 10 of them by name and
    birth date only (they must not be counted twice)."""
    book = Book()
    book.sheet("Stats", [["Facility", "Detained"], ["Stewart", 120], ["Otay Mesa", 85]])
    book.extras.pivots.append(PivotCache(["Name", "A-Number", "Birth Date", "Country", "Facility"],
                                         [[p.listed_name, p.a_number, p.birth, p.country, p.facility]
                                          for p in roster[:80]], "Extract", indexed=("Country", "Facility")))
    book.sheet("Notes", [["Name", "Date of Birth", "Remark"], *[[p.name, p.birth, "moved"] for p in roster[:10]]],
               state="hidden")
    path.write_bytes(book.to_bytes())
    return path


def write_roster(path: Path, roster: list[Someone]) -> None:
    """A case-system export of ``roster``: A-number, name, language, custody."""
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["A-Number", "Name", "Preferred Language", "Custody Status"])
        w.writerows([f"A{p.a_number}", p.name, "Spanish", "In custody"] for p in roster)


@pytest.fixture()
def many() -> list[Someone]:
    return list(people(100, seed=31))


@pytest.fixture()
def postgres() -> str:
    """A fresh schema on the PostgreSQL server of this machine (and CI); skipped where none answers."""
    try:
        engine = sa.create_engine(PG_URL)
        with engine.connect() as c:
            schema = f"sg_test_{os.getpid()}"
            c.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            c.execute(sa.text(f"CREATE SCHEMA {schema}"))
            c.commit()
    except Exception as exc:
        pytest.skip(f"no PostgreSQL server at {PG_URL} ({type(exc).__name__}); SQLite is tested instead")
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with engine.connect() as c:
        c.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        c.commit()
    engine.dispose()


def run_incident(url: str, tmp_path: Path, many: list[Someone], fmt: str) -> None:
    file = leaked(tmp_path / "FY24_Q1_detentionStats.xlsx", many)
    path = "/statistics/FY24_Q1_detentionStats.xlsx"
    requests, expected = accesslog.scenario(path, file.stat().st_size, PUBLISHED, REMOVED)
    log = tmp_path / "access.log.gz"
    with gzip.open(log, "wt", encoding="utf-8") as fh:
        fh.writelines(getattr(accesslog, fmt)(requests))
    store = Store(url)
    opened = open_incident(store, "FY24 Q1 workbook", file, [URL], PUBLISHED, None, REMOVED, Config())
    assert opened["affected"] == 80  # 80 in the pivot cache; the 10 repeated by name + birth date are not new
    found = ingest_logs(store, None, [log])
    assert {d.client: {"kind": d.kind, "full_copy": d.full_copy, "requests": d.requests} for d in found} == expected
    data = report(store, None)
    assert data["affected"] == 80 and len(data["downloaders"]) == len(expected)
    assert data["risk"]["level"] == "HIGH" and not data["risk"]["major_incident"]
    assert any("web archive" in r for r in data["risk"]["reasons"])
    assert data["fields"]["A_NUMBER"] == 80 and data["fields"]["PERSON_NAME"] == 80
    first = min(r.time for r in requests if expected.get(r.client, {}).get("kind") == "visitor")
    assert data["timeline"]["first_external_download"] == first.astimezone(dt.UTC).isoformat()
    with store.session() as s:
        stored = " ".join(f"{p.key} {p.masked}" for p in s.scalars(sa.select(Person)))
    assert all(p.a_number not in stored and p.family not in stored for p in many[:80])
    store.engine.dispose()


def test_postgresql(tmp_path: Path, many: list[Someone], postgres: str, monkeypatch) -> None:
    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "incident-test-key")
    run_incident(postgres, tmp_path, many, "combined")


@pytest.mark.parametrize("fmt", ["combined", "json_lines", "s3", "cloudfront"])
def test_end_to_end(tmp_path: Path, many: list[Someone], fmt: str, monkeypatch) -> None:
    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "incident-test-key")
    run_incident(str(tmp_path / "incident.db"), tmp_path, many, fmt)


def test_cli_contract(tmp_path: Path, many: list[Someone], monkeypatch) -> None:
    monkeypatch.delenv("SPILLGUARD_INCIDENT_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    file = leaked(tmp_path / "leak.xlsx", many)
    requests, expected = accesslog.scenario("/statistics/FY24_Q1_detentionStats.xlsx", file.stat().st_size,
                                            PUBLISHED, REMOVED)
    (tmp_path / "access.log").write_text("".join(accesslog.combined(requests)), encoding="utf-8")
    runner = CliRunner()
    opened = runner.invoke(app, ["incident", "open", "FY24", "--file", str(file), "--url", URL,
                                 "--published-at", PUBLISHED.isoformat(), "--removed-at", REMOVED.isoformat()])
    assert opened.exit_code == 0, opened.output
    from spillguard.respond.store import database_url, key_file

    assert (tmp_path / "spillguard.db").is_file() and not (tmp_path / "spillguard.db.key").exists()
    key = key_file(database_url(str(tmp_path / "spillguard.db")))
    assert key.is_file() and key.stat().st_mode & 0o077 == 0 and key.parent != tmp_path  # not beside the data
    logs = runner.invoke(app, ["incident", "logs", "access.log"])
    assert logs.exit_code == 0 and f"{len(expected)} downloader(s)" in logs.output
    assert "198.51.100.10 " not in logs.output and "198.51.100.*" in logs.output  # masked by default
    out = runner.invoke(app, ["incident", "report", "--format", "json"])
    data = json.loads(out.output)
    assert data["affected"] == 80 and len(data["downloaders"]) == len(expected)
    assert set(data["holds"]) >= {"hold", "removed_before_exposure", "removed_during_exposure",
                                  "removed_before_notice", "released"}
    assert [a["action"] for a in data["audit"]] == ["open", "logs"]
    assert all(p.name not in out.output and p.a_number not in out.output for p in many[:80])
    bad = runner.invoke(app, ["incident", "open", "x", "--file", str(file), "--published-at", "yesterday"])
    assert bad.exit_code == 2


def test_risk_levels() -> None:
    from spillguard.respond.risk import assess

    quiet = assess(40, {"PERSON_NAME": 40}, 0.5, [])
    assert quiet.level == "LOW" and any("absence of evidence" in r for r in quiet.reasons)
    crawled = assess(6_252, {"A_NUMBER": 6_252, "FACILITY": 6_252}, 4.3,
                     [{"kind": "crawler", "full_copy": True}])
    assert crawled.level == "HIGH"  # sensitive 2 + vulnerable 1 + crawled 1 + over an hour 1
    major = assess(120_000, {"A_NUMBER": 120_000}, 2, [{"kind": "visitor", "full_copy": True}])
    assert major.major_incident and major.level == "HIGH"


def test_report_formats_and_the_other_commands(tmp_path: Path, many: list[Someone], monkeypatch) -> None:

    from lxml import etree

    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "incident-test-key")
    monkeypatch.chdir(tmp_path)
    file = leaked(tmp_path / "leak.xlsx", many)
    requests, expected = accesslog.scenario("/statistics/FY24_Q1_detentionStats.xlsx", file.stat().st_size,
                                            PUBLISHED, REMOVED)
    (tmp_path / "access.log").write_text("".join(accesslog.combined(requests)), encoding="utf-8")
    (tmp_path / "orgs.csv").write_text("198.51.100.0/24,Example Newsroom\n207.241.229.39/32,Internet Archive\n")
    write_roster(tmp_path / "roster.csv", many[:80])
    runner = CliRunner()
    for args in (["incident", "open", "FY24", "--file", str(file), "--url", URL, "--published-at",
                  PUBLISHED.isoformat(), "--removed-at", REMOVED.isoformat()],
                 ["incident", "logs", "access.log", "--cidr-orgs", "orgs.csv"],
                 ["incident", "roster", "roster.csv"],
                 ["incident", "notices", "-o", "docs", "--no-pdf"]):
        done = runner.invoke(app, args)
        assert done.exit_code == 0, (args, done.output)
    assert "80 affected people matched" in runner.invoke(app, ["incident", "roster", "roster.csv"]).output
    listed = runner.invoke(app, ["incident", "holds", "list"]).output.splitlines()
    assert len(listed) == 80 and all(" hold " in line for line in listed)
    key = listed[0].split()[0]
    assert runner.invoke(app, ["incident", "holds", "set", key, "--status", "released", "--reason",
                               "released on parole 2022-12-01"]).exit_code == 0
    assert runner.invoke(app, ["incident", "holds", "set", key, "--status", "gone", "--reason", "x"]).exit_code == 2
    exported = runner.invoke(app, ["incident", "holds", "export", "--roster", "roster.csv", "-o", "holds.csv"])
    assert exported.exit_code == 0
    assert sum(1 for _ in (tmp_path / "holds.csv").open()) == 81
    md = runner.invoke(app, ["incident", "report", "--format", "markdown"]).output
    assert "## Risk of harm: HIGH" in md and "| 198.51.100.* | Example Newsroom | visitor |" in md
    runner.invoke(app, ["incident", "report", "--format", "html", "-o", "report.html"])
    page = (tmp_path / "report.html").read_text()
    assert etree.HTML(page.encode()).find(".//h1") is not None
    assert page.count("<rect ") == 5  # one bar per hour of the 4 h 19 min window
    assert len(list((tmp_path / "docs" / "clawback").glob("*.txt"))) == len(expected)


def test_damaged_log_lines_are_counted_not_fatal(tmp_path: Path, many: list[Someone], monkeypatch) -> None:
    """Found by `make fuzz`: a line naming the file with a damaged time stopped the whole analysis."""
    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "incident-test-key")
    file = leaked(tmp_path / "FY24_Q1_detentionStats.xlsx", many)
    path = "/statistics/FY24_Q1_detentionStats.xlsx"
    requests, expected = accesslog.scenario(path, file.stat().st_size, PUBLISHED, REMOVED)
    lines = list(accesslog.combined(requests))
    damaged = [line.replace("/Nov/", "/N0v/", 1) for line in lines if path in line][:3]
    log = tmp_path / "access.log"
    log.write_text("".join([*lines, *damaged]), encoding="utf-8")
    store = Store(str(tmp_path / "i.db"))
    open_incident(store, "FY24 Q1 workbook", file, [URL], PUBLISHED, None, REMOVED, Config())
    unreadable = [0]
    found = ingest_logs(store, None, [log], unreadable=unreadable)
    assert unreadable == [3]
    assert {d.client for d in found} == set(expected)
    result = CliRunner().invoke(app, ["incident", "logs", str(log), "--db", str(tmp_path / "i.db")])
    assert result.exit_code == 0
    assert "3 line(s) naming the exposed URL could not be parsed" in result.output
    store.engine.dispose()


def test_rekey_rotates_every_hmac_from_the_leaked_file(tmp_path: Path, many: list[Someone], monkeypatch) -> None:

    from spillguard.respond.store import database_url, key_file

    monkeypatch.delenv("SPILLGUARD_INCIDENT_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    file = leaked(tmp_path / "leak.xlsx", many)
    other = leaked(tmp_path / "other.xlsx", many[:50])
    write_roster(tmp_path / "roster.csv", many[:80])
    runner = CliRunner()
    for args in (["incident", "open", "FY24", "--file", str(file), "--url", URL, "--published-at",
                  PUBLISHED.isoformat(), "--removed-at", REMOVED.isoformat()],
                 ["incident", "roster", "roster.csv"]):
        assert runner.invoke(app, args).exit_code == 0
    key_path = key_file(database_url("spillguard.db"))
    old_key = key_path.read_bytes()
    store = Store("spillguard.db")
    with store.session() as s:
        before = {p.masked: (p.key, p.roster_key) for p in s.scalars(sa.select(Person))}
    store.engine.dispose()
    # the wrong file, or no roster although people were matched to one: refused, nothing changed
    wrong = runner.invoke(app, ["incident", "rekey", "--file", f"1={other}", "--roster", "roster.csv"])
    assert wrong.exit_code == 2 and "is not the leaked file of incident 1" in wrong.output
    no_roster = runner.invoke(app, ["incident", "rekey", "--file", f"1={file}"])
    assert no_roster.exit_code == 2 and "--roster" in no_roster.output
    assert key_path.read_bytes() == old_key and not key_path.with_name(key_path.name + ".new").exists()
    done = runner.invoke(app, ["incident", "rekey", "--file", f"1={file}", "--roster", "roster.csv"])
    assert done.exit_code == 0, done.output
    assert "1 incident(s), 80 people re-keyed" in done.output
    assert key_path.read_bytes() != old_key and key_path.stat().st_mode & 0o077 == 0
    store = Store("spillguard.db")
    with store.session() as s:
        after = {p.masked: (p.key, p.roster_key) for p in s.scalars(sa.select(Person))}
        assert [a.action for a in s.scalars(sa.select(AuditEntry))][-1] == "rekey"
    store.engine.dispose()
    assert after.keys() == before.keys()
    assert all(after[m][0] != before[m][0] and after[m][1] != before[m][1] for m in before)
    # everything still works under the new key: the report, the roster, the hold register export
    assert runner.invoke(app, ["incident", "report", "--format", "json"]).exit_code == 0
    assert "80 affected people matched" in runner.invoke(app, ["incident", "roster", "roster.csv"]).output
    exported = runner.invoke(app, ["incident", "holds", "export", "--roster", "roster.csv", "-o", "holds.csv"])
    assert exported.exit_code == 0 and sum(1 for _ in (tmp_path / "holds.csv").open()) == 81
