"""``spillguard demo``: the November 2022 failure, rebuilt with fictitious people.

Last quarter's workbook is a clean aggregate. This quarter's "routine update" looks the same on
screen, but its pivot table keeps a cache of the 6,252 individual records it was built from —
names, A-numbers, birth dates, countries and facilities — although the source sheet was deleted.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

from rich.console import Console

from spillguard.clean import Options, clean_path
from spillguard.config import Config, load
from spillguard.release import check
from spillguard.report import text as text_report
from spillguard.report.text import render_clean
from spillguard.scan import scan
from spillguard.synth.people import Person, people
from spillguard.synth.xlsx import Book, PivotCache

RECORDS = 6_252
SEED = 2022
LAST_QUARTER = "published/FY23_Q4_detentionStats.xlsx"
THIS_QUARTER = "release/FY24_Q1_detentionStats.xlsx"
MEMO = "release/FY24_Q1_methodology.txt"
PRESS = "release/FY24_Q1_press_release.pdf"


def _aggregate(book: Book, roster: list[Person], fiscal: str) -> None:
    by_facility = Counter(p.facility for p in roster)
    by_country = Counter(p.country for p in roster)
    book.sheet(f"Facilities {fiscal}", [["Facility", "Average daily population"],
                                        *sorted(by_facility.items())])
    book.sheet(f"Citizenship {fiscal}", [["Country of citizenship", "Book-ins"],
                                         *by_country.most_common()])
    book.properties(title=f"Detention statistics {fiscal}", company="Statistics and Reporting Unit",
                    author="Statistics and Reporting Unit")


def build_last_quarter(path: Path) -> None:
    roster = list(people(5_800, seed=SEED - 1))
    book = Book()
    _aggregate(book, roster, "FY23")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(book.to_bytes())


def build_this_quarter(path: Path) -> None:
    roster = list(people(RECORDS, seed=SEED))
    book = Book()
    _aggregate(book, roster, "FY24")
    # The analyst built the tables from a pivot over the case-level extract, then deleted the
    # extract's sheet. The pivot cache keeps every row.
    book.extras.pivots.append(PivotCache(
        headers=["Name", "A-Number", "Birth Date", "Country of Citizenship", "Facility"],
        rows=[[p.listed_name, p.a_number, p.birth, p.country, p.facility] for p in roster],
        source_sheet="Detainee extract",
        indexed=("Country of Citizenship", "Facility"),
    ))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(book.to_bytes())


def build_memo(path: Path) -> None:
    """The methodology note published with the tables: its worked example is a real case."""
    p = list(people(RECORDS, seed=SEED))[41]
    a = p.a_number
    path.write_text(
        "Detention Statistics FY2024 Q1 — Methodology\n\n"
        "Counts are of unique individuals booked in during the quarter. A person transferred\n"
        "between facilities is counted once, at the first facility.\n\n"
        f"Example: {p.name} (A# {a[:3]}-{a[3:6]}-{a[6:]}), a {DEMONYM[p.country]} national born\n"
        f"{p.birth:%B %-d, %Y}, was booked into {p.facility} and transferred twice; she is\n"
        "counted once in the facility table.\n\n"
        "Secretary Laura Whitfield approved the release on January 12, 2024.\n",
        encoding="utf-8")


#: English demonyms of the demo population's countries
DEMONYM = {"Mexico": "Mexican", "Guatemala": "Guatemalan", "Honduras": "Honduran", "El Salvador": "Salvadoran",
           "Venezuela": "Venezuelan", "Colombia": "Colombian", "Haiti": "Haitian", "Brazil": "Brazilian",
           "China": "Chinese", "Russia": "Russian", "Ukraine": "Ukrainian", "Egypt": "Egyptian",
           "Mauritania": "Mauritanian", "India": "Indian", "Guinea": "Guinean", "Senegal": "Senegalese"}


def build_press_release(path: Path) -> None:
    """The press release: a detainee's name and A-number "redacted" with black boxes drawn
    over text that is still in the file."""
    from spillguard.synth.pdf import Pdf

    p = list(people(RECORDS, seed=SEED))[1234]
    a = f"A{p.a_number}"
    d = Pdf()
    page = d.page()
    page.text(72, 720, "FOR IMMEDIATE RELEASE — Detention statistics, first quarter FY2024", size=12)
    page.text(72, 690, "Book-ins fell by a tenth over the quarter. One death in custody was reported:")
    page.text(72, 672, f"detainee {p.name}, {a}, died at {p.facility}.")
    # the analyst drew boxes over the name and the A-number; the text underneath remains
    start = 72 + 5.0 * len("detainee ")
    page.box(start - 1, 668, 5.6 * len(p.name) + 2, 14)
    page.box(start + 5.6 * len(p.name) + 7, 668, 6.2 * len(a) + 2, 14)
    page.text(72, 640, "Secretary Laura Whitfield extended condolences to the family.")
    d.info = {"Title": "Detention statistics, first quarter FY2024"}
    path.write_bytes(d.to_bytes())


#: what the statistics page promises to publish (spillguard.toml in the demo folder)
INTENT = """# What each published file is meant to be (see the README, "Publication intent")
[[intent]]
path = "*detentionStats.xlsx"
kind = "aggregate"
min_cell = 11
"""


#: the 2022 timeline (US Eastern), replayed
TIMES = {"published": "2022-11-30T09:45:00-05:00", "discovered": "2022-11-30T13:53:00-05:00",
         "removed": "2022-11-30T14:04:00-05:00"}
URL = "https://www.example.gov/detention-statistics/FY24_Q1_detentionStats.xlsx"
LATIN = {"Mexico", "Guatemala", "Honduras", "El Salvador", "Venezuela", "Colombia"}


#: how a case system writes each language: names, ISO 639 codes, an English and a native name
_LANGUAGE_AS = {"es": "Spanish", "ht": "Haitian Creole", "pt": "por", "zh": "Mandarin", "ru": "RUSSIAN", "ar": "ar",
                "hi": "Hindi", "fr": "French"}


def build_roster(path: Path) -> None:
    """The case system's export for the same people, as such systems write it: upper-case
    underscore headers, ISO date-times with zones, languages as names or ISO 639 codes."""
    import csv

    roster = list(people(RECORDS, seed=SEED))
    attorneys = [(f"Attorney {chr(65 + i)} Legal Aid", f"counsel{i}@legalaid.example.org") for i in range(12)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["A_NUMBER", "FULL_NAME", "DATE_OF_BIRTH", "PREFERRED_LANGUAGE", "CUSTODY_STATUS", "FACILITY",
                    "ATTORNEY_NAME", "ATTORNEY_EMAIL", "REMOVAL_DATE"])
        for i, p in enumerate(roster):
            removal = "2022-11-01T10:30:00-04:00" if i % 60 == 0 else "2022-11-30T16:00:00-05:00" if i % 97 == 0 \
                else "2022-12-05T08:15:00-05:00" if i % 53 == 0 else ""
            custody = "REMOVED" if removal else "RELEASED ON BOND" if i % 9 == 0 else "IN CUSTODY"
            lawyer = attorneys[i % 12] if i % 3 else ("", "")
            w.writerow([f"A{p.a_number}", p.name, p.birth.isoformat(), _LANGUAGE_AS.get(p.language, "English"),
                        custody, p.facility, lawyer[0], lawyer[1], removal])


def run_watch(folder: Path, last: Path, this: Path, console: Console) -> str:
    """Detect: the web root is watched; the routine update lands in it and is caught."""
    import threading
    import time

    from sqlalchemy import select

    from spillguard.monitor.watch import Alerting, Watcher, watch_webroot
    from spillguard.respond.models import Alert
    from spillguard.respond.store import Store

    www = folder / "www" / "detention-statistics"
    console.rule(f"Had the gate been skipped: spillguard watch {www.parent}")
    if www.parent.exists():
        shutil.rmtree(www.parent)
    www.mkdir(parents=True)
    shutil.copy(last, www / last.name)
    (folder / "watch.db").unlink(missing_ok=True)
    store = Store(str(folder / "watch.db"))
    watcher = Watcher(store, Config(), Alerting(console=False))
    stop = threading.Event()
    thread = threading.Thread(target=watch_webroot, args=(watcher, www.parent, "https://www.example.gov", stop),
                              kwargs={"settle": 0.3}, daemon=True)
    thread.start()
    time.sleep(1.0)
    start = time.monotonic()
    shutil.copy(this, www / this.name)  # the routine update goes live
    alert = None
    while alert is None and time.monotonic() - start < 30:
        time.sleep(0.1)
        with store.session() as s:
            alert = s.scalars(select(Alert)).first()
    latency = time.monotonic() - start
    stop.set()
    thread.join(timeout=5)
    store.engine.dispose()
    if alert is None:
        console.print("[red]no alert within 30 s[/]")
        return "missed"
    console.print(f"ALERT {alert.id} after [bold]{latency:.1f} s[/]: {alert.url} — "
                  + "; ".join(f"{f['severity'].upper()} {f['rule']} {f['title']}" for f in alert.findings[:2]))
    console.print("(in 2022 an outside group noticed after four hours; `--webhook` and `--smtp` send the same "
                  "alert to the web team and the privacy office)")
    return "caught"


def run_incident(folder: Path, leaked: Path, console: Console) -> str:
    """Had the update gone out: the incident, from the leaked file, the web logs and the case system."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from spillguard.respond.incident import ingest_logs, open_incident, parse_time, report
    from spillguard.respond.notices import write_documents
    from spillguard.respond.roster import match_roster
    from spillguard.respond.store import Store
    from spillguard.synth import accesslog

    console.rule("Had it gone out: spillguard incident open / roster / logs / notices / report")
    (folder / "incident.db").unlink(missing_ok=True)
    published, discovered, removed = (parse_time(TIMES[k], k) for k in ("published", "discovered", "removed"))
    build_roster(folder / "case-system-export.csv")
    requests, _ = accesslog.scenario("/detention-statistics/FY24_Q1_detentionStats.xlsx", leaked.stat().st_size,
                                     published, removed, seed=SEED, noise=400)
    (folder / "access.log").write_text("".join(accesslog.combined(requests)), encoding="utf-8")
    store = Store(str(folder / "incident.db"))
    opened = open_incident(store, "FY24 Q1 detention statistics", leaked, [URL], published, discovered, removed,
                           Config())
    matched = match_roster(store, None, folder / "case-system-export.csv", {}, None, Config(),
                           notice=dt.date(2022, 12, 2))
    found = ingest_logs(store, None, [folder / "access.log"])
    docs = write_documents(store, None, folder / "incident", "U.S. Immigration Agency (demo)",
                           "Privacy Office, privacy@agency.example.gov, 1-800-555-0100", today=dt.date(2022, 12, 2),
                           zone=ZoneInfo("America/New_York"), roster=folder / "case-system-export.csv",
                           pdf=False)  # printable PDFs: `spillguard incident notices` (a minute for 6,252 pages)
    data = report(store, None)
    store.engine.dispose()
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(
        {k: sum(1 for d in found if d.kind == k) for k in ("visitor", "script", "crawler", "archive")}.items()) if n)
    holds = ", ".join(f"{k} {v:,}" for k, v in data["holds"].items() if v)
    console.print(f"affected people: [bold]{opened['affected']:,}[/] (names, A-numbers, birth dates, nationalities, "
                  f"facilities); matched to the case system: {matched.matched:,}")
    console.print(f"downloaders in the {data['timeline']['exposure_hours']} h window: [bold]{len(found)}[/] ({kinds})")
    console.print(f"removal holds: {holds}")
    console.print(f"documents: {sum(docs.notices.values()):,} notices, {docs.attorneys} attorney letters, "
                  f"{docs.clawbacks - docs.removal_requests} claw-back letters, {docs.removal_requests} removal "
                  f"requests to a search engine and an archive → {folder / 'incident'}")
    console.print("notices by language: " + ", ".join(f"{lang} {n:,}" for lang, n in sorted(docs.notices.items()))
                  + f"; interpreter worklist (no template yet): {docs.worklist:,}")
    console.print(f"risk of harm: [bold]{data['risk']['level']}[/] — " + "; ".join(data["risk"]["reasons"]))
    return "done" if opened["affected"] == RECORDS and docs.clawbacks == len(found) else "incomplete"


def run(folder: Path, console: Console) -> int:
    last, this = folder / LAST_QUARTER, folder / THIS_QUARTER
    console.print(f"[bold]spillguard demo[/] — building the scenario in {folder}/ (fixed seed {SEED})")
    build_last_quarter(last)
    build_this_quarter(this)
    build_memo(folder / MEMO)
    build_press_release(folder / PRESS)
    (folder / "spillguard.toml").write_text(INTENT, encoding="utf-8")
    outcomes = []
    for label, path in (("Last quarter, as published", last), ("This quarter's routine update", this.parent)):
        console.rule(f"{label}: spillguard scan {path}")
        report = scan([path], Config())
        text_report.render(report, console)
        outcomes.append(report.decision)
    console.rule(f"The publishing step: spillguard check {this.parent} --previous {last.parent}")
    checked = check(this.parent, last.parent, load(start=folder))
    drift = [f for f in checked.findings if f.rule.startswith(("SG3", "SG4"))]
    checked.findings = drift  # the scan's findings are above; show what intent and diff add
    text_report.render(checked, console)
    outcomes.append(checked.decision)
    clean_dir = folder / "clean"
    console.rule(f"The way out: spillguard clean {this.parent} -o {clean_dir}")
    if clean_dir.exists():
        shutil.rmtree(clean_dir)
    cleaned = clean_path(this.parent, clean_dir, Options(), Config())
    render_clean(cleaned, console)
    outcomes.append("pass" if all(r.ok for r in cleaned) else "block")
    from spillguard.gate.demo import run_gate

    outcomes.append(run_gate(folder, last, this, console))
    outcomes.append(run_watch(folder, last, this, console))
    outcomes.append(run_incident(folder, this, console))
    console.rule("What happened")
    console.print(f"Last quarter: [bold]{outcomes[0]}[/] (exit {1 if outcomes[0] == 'block' else 0}).  "
                  f"Routine update: [bold]{outcomes[1]}[/] (exit {1 if outcomes[1] == 'block' else 0}).  "
                  f"check --previous: [bold]{outcomes[2]}[/] (exit {1 if outcomes[2] == 'block' else 0}).  "
                  f"Cleaned copy: [bold]{outcomes[3]}[/].")
    console.print("The update looks like last quarter on screen, but its pivot cache carries every "
                  "individual record, although the source sheet was deleted. The press release's black "
                  "boxes hide a detainee's name and A-number on screen only: the text is still in the "
                  "PDF. The methodology note's worked example names a real detainee (high: a name "
                  "with a birth date is a personal record; with line and column); the Secretary named "
                  "in it is not flagged. Against last "
                  "quarter, `check` also sees what the routine update changed: a new row-level table "
                  "(the pivot cache) and kinds of personal data the page never held, in a file declared "
                  "aggregate. In CI or the CMS, `spillguard check` exits 1 and the upload stops. "
                  "`spillguard clean` then writes a publishable copy: the workbook rebuilt from its "
                  "visible cells (same numbers, no pivot cache), the note without the detainee, the "
                  "press release truly redacted — each copy re-scanned and passing.")
    console.print("Copied by hand into the web root, skipping the check, the workbook was still never served: "
                  "the web server asks `spillguard gate` before it serves a file, and the gate refused it (403) and "
                  "alerted the office, while last quarter's workbook was served.")
    console.print("Had the gate been skipped, `spillguard watch` would have caught the file seconds after it "
                  "went live. Had it gone out, `spillguard incident` would have named the 6,252 people and their "
                  "exposed fields, found the downloaders in the web log, drafted every notice in the person's "
                  "language (or listed it for an interpreter where no template exists yet), the attorneys' "
                  "letters and the claw-back letters, and set the removal holds.")
    return 0 if outcomes == ["pass", "block", "block", "pass", "enforced", "caught", "done"] else 1
