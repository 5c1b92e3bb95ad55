"""Issue 19, item 4: notices people can act on, in their language — localised dates in the
agency's time zone, how long the file was public and how many took a copy, the current address
(never a facility the person has left), the A-number for the mailroom; an interpreter worklist
for languages without a template; attorney letters in counsel's words; claw-back letters naming
the published URL and removal requests in each crawler or archive operator's form."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from spillguard.config import Config
from spillguard.respond.incident import ingest_logs
from spillguard.respond.notices import write_documents
from spillguard.respond.roster import match_roster, understand
from spillguard.synth import accesslog
from tests.respond.test_incident import PUBLISHED, REMOVED, URL
from tests.respond.test_roster import NOTICE, setup  # noqa: F401 (the fixture)
from tests.respond.test_roster_import import HEADERS, rows_for, write_csv

NY = ZoneInfo("America/New_York")


def prepared(setup, tmp_path: Path):  # noqa: F811
    store, leaked, _, with_a, _ = setup
    rows = rows_for(with_a)
    for i, (row, p) in enumerate(zip(rows, with_a, strict=False)):
        row.append("12 Elm St; Newark, NJ 07102" if i in (7, 8) else "")  # 7: released on bond, with an address
        row.append(p.facility)
    roster = write_csv(tmp_path / "roster.csv", rows, headers=[*HEADERS, "CURRENT_ADDRESS", "FACILITY"])
    match_roster(store, None, understand(roster, {}, zone=NY), {}, None, Config(), notice=NOTICE)
    requests, _ = accesslog.scenario("/statistics/FY24_Q1_detentionStats.xlsx", leaked.stat().st_size,
                                     PUBLISHED, REMOVED)
    log = tmp_path / "access.log"
    log.write_text("".join(accesslog.combined(requests)), encoding="utf-8")
    ingest_logs(store, None, [log])
    out = tmp_path / "docs"
    written = write_documents(store, None, out, "Immigration Agency", "Privacy Office, 1-800-555-0100",
                              today=dt.date(2022, 12, 10), zone=NY, roster=roster)
    # every notice quotes its A-number (the roster was given again): the key to find a person's
    rows = {r["notice"]: r for r in csv.DictReader((out / "mailmerge.csv").open(encoding="utf-8"))}
    merge = {}
    for path in (out / "notices").glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        merge[re.search(r"A(\d{9})", text).group(1)] = {**rows[path.stem], "text": text}
    return store, with_a, out, written, merge


def notice_of(merge: dict, person) -> str:
    return merge[person.a_number]["text"]


def test_each_language_its_own_notice_and_no_english_in_silence(setup, tmp_path: Path) -> None:  # noqa: F811
    _, with_a, out, written, merge = prepared(setup, tmp_path)
    # rows_for: ten languages in turn; Tigrinya has no template, four people have none given (English)
    assert written.notices == {"ht": 4, "es": 4, "zh": 4, "pt": 4, "ru": 4, "ar": 4, "fr": 4, "en": 8}
    worklist = list(csv.DictReader((out / "interpreter-worklist.csv").open(encoding="utf-8")))
    assert [r["language"] for r in worklist] == ["ti"] * 4
    assert written.review == ["ar", "es", "fr", "ht", "pt", "ru", "zh"]
    assert {r["review_before_sending"] for r in merge.values() if r["language"] == "en"} == {""}
    assert sorted(written.no_pdf) == ["ar", "zh"]  # DejaVu has no CJK glyphs; Arabic needs shaping
    assert {p.name for p in (out / "notices").glob("*.pdf")} == {
        f"notices-{lang}.pdf" for lang in ("en", "es", "fr", "ht", "pt", "ru")}
    assert "AVI SOU YON FWIT DONE" in notice_of(merge, with_a[0])
    assert "数据泄露" in notice_of(merge, with_a[2])
    assert "تسرب بيانات" in notice_of(merge, with_a[5])


def test_dates_in_the_agency_zone_the_readers_way(setup, tmp_path: Path) -> None:  # noqa: F811
    _, with_a, _, _, merge = prepared(setup, tmp_path)
    spanish = notice_of(merge, with_a[1])  # "spa"
    assert "30 de noviembre de 2022" in spanish and "9:45" in spanish and "(4 horas 19 minutos)" in spanish
    english = notice_of(merge, with_a[7])
    # CLDR puts a narrow no-break space before AM
    assert "November 30, 2022, 9:45\u202fAM EST" in english and "(4 hours 19 minutes)" in english
    assert "7 outside parties downloaded a copy" in english
    assert "free of charge; an interpreter in your language is available" in english
    french = notice_of(merge, with_a[6])
    assert "30 novembre 2022" in french


def test_letters_go_where_the_person_is(setup, tmp_path: Path) -> None:  # noqa: F811
    _, with_a, _, written, merge = prepared(setup, tmp_path)
    released = notice_of(merge, with_a[7])  # released on bond, with a current address
    assert "12 Elm St\nNewark, NJ 07102" in released and with_a[7].facility not in released
    assert f"A-Number: A{with_a[7].a_number}" in released  # for the mailroom: the roster was given again
    assert merge[with_a[7].a_number]["address_needed"] == ""
    held = merge[with_a[9].a_number]
    assert held["hold_status"] == "hold" and held["address"] == with_a[9].facility
    removed = merge[with_a[4].a_number]  # REMOVED, no address: flagged, not sent to the facility
    assert removed["address"] == "" and removed["address_needed"] == "yes"
    assert written.address_needed == sum(r["address_needed"] == "yes" for r in merge.values())


def test_attorney_letters_and_letters_to_downloaders(setup, tmp_path: Path) -> None:  # noqa: F811
    _, with_a, out, written, _ = prepared(setup, tmp_path)
    [letter] = [p.read_text(encoding="utf-8") for p in (out / "attorneys").glob("*.txt")]
    assert "where you were detained" not in letter and "detention facility" in letter
    assert len(re.findall(r"\(A-\d\*\*-\*\*\*-\d{3}\)", letter)) == 20  # each client's masked A-number
    assert all(p.a_number not in letter for p in with_a[:40])
    clawbacks = [p.read_text(encoding="utf-8") for p in sorted((out / "clawback").glob("clawback-*.txt"))]
    removals = [p.read_text(encoding="utf-8") for p in sorted((out / "clawback").glob("removal-*.txt"))]
    assert len(clawbacks) == 5 and len(removals) == 2 and written.removal_requests == 2
    assert all(URL in text and "FY24_Q1_detentionStats.xlsx from" not in text for text in clawbacks + removals)
    assert any("To: Google" in t for t in removals) and any("info@archive.org" in t for t in removals)


def test_no_attorney_named_where_there_is_none_and_no_toll_free_line_abroad(setup, tmp_path: Path) -> None:  # noqa: F811
    _, with_a, _, _, merge = prepared(setup, tmp_path)
    french = notice_of(merge, with_a[6])  # no attorney of record
    assert "votre avocat" not in french
    assert "Un avocat ou une organisation d'aide juridique peut vous conseiller" in french
    english = notice_of(merge, with_a[7])  # an attorney of record
    assert "You may wish to talk to your attorney (Ana Ruiz) about this notice." in english
    spanish = notice_of(merge, with_a[1])  # removed during the exposure: outside the country
    assert merge[with_a[1].a_number]["hold_status"] == "removed_during_exposure"
    assert "Desde fuera del país, escríbanos o llame al número de abajo como llamada internacional" in spanish
    assert "sin costo" not in spanish
    assert "free of charge; an interpreter" in english  # in the country: the free line
