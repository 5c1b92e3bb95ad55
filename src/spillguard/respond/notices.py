"""The documents of the response, from editable Jinja2 templates (``respond/templates``, or a
folder of your own with the same file names): a notice to each affected person in their
preferred language (English and Spanish shipped; another language is another
``notice.<code>.txt.j2``), a notice to each attorney of record listing all of their affected
clients, and a claw-back letter to each downloader. Each is written as plain text; the personal
notices also as one PDF per language for printing (a notice a page), letters as a PDF each
(fpdf2), attorney notices also as .eml when an e-mail address is known; plus a mail-merge CSV. Notices
carry what OMB M-17-12 asks: what happened, the dates of the breach and of its discovery, which
data, that it was not encrypted, what the person can do, what the agency is doing, contacts."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import select

from spillguard.respond.models import Attorney, Client, Person
from spillguard.respond.store import Store

TEMPLATES = Path(__file__).parent / "templates"
FIELDS = {
    "en": {"PERSON_NAME": "your name", "A_NUMBER": "your A-number", "DATE_OF_BIRTH": "your date of birth",
           "NATIONALITY": "your country of citizenship", "FACILITY": "the facility where you were detained",
           "SSN": "your Social Security number", "PASSPORT": "your passport number", "ADDRESS": "your address",
           "PHONE": "your phone number", "EMAIL": "your e-mail address", "USCIS_RECEIPT": "a USCIS receipt number",
           "I94": "your I-94 number"},
    "es": {"PERSON_NAME": "su nombre", "A_NUMBER": "su número A", "DATE_OF_BIRTH": "su fecha de nacimiento",
           "NATIONALITY": "su país de ciudadanía", "FACILITY": "el centro donde estuvo detenido/a",
           "SSN": "su número de Seguro Social", "PASSPORT": "su número de pasaporte", "ADDRESS": "su dirección",
           "PHONE": "su número de teléfono", "EMAIL": "su correo electrónico",
           "USCIS_RECEIPT": "un número de recibo de USCIS", "I94": "su número I-94"},
}


_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(slots=True)
class Written:
    notices: dict[str, int] = field(default_factory=dict)  # language → count
    attorneys: int = 0
    clawbacks: int = 0
    files: list[str] = field(default_factory=list)
    #: people whose language has no notice template: listed for an interpreter, never sent English
    worklist: int = 0


def _pdf(texts: list[str], out: Path) -> None:
    """One PDF, each text starting on a new page (the font is loaded once for all of them)."""
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(True, margin=18)
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if font.is_file():
        pdf.add_font("DejaVu", fname=str(font))
        pdf.set_font("DejaVu", size=10.5)
    else:  # the core font is Latin-1 only
        pdf.set_font("Helvetica", size=10.5)
        texts = [t.encode("latin-1", "replace").decode("latin-1") for t in texts]
    for text in texts:
        pdf.add_page()
        pdf.multi_cell(0, 5.5, text)
    pdf.output(str(out))


def _date(t: dt.datetime | None) -> str:
    if t is None:
        return "(not yet known)"
    t = t if t.tzinfo else t.replace(tzinfo=dt.UTC)
    return t.astimezone(dt.UTC).strftime("%B %-d, %Y at %H:%M UTC")


def write_documents(store: Store, incident_id: int | None, out: Path, agency: str, contact: str,
                    templates: Path | None = None, today: dt.date | None = None, pdf: bool = True) -> Written:
    """``pdf``: also the printable PDFs (a page a notice: for thousands of people, a minute of work)."""
    env = Environment(loader=FileSystemLoader([str(p) for p in (templates, TEMPLATES) if p]),
                      undefined=StrictUndefined, keep_trailing_newline=True, autoescape=False)
    written = Written()
    day = (today or dt.date.today()).strftime("%B %-d, %Y")
    with store.session() as s:
        incident = store.incident(s, incident_id)
        base = {"agency": agency, "contact": contact, "today": day, "published": _date(incident.published_at),
                "removed": _date(incident.removed_at), "discovered": _date(incident.discovered_at)}
        people = s.scalars(select(Person).where(Person.incident_id == incident.id).order_by(Person.id)).all()
        attorneys = {a.id: a for a in s.scalars(select(Attorney).where(Attorney.incident_id == incident.id))}
        clients = s.scalars(select(Client).where(Client.incident_id == incident.id).order_by(Client.first_seen)).all()
        for folder in ("notices", "attorneys", "clawback"):
            (out / folder).mkdir(parents=True, exist_ok=True)
        merge_rows = []
        # RFC 5322: one address with a display name, whatever the contact line holds besides
        found = _ADDRESS.search(contact)
        sender = formataddr((f"{agency} Privacy Office"[:120],
                             found.group(0) if found else "privacy-office@example.gov"))
        worklist: list[dict[str, str]] = []
        by_language: dict[str, list[str]] = {}
        languages = {t.name.split(".")[1] for folder in (templates, TEMPLATES) if folder
                     for t in folder.glob("notice.*.txt.j2")}
        for n, p in enumerate(people, start=1):
            if not p.name:  # not matched to the case system: nobody to address yet
                continue
            lang = p.language or "en"  # no language in the roster: English, the agency's own
            if lang not in languages:  # never English in silence: an interpreter prepares it
                worklist.append({"person": f"{n:05d}", "language": lang, "name": p.name,
                                 "facility": p.facility or "", "hold_status": p.hold_status or ""})
                continue
            lawyer = attorneys.get(p.attorney_id) if p.attorney_id else None
            text = env.get_template(f"notice.{lang}.txt.j2").render(
                **base, person={"name": p.name, "facility": p.facility, "hold": p.hold_status == "hold",
                                "attorney": lawyer.name if lawyer else None},
                fields=[FIELDS["en"].get(f, f) for f in p.fields],
                fields_es=[FIELDS["es"].get(f, f) for f in p.fields])
            stem = out / "notices" / f"notice-{n:05d}-{lang}"
            stem.with_suffix(".txt").write_text(text, encoding="utf-8")
            by_language.setdefault(lang, []).append(text)
            written.notices[lang] = written.notices.get(lang, 0) + 1
            merge_rows.append({"notice": stem.name, "language": lang, "name": p.name, "facility": p.facility or "",
                               "attorney": lawyer.name if lawyer else "", "hold_status": p.hold_status or ""})
        for lang, texts in by_language.items() if pdf else ():  # for printing: a file per language
            _pdf(texts, out / "notices" / f"notices-{lang}.pdf")
        for a in attorneys.values():
            mine = [p for p in people if p.attorney_id == a.id and p.name]
            if not mine:
                continue
            text = env.get_template("attorney.en.txt.j2").render(
                **base, attorney=a, clients=[{"name": p.name, "facility": p.facility, "status": p.hold_status,
                                              "fields": [FIELDS["en"].get(f, f).replace("your ", "")
                                                         for f in p.fields]} for p in mine])
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
        for i, c in enumerate(clients, start=1):
            text = env.get_template("clawback.en.txt.j2").render(
                **base, file_name=incident.file_name, urls=incident.urls,
                client={"address": c.address, "organisation": c.organisation, "requests": c.requests,
                        "bytes": f"{c.bytes:,}", "full_copy": c.full_copy,
                        "first": c.first_seen.strftime("%Y-%m-%d %H:%M"),
                        "last": c.last_seen.strftime("%Y-%m-%d %H:%M")})
            stem = out / "clawback" / f"clawback-{i:03d}"
            stem.with_suffix(".txt").write_text(text, encoding="utf-8")
            _pdf([text], stem.with_suffix(".pdf"))
            written.clawbacks += 1
        with (out / "mailmerge.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["notice", "language", "name", "facility", "attorney",
                                                    "hold_status"])
            writer.writeheader()
            writer.writerows(merge_rows)
        written.worklist = len(worklist)
        with (out / "interpreter-worklist.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=["person", "language", "name", "facility", "hold_status"])
            writer.writeheader()
            writer.writerows(worklist)
        store.audit(s, incident, "documents", notices=sum(written.notices.values()), attorneys=written.attorneys,
                    clawbacks=written.clawbacks, interpreter_worklist=written.worklist)
        s.commit()
    return written
