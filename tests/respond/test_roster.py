"""Roster matching and the removal-hold register on generated data: people missing from the
roster, a fuzzy name + birth-date match, an ambiguous one listed for review, and each hold
status for its category."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import select

from spillguard.config import Config
from spillguard.respond.incident import open_incident, report
from spillguard.respond.models import Attorney, Person
from spillguard.respond.roster import export_holds, match_roster
from spillguard.respond.store import Store
from spillguard.synth.people import people
from spillguard.synth.xlsx import Book, PivotCache
from tests.respond.test_incident import PUBLISHED, REMOVED, URL

NOTICE = dt.date(2022, 12, 10)


@pytest.fixture()
def setup(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "roster-test-key")
    crowd = list(people(100, seed=41))
    with_a, name_only = crowd[:80], crowd[80:85]
    book = Book()
    book.sheet("Stats", [["Facility", "Detained"], ["Stewart", 120]])
    book.extras.pivots.append(PivotCache(["Name", "A-Number", "Birth Date", "Country", "Facility"],
                                         [[p.listed_name, p.a_number, p.birth, p.country, p.facility] for p in with_a],
                                         "Extract", indexed=("Country", "Facility")))
    book.sheet("Transfers", [["Name", "Date of Birth", "Facility"],
                             *[[p.name, p.birth, p.facility] for p in name_only]], state="hidden")
    leaked = tmp_path / "leak.xlsx"
    leaked.write_bytes(book.to_bytes())
    store = Store(str(tmp_path / "incident.db"))
    open_incident(store, "leak", leaked, [URL], PUBLISHED, None, REMOVED, Config())
    # the roster: 70 of the 80 with A-numbers; name-only people: 3 spelled differently, 1 with a
    # near-twin on the same birth date (ambiguous), 1 absent
    rows = []
    attorneys = ["Ana Ruiz", "Omar Haddad", "Lucía Pérez"]
    for i, p in enumerate(with_a[:70]):
        removal = ("2022-10-01" if i < 5 else "2022-11-30" if i < 8 else "2022-12-05" if i < 12 else "")
        custody = "Released on bond" if 12 <= i < 18 else "In custody"
        rows.append({"A-Number": f"A{p.a_number}", "Name": p.name, "Date of Birth": p.birth.isoformat(),
                     "Preferred Language": "Spanish" if i % 2 else "English", "Custody Status": custody,
                     "Facility": p.facility, "Attorney": attorneys[i % 3], "Attorney Email": f"atty{i % 3}@law.example",
                     "Removal Date": removal})
    for p in name_only[:3]:  # the case system has a middle initial: no exact match, a fuzzy one
        rows.append({"A-Number": "", "Name": f"{p.given} L. {p.family}", "Date of Birth": p.birth.isoformat(),
                     "Preferred Language": "Spanish", "Custody Status": "In custody", "Facility": p.facility,
                     "Attorney": "", "Attorney Email": "", "Removal Date": ""})
    twin = name_only[3]
    for variant in (twin.name + "a", twin.name + "o"):
        rows.append({"A-Number": "", "Name": variant, "Date of Birth": twin.birth.isoformat(), "Preferred Language": "",
                     "Custody Status": "", "Facility": "", "Attorney": "", "Attorney Email": "", "Removal Date": ""})
    roster = tmp_path / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return store, leaked, roster, with_a, name_only


def test_matching_and_holds(setup) -> None:
    store, leaked, roster, with_a, _ = setup
    result = match_roster(store, None, roster, {}, leaked, Config(), notice=NOTICE)
    assert (result.matched, result.by_name) == (73, 3)
    assert len(result.ambiguous) == 1 and len(result.not_in_roster) == 10 + 1
    with store.session() as s:
        persons = s.scalars(select(Person)).all()
        statuses = Counter(p.hold_status for p in persons if p.hold_status)
        assert statuses == {"removed_before_exposure": 5, "removed_during_exposure": 3, "removed_before_notice": 4,
                            "released": 6, "hold": 52 + 3}
        langs = Counter(p.language for p in persons if p.language)
        assert langs == {"es": 35 + 3, "en": 35}
        assert len(s.scalars(select(Attorney)).all()) == 3
        assert all(p.a_number not in (x.name or "") for p in with_a for x in persons)
    data = report(store, None)
    assert data["holds"]["hold"] == 55 and data["holds"]["unassessed"] == 12  # 11 not in the roster, 1 ambiguous


def test_export_for_the_case_system(setup, tmp_path: Path) -> None:
    store, leaked, roster, with_a, _ = setup
    match_roster(store, None, roster, {}, leaked, Config(), notice=NOTICE)
    n = export_holds(store, None, roster, {}, tmp_path / "holds.csv")
    assert n == 73
    rows = list(csv.DictReader((tmp_path / "holds.csv").open(encoding="utf-8")))
    first = next(r for r in rows if r["A-Number"] == f"A{with_a[0].a_number}")
    assert first["Hold status"] == "removed_before_exposure"


def test_a_renamed_column(setup, tmp_path: Path) -> None:
    store, _, roster, _, _ = setup
    text = roster.read_text(encoding="utf-8").replace("A-Number", "Alien Reg", 1)
    other = tmp_path / "renamed.csv"
    other.write_text(text, encoding="utf-8")
    result = match_roster(store, None, other, {"a_number": "Alien Reg"}, None, Config(), notice=NOTICE)
    assert result.matched == 70  # without the leaked file, no name matching is attempted


def test_documents(setup, tmp_path: Path) -> None:
    import pypdfium2 as pdfium

    from spillguard.respond.incident import ingest_logs
    from spillguard.respond.notices import write_documents
    from spillguard.synth import accesslog

    store, leaked, roster, _, _ = setup
    match_roster(store, None, roster, {}, leaked, Config(), notice=NOTICE)
    requests, expected = accesslog.scenario("/statistics/FY24_Q1_detentionStats.xlsx", leaked.stat().st_size,
                                            PUBLISHED, REMOVED)
    log = tmp_path / "access.log"
    log.write_text("".join(accesslog.combined(requests)), encoding="utf-8")
    ingest_logs(store, None, [log])
    out = tmp_path / "documents"
    w = write_documents(store, None, out, "Immigration Agency",
                        "Privacy Office, privacy@agency.example.gov, 1-800-555-0100",
                        today=dt.date(2022, 12, 10))
    assert w.notices == {"en": 35, "es": 38} and w.attorneys == 3 and w.clawbacks == len(expected)
    spanish = sorted((out / "notices").glob("*-es.txt"))[0].read_text()
    assert "AVISO DE UNA FILTRACIÓN DE DATOS" in spanish and "su número A" in spanish
    english = sorted((out / "notices").glob("*-en.txt"))[0].read_text()
    for must in ("What happened", "November 30, 2022", "What information was involved", "not encrypted",
                 "What we are doing", "What you can do", "privacy@agency.example.gov"):
        assert must in english
    # one letter per attorney, listing exactly their clients
    with store.session() as s:
        for a in s.scalars(select(Attorney)):
            theirs = {p.name for p in s.scalars(select(Person).where(Person.attorney_id == a.id))}
            letter = (out / "attorneys" / f"attorney-{a.id:04d}.txt").read_text()
            listed = {line[2:].split(" (")[0] for line in letter.splitlines() if line.startswith("- ")}
            assert listed == theirs and len(theirs) > 10
            # a valid RFC 5322 message: one From with a display name, Date, Message-ID, no header defects
            eml = BytesParser(policy=policy.default).parsebytes((out / "attorneys" / f"attorney-{a.id:04d}.eml")
                                                                .read_bytes())
            assert eml["From"].addresses[0].addr_spec == "privacy@agency.example.gov"
            assert eml["Date"].datetime is not None and eml["Message-ID"].startswith("<")
            assert eml["To"].addresses[0].addr_spec == a.email
            assert not [d for name in ("From", "To", "Date", "Message-ID") for d in eml[name].defects]
    pdf = pdfium.PdfDocument(str(out / "notices" / "notices-es.pdf"))
    assert len(pdf) >= 38 and "AVISO" in pdf[0].get_textpage().get_text_range()
    assert len(list((out / "clawback").glob("*.txt"))) == len(expected)
    rows = list(csv.DictReader((out / "mailmerge.csv").open(encoding="utf-8")))
    assert len(rows) == 73
