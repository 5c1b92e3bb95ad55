"""E-mail messages: headers and bodies are text with line numbers, attachments are scanned by
their own format (a roster attached as CSV is a roster)."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from spillguard.synth.people import Person
from tests.formats.test_csv import ALL, roster_text
from tests.helpers import scan_one, summary, write


def message(people: list[Person], attach: bool) -> bytes:
    p = people[0]
    msg = EmailMessage()
    msg["From"] = "Case Management Unit <cmu@agency.example.gov>"
    msg["To"] = "Legal Aid <intake@legalaid.example.org>"
    msg["Subject"] = "Transfer list"
    msg["Date"] = "Mon, 03 Jun 2024 09:45:00 -0400"
    msg["Message-ID"] = "<1@agency.example.gov>"
    msg.set_content(f"Hello,\n\nDetainee {p.name} (A# {p.a_number}) was moved to {p.facility}.\n")
    if attach:
        msg.add_attachment(roster_text(people[:40], ",").encode(), maintype="text", subtype="csv",
                           filename="transfers.csv")
    return msg.as_bytes()


def test_body_and_headers_with_lines(tmp_path: Path, roster: list[Person]) -> None:
    report = scan_one(write(tmp_path, "note.eml", message(roster, attach=False)))
    assert summary(report) == [("SG205", "visible", ("EMAIL",), 2),
                               ("SG209", "visible", ("A_NUMBER", "FACILITY", "PERSON_NAME"), 1)]
    headers, body = sorted(report.findings, key=lambda f: f.location.line or 0)
    assert (headers.location.line, headers.title) == (1, "E-mail addresses in plain view (e-mail headers)")
    # the body starts after 9 header lines and a blank line; the name is on its third line
    assert (body.location.line, body.location.column) == (12, 10)
    assert [(d.entity.value, d.line) for d in body.detections] == [
        ("PERSON_NAME", 12), ("A_NUMBER", 12), ("FACILITY", 12)]
    assert report.decision == "block"  # one person named with an A-number is a personal record


def test_an_attached_roster_is_a_roster(tmp_path: Path, roster: list[Person]) -> None:
    report = scan_one(write(tmp_path, "note.eml", message(roster, attach=True)))
    assert summary(report) == [("SG202", "visible", ALL, 40),
                               ("SG205", "visible", ("EMAIL",), 2),
                               ("SG209", "visible", ("A_NUMBER", "FACILITY", "PERSON_NAME"), 1)]
    where = sorted((f.location.file.split("/")[-1], str(f.location.part)) for f in report.findings)
    assert where == [("note.eml", "MIME part 1"), ("note.eml", "None"), ("transfers.csv", "None")]
    assert report.decision == "block"


def test_not_an_email_is_plain_text(tmp_path: Path) -> None:
    # one header-like line is not a message
    report = scan_one(write(tmp_path, "notes.txt", b"Subject: notes\nNothing personal here.\n"))
    assert report.findings == [] and report.errors == []


def test_headers_no_client_shows_and_mime_preamble_are_read(tmp_path: Path, roster: list[Person]) -> None:
    """Issue 18, item 1, for MIME: an X- header and the text before the first part (which no
    mail client shows) are read, each in its own place; the usual MIME note is not a finding."""
    p, q = roster[0], roster[1]
    msg = EmailMessage()
    msg["From"] = "Statistics Unit <stats@agency.example.gov>"
    msg["To"] = "Web Team <web@agency.example.gov>"
    msg["Subject"] = "Quarterly tables"
    msg["X-Case-Reference"] = f"{p.name} A# {p.a_number}"
    msg.set_content("Tables attached.\n")
    msg.add_attachment(b"Facility,Detainees\nAdelanto,120\n", maintype="text", subtype="csv", filename="t.csv")
    msg.preamble = f"Export for {q.name}, A# {q.a_number}, born {q.birth:%B %d, %Y}\n"
    report = scan_one(write(tmp_path, "note.eml", msg.as_bytes()))
    assert sorted((f.rule, f.visibility.value, f.location.part) for f in report.findings
                  if f.severity >= 3) == [("SG211", "metadata", "other headers"),
                                          ("SG211", "other_part", "MIME preamble of part 0")]
    assert report.coverage["eml"] == {"read": 2, "catch_all": 1}

    quiet = EmailMessage()
    quiet["From"], quiet["To"], quiet["Subject"] = "a@agency.example.gov", "b@agency.example.gov", "Tables"
    quiet["X-Mailer"] = "Microsoft Outlook 16.0"
    quiet.set_content("Tables attached.\n")
    quiet.add_attachment(b"Facility,Detainees\nAdelanto,120\n", maintype="text", subtype="csv", filename="t.csv")
    quiet.preamble = "This is a multi-part message in MIME format.\n"
    report = scan_one(write(tmp_path, "quiet.eml", quiet.as_bytes()))
    assert [f.rule for f in report.findings if f.visibility.value != "visible"] == []
    assert "catch_all" not in report.coverage["eml"]
