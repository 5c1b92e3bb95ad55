"""The documents of the response, from editable Jinja2 templates (``respond/templates``, or a
folder of your own with the same file names):

* a notice to each affected person in their language — English, Spanish, Haitian Creole,
  Portuguese, French, Mandarin Chinese, Russian and Arabic shipped (``languages``: all but
  English marked *review before sending*); a person whose language has no template is listed in
  ``interpreter-worklist.csv``, never sent English in silence. Dates, times, the time the file was
  public and numbers are written the language's way (Babel) in the agency's time zone. A notice
  goes to the person's current address from the roster, to the facility only while they are held
  there; without either it is flagged for an address. With the roster given again, the A-number
  is quoted for mailroom delivery (the store keeps none).
* a notice to each attorney of record listing all their affected clients (masked A-numbers);
* a claw-back letter to each downloader naming the published URL, and a removal request in the
  form each crawler or archive operator documents (a search engine's removal tool, an archive's
  removal address);
* printable PDFs (fpdf2; one per language, a notice a page; a language whose script the font
  cannot draw gets no PDF and is said so) and a mail-merge CSV.

Notices carry what OMB M-17-12 asks: what happened, the dates of the breach and of its
discovery, how long the file was public and how many outside parties took a copy, which data,
that it was not encrypted, what the agency is doing, what the person can do, whom to call (free,
with an interpreter)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import select

from spillguard.respond import languages as lang_words
from spillguard.respond.models import Attorney, Client, Incident, Person
from spillguard.respond.store import Store

TEMPLATES = Path(__file__).parent / "templates"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: crawler and archive operators by their user agent: where and how each documents removals
OPERATORS = (
    (re.compile(r"(?i)googlebot|google-inspectiontool|googleother"),
     {"name": "Google", "what": "search index and cache", "agent_word": "crawler (Googlebot)",
      "channel": "Google's Removals tool (Search Console) for our own site, and Google's legal removal request "
                 "for personal information",
      "ask": " from search results and Google's cache", "note": "We have also asked for the removal in Google "
                                                                 "Search Console, where we own the site."}),
    (re.compile(r"(?i)bingbot|msnbot|bingpreview"),
     {"name": "Microsoft Bing", "what": "search index and cache", "agent_word": "crawler (Bingbot)",
      "channel": "Bing Webmaster Tools: Content Removal Tool", "ask": " from Bing's results and cache",
      "note": "We have also asked for the removal in Bing Webmaster Tools, where we own the site."}),
    (re.compile(r"(?i)archive\.org|ia_archiver|wayback|heritrix|archive-it"),
     {"name": "Internet Archive (Wayback Machine)", "what": "archive",
      "agent_word": "archiving crawler", "channel": "e-mail to info@archive.org, the address the Internet "
                                                    "Archive gives for removal requests",
      "ask": " from the Wayback Machine", "note": "Please name the snapshot addresses removed in your reply."}),
    (re.compile(r"(?i)ccbot|commoncrawl"),
     {"name": "Common Crawl", "what": "crawl archive", "agent_word": "crawler (CCBot)",
      "channel": "Common Crawl's published contact address", "ask": " from your crawl archive and its indexes",
      "note": ""}),
)
GENERIC_OPERATOR = {"name": "the crawler's operator", "what": "index", "agent_word": "crawler",
                    "channel": "the operator's published contact or abuse address", "ask": "", "note": ""}


@dataclass(slots=True)
class Written:
    notices: dict[str, int] = field(default_factory=dict)  # language → count
    attorneys: int = 0
    clawbacks: int = 0
    removal_requests: int = 0
    #: downloads logged with an address of the office's own network: a worklist, no letter
    internal: int = 0
    files: list[str] = field(default_factory=list)
    #: people whose language has no notice template: listed for an interpreter, never sent English
    worklist: int = 0
    #: languages whose notices need a translator's review before sending
    review: list[str] = field(default_factory=list)
    #: notices with no current address (released or removed, none in the roster)
    address_needed: int = 0
    #: languages whose script the PDF font cannot draw (text notices only)
    no_pdf: list[str] = field(default_factory=list)


@cache
def _glyphs() -> frozenset[int]:
    if not FONT.is_file():
        return frozenset(range(256))  # the core font: Latin-1 only
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(FONT)).getBestCmap())


def drawable(text: str) -> bool:
    """Can the PDF font draw every character (and no script needing shaping, as Arabic does)?"""
    glyphs = _glyphs()
    return all(ord(c) in glyphs or c in "\r\n\t" for c in text) and not re.search(r"[\u0600-\u06ff]", text)


def _reflow(text: str) -> list[str]:
    """The template's lines, a line wrapped for the text file (60 characters or more, not ending a
    sentence) joined to the next, so that the page wraps paragraphs at its own width; headings,
    list items and lines after a full stop stay."""
    out: list[str] = []
    for line in text.split("\n"):
        if out and len(out[-1]) >= 60 and line.strip() and not line.startswith("- ") \
                and not out[-1].startswith("- ") and not out[-1].rstrip().endswith((".", ":", ";", "!", "?", "。")):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def _pdf(texts: list[str], out: Path) -> None:
    """One PDF, each text starting on a new page (the font is loaded once for all of them)."""
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(True, margin=18)
    if FONT.is_file():
        pdf.add_font("DejaVu", fname=str(FONT))
        pdf.set_font("DejaVu", size=10.5)
    else:  # the core font is Latin-1 only
        pdf.set_font("Helvetica", size=10.5)
        texts = [t.encode("latin-1", "replace").decode("latin-1") for t in texts]
    width = pdf.epw
    measured: dict[str, float] = {}

    def measure(word: str) -> float:  # words repeat across thousands of notices: measured once
        if word not in measured:
            measured[word] = pdf.get_string_width(word)
        return measured[word]

    space = measure(" ")
    for text in texts:
        pdf.add_page()
        # lines wrapped here, each written as one cell: fpdf2's multi_cell re-measures the whole
        # line at every character (a minute for 6,000 pages; this is seconds)
        for paragraph in _reflow(text):
            line, used = [], 0.0
            for word in paragraph.split(" "):
                w = measure(word)
                if line and used + space + w > width:
                    pdf.cell(width, 5.5, " ".join(line), new_x="LMARGIN", new_y="NEXT")
                    line, used = [], 0.0
                used += (space if line else 0.0) + w
                line.append(word)
            pdf.cell(width, 5.5, " ".join(line), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(out))


def _base(incident: Incident, agency: str, contact: str, lang: str, zone: dt.tzinfo, today: dt.date,
          copies: int) -> dict[str, object]:
    """What every document says, in ``lang``."""
    from spillguard.respond.incident import _aware

    published, removed = _aware(incident.published_at), _aware(incident.removed_at)
    return {"agency": agency, "contact": contact, "today": lang_words.day(today, lang),
            "published": lang_words.when(published, lang, zone), "removed": lang_words.when(removed, lang, zone),
            "discovered": lang_words.when(_aware(incident.discovered_at), lang, zone),
            "duration": lang_words.span(published, removed, lang), "copies": lang_words.number(copies, lang)}


def _a_numbers(store: Store, roster: Path | None, mapping: dict[str, str]) -> dict[str, str]:
    """roster row key → the A-number as the roster writes it (memory only, for the mailroom)."""
    if roster is None:
        return {}
    from spillguard.respond.roster import _row_key, normalised, read_roster

    rows = read_roster(roster, mapping)
    a, n, b = normalised(rows)
    return {_row_key(store, a[i], n[i], b[i]): r.get("a_number", "") for i, r in enumerate(rows) if r.get("a_number")}


def write_documents(store: Store, incident_id: int | None, out: Path, agency: str, contact: str,
                    templates: Path | None = None, today: dt.date | None = None, pdf: bool = True,
                    zone: dt.tzinfo = dt.UTC, roster: Path | None = None,
                    mapping: dict[str, str] | None = None,
                    progress: Callable[[int, int], None] | None = None) -> Written:
    """Write every document into ``out``; ``zone`` is the agency's time zone, ``roster`` the
    case-system export again when notices should quote the A-number; ``progress(done, total)``
    is called as the people's notices are written (every 100)."""
    env = Environment(loader=FileSystemLoader([str(p) for p in (templates, TEMPLATES) if p]),
                      undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    written = Written()
    today = today or dt.date.today()
    a_numbers = _a_numbers(store, roster, mapping or {})
    with store.session() as s:
        incident = store.incident(s, incident_id)
        people = s.scalars(select(Person).where(Person.incident_id == incident.id).order_by(Person.id)).all()
        attorneys = {a.id: a for a in s.scalars(select(Attorney).where(Attorney.incident_id == incident.id))}
        clients = s.scalars(select(Client).where(Client.incident_id == incident.id).order_by(Client.first_seen)).all()
        for folder in ("notices", "attorneys", "clawback"):
            (out / folder).mkdir(parents=True, exist_ok=True)
        languages = {t.name.split(".")[1] for folder in (templates, TEMPLATES) if folder
                     for t in folder.glob("notice.*.txt.j2")}
        bases = {lang: _base(incident, agency, contact, lang, zone, today, len(clients))
                 for lang in languages | {"en"}}
        merge_rows: list[dict[str, str]] = []
        worklist: list[dict[str, str]] = []
        by_language: dict[str, list[str]] = {}
        for n, p in enumerate(people, start=1):
            if progress is not None and (n % 100 == 0 or n == len(people)):
                progress(n, len(people))
            if not p.name:  # not matched to the case system: nobody to address yet
                continue
            lang = p.language or "en"  # no language in the roster: English, the agency's own
            if lang not in languages:  # never English in silence: an interpreter prepares it
                worklist.append({"person": f"{n:05d}", "language": lang, "name": p.name,
                                 "facility": p.facility or "", "hold_status": p.hold_status or ""})
                continue
            lawyer = attorneys.get(p.attorney_id) if p.attorney_id else None
            held = p.hold_status == "hold"
            address = [line.strip() for line in (p.address or "").replace(";", "\n").splitlines() if line.strip()]
            if not address and held and p.facility:
                address = [p.facility]
            words = lang_words.FIELDS.get(lang, lang_words.FIELDS["en"])
            text = env.get_template(f"notice.{lang}.txt.j2").render(
                **bases[lang], person={"name": p.name, "address": address, "hold": held,
                                       # removed: outside the country, a toll-free number cannot be called
                                       "abroad": (p.hold_status or "").startswith("removed")
                                       and p.hold_status != "removed_after_notice",
                                       "a_number": a_numbers.get(p.roster_key or ""),
                                       "attorney": lawyer.name if lawyer else None},
                fields=[words.get(f, f) for f in p.fields])
            stem = out / "notices" / f"notice-{n:05d}-{lang}"
            stem.with_suffix(".txt").write_text(text, encoding="utf-8")
            by_language.setdefault(lang, []).append(text)
            written.notices[lang] = written.notices.get(lang, 0) + 1
            written.address_needed += not address
            review = templates is None and lang not in lang_words.REVIEWED
            merge_rows.append({"notice": stem.name, "language": lang, "name": p.name, "address": " / ".join(address),
                               "address_needed": "yes" if not address else "",
                               "attorney": lawyer.name if lawyer else "",
                               "hold_status": p.hold_status or "", "review_before_sending": "yes" if review else ""})
        written.review = sorted({r["language"] for r in merge_rows if r["review_before_sending"]})
        for lang, texts in by_language.items() if pdf else ():  # for printing: a file per language
            if drawable("".join(texts[:1])):
                _pdf(texts, out / "notices" / f"notices-{lang}.pdf")
            else:
                written.no_pdf.append(lang)
        _attorney_letters(env, bases["en"], attorneys, people, out, agency, contact, written)
        _clawbacks(env, bases["en"], incident, clients, zone, out, written)
        with (out / "mailmerge.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["notice", "language", "name", "address", "address_needed",
                                                    "attorney", "hold_status", "review_before_sending"])
            writer.writeheader()
            writer.writerows(merge_rows)
        written.worklist = len(worklist)
        with (out / "interpreter-worklist.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["person", "language", "name", "facility", "hold_status"])
            writer.writeheader()
            writer.writerows(worklist)
        store.audit(s, incident, "documents", notices=sum(written.notices.values()), attorneys=written.attorneys,
                    clawbacks=written.clawbacks, removal_requests=written.removal_requests,
                    interpreter_worklist=written.worklist, address_needed=written.address_needed,
                    review_before_sending=written.review)
        s.commit()
    return written


def _attorney_letters(env: Environment, base: dict[str, object], attorneys: dict[int, Attorney],
                      people: list[Person], out: Path, agency: str, contact: str, written: Written) -> None:
    # RFC 5322: one address with a display name, whatever the contact line holds besides
    found = _ADDRESS.search(contact)
    sender = formataddr((f"{agency} Privacy Office"[:120], found.group(0) if found else "privacy-office@example.gov"))
    clients_of: dict[int, list[Person]] = {}
    for p in people:
        if p.attorney_id and p.name:
            clients_of.setdefault(p.attorney_id, []).append(p)
    for a in attorneys.values():
        mine = clients_of.get(a.id, [])
        if not mine:
            continue
        text = env.get_template("attorney.en.txt.j2").render(
            **base, attorney=a, clients=[{"name": p.name, "label": p.masked.split(" · ")[0], "facility": p.facility,
                                          "status": (p.hold_status or "unassessed").replace("_", " "),
                                          "fields": [lang_words.COUNSEL_FIELDS.get(f, f) for f in p.fields]}
                                         for p in mine])
        stem = out / "attorneys" / f"attorney-{a.id:04d}"
        stem.with_suffix(".txt").write_text(text, encoding="utf-8")
        _pdf([text], stem.with_suffix(".pdf"))
        if a.email:
            msg = EmailMessage()
            msg["To"] = formataddr((a.name, a.email))
            msg["From"] = sender
            msg["Date"] = formatdate(usegmt=True)
            msg["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].rstrip(">"))
            msg["Subject"] = f"Data breach notice: {len(mine)} of your clients"
            msg.set_content(text)
            stem.with_suffix(".eml").write_bytes(bytes(msg))
        written.attorneys += 1


def _internal(address: str) -> bool:
    """An address of a private, loopback, shared or link-local network (the proxies ``logs``
    trusts by default; not the documentation ranges): one of the office's own proxies or hosts,
    not the downloader (the log lost the client's own address)."""
    import ipaddress

    from spillguard.respond.logs import TRUSTED

    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return any(ip in net for net in TRUSTED if net.version == ip.version)


def _clawbacks(env: Environment, base: dict[str, object], incident: Incident, clients: list[Client],
               zone: dt.tzinfo, out: Path, written: Written) -> None:
    """A claw-back letter to each downloader; crawlers and archives get a removal request in the
    form their operator documents. Each names the published URL(s) whose path that client fetched
    (every URL sharing that path: a log without the host cannot say which). An address of the
    office's own network gets no letter: it goes to a worklist, to be found in the proxy's logs."""
    from spillguard.respond.incident import _aware
    from spillguard.respond.logs import normalise

    internal: list[str] = []
    for i, c in enumerate(clients, start=1):
        fetched = set(c.urls)
        first = lang_words.when(_aware(c.first_seen), "en", zone)
        last = lang_words.when(_aware(c.last_seen), "en", zone)
        if _internal(c.address):
            internal.append(f"{c.address}\t{c.requests} request(s)\t{first} – {last}\t"
                            + ", ".join(u for u in incident.urls if normalise(u) in fetched))
            continue
        detail = {"address": c.address, "organisation": c.organisation, "requests": c.requests,
                  "bytes": f"{c.bytes:,}" if c.bytes >= 0 else "", "full_copy": c.full_copy,
                  "urls": [u for u in incident.urls if normalise(u) in fetched] or list(incident.urls),
                  "first": first, "last": last}
        if c.kind in ("crawler", "archive"):  # verified against its operator's ranges (logs.kind_of)
            operator = next((o for rx, o in OPERATORS if rx.search(c.user_agent)), GENERIC_OPERATOR)
            text = env.get_template("removal.en.txt.j2").render(**base, client=detail, operator=operator)
            stem = out / "clawback" / f"removal-{i:03d}"
            written.removal_requests += 1
        else:
            text = env.get_template("clawback.en.txt.j2").render(**base, client=detail)
            stem = out / "clawback" / f"clawback-{i:03d}"
        stem.with_suffix(".txt").write_text(text, encoding="utf-8")
        _pdf([text], stem.with_suffix(".pdf"))
        written.clawbacks += 1
    if internal:
        (out / "clawback" / "internal-addresses.txt").write_text(
            "# Downloads logged with an address of our own network (a proxy or load balancer whose log lost the\n"
            "# client's address): no letter can reach them. Find each client in that proxy's own logs.\n"
            + "\n".join(internal) + "\n", encoding="utf-8")
        written.internal = len(internal)
