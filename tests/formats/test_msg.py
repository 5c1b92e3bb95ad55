"""Outlook .msg messages, written property by property ([MS-OXMSG] in a compound file built by
synth/cfb.py, read back by olefile): headers and recipients, the body (plain, HTML, or compressed
RTF with its hidden text), transport headers, attachments (hidden ones, attached messages), and
damaged storages."""

from __future__ import annotations

from pathlib import Path

import olefile

from spillguard.synth.msg import Attachment, Message
from spillguard.synth.people import Person
from tests.formats.test_rtf import rtf_text
from tests.helpers import scan_one, write


def found(report, folder: Path) -> list[tuple[str, str, str, str | None, tuple[str, ...], int | None]]:
    """(rule, visibility, file below ``folder`` with its inner path, part, entities, records)."""
    return [(f.rule, f.visibility.value, f.location.file.removeprefix(f"{folder.as_posix()}/"), f.location.part,
             tuple(sorted(e.value for e in f.entities)), f.records) for f in report.findings]


def message(roster: list[Person]) -> Message:
    a, b, c, d = roster[:4]
    roster_csv = "Name,A-Number\n" + "\n".join(f"{p.name},{p.a_number}" for p in roster[10:22])
    return Message(
        subject=f"Transfer of {a.name}", sender="Records Unit", sender_email="records@example.gov",
        to=[(b.name, "counsel@example.org")], body="See the attached statistics.",
        headers=f"Received: from mail.example.gov\nX-Note: {c.name} A# {c.a_number}",
        attachments=[Attachment("stats.csv", b"Month,Book-ins\n2024-01,120\n2024-02,130\n"),
                     Attachment("image001.png", roster_csv.encode(), hidden=True),
                     Attachment("Fwd.msg", message=Message(subject="Moved",
                                                           body=f"{d.name} A# {d.a_number} was moved."))])


def test_the_fixture_is_a_compound_file_olefile_reads(roster: list[Person]) -> None:
    ole = olefile.OleFileIO(message(roster).to_bytes())
    assert ole.exists("__substg1.0_0037001F") and ole.exists("__attach_version1.0_#00000002/__substg1.0_3701000D")
    assert ole.openstream("__attach_version1.0_#00000000/__substg1.0_37010102").read().startswith(b"Month,")


def test_every_place_of_a_message(tmp_path: Path, roster: list[Person]) -> None:
    report = scan_one(write(tmp_path, "transfer.msg", message(roster).to_bytes()))
    assert report.errors == []
    assert found(report, tmp_path) == [
        # sender, recipient and subject: the subject names a person, the recipient is a person with an address
        ("SG205", "visible", "transfer.msg", None, ("EMAIL", "PERSON_NAME"), 3),
        ("SG211", "metadata", "transfer.msg", "transport headers", ("A_NUMBER", "PERSON_NAME"), 1),
        # the hidden attachment (no mail client lists it) is no plain view: a roster in an embedded object
        ("SG201", "embedded_object", "transfer.msg!/image001.png", None, ("A_NUMBER", "PERSON_NAME"), 12),
        ("SG209", "visible", "transfer.msg!/Fwd.msg", "body", ("A_NUMBER", "PERSON_NAME"), 1),
    ]
    assert report.decision == "block"


def test_an_rtf_body_is_read_with_its_hidden_text(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[4]
    rtf = (r"{\rtf1\ansi Statistics attached.\par{\v " + rtf_text(f"{p.name} A# {p.a_number}") + r"}\par}").encode()
    report = scan_one(write(tmp_path, "note.msg", Message(subject="Statistics", sender="Records Unit", rtf=rtf)
                            .to_bytes()))
    assert found(report, tmp_path) == [
        ("SG211", "hidden_text", "note.msg!/RTF body", None, ("A_NUMBER", "PERSON_NAME"), 1)]


def test_a_plain_message_passes(tmp_path: Path) -> None:
    report = scan_one(write(tmp_path, "note.msg", Message(subject="Monthly statistics", sender="Records Unit",
                                                          body="The figures are published.").to_bytes()))
    assert (report.findings, report.errors, report.decision) == ([], [], "pass")


def test_a_damaged_message_is_corrupt(tmp_path: Path, roster: list[Person]) -> None:
    data = message(roster).to_bytes()
    report = scan_one(write(tmp_path, "cut.msg", data[: len(data) // 2]))
    assert [e.rule for e in report.errors] == ["SG901"] and report.decision == "block"


def test_clean_writes_the_eml_a_reader_sees(tmp_path: Path, roster: list[Person]) -> None:
    """The cleaned copy is an .eml: headers, body and the listed attachments; the transport
    headers and the hidden attachment are gone; it re-scans without hidden personal data."""
    from email import policy
    from email.parser import BytesParser

    from spillguard.clean import Options, clean_path
    from spillguard.config import Config

    source = write(tmp_path, "transfer.msg", message(roster).to_bytes())
    [result] = clean_path(source, tmp_path / "clean" / "transfer.msg", Options(), Config())
    assert result.error is None and result.outputs == [(tmp_path / "clean" / "transfer.eml").as_posix()]
    assert result.removed["hidden attachments"] == 1 and result.removed["transport headers"] == 1
    mail = BytesParser(policy=policy.default).parsebytes(Path(result.outputs[0]).read_bytes())
    names = sorted(part.get_filename() for part in mail.iter_attachments())
    assert names == ["Fwd.eml", "stats.csv"] and "Received" not in mail
    assert result.rescan is not None
    assert not [f for f in result.rescan.findings if f.visibility.hidden and f.entities]


def test_a_storage_olefile_cannot_follow_is_corrupt_not_a_crash(tmp_path: Path, roster: list[Person],
                                                                monkeypatch) -> None:
    """Found by make fuzz: a damaged sector index made olefile raise OverflowError mid-message."""
    def overflow(*args, **kwargs):
        raise OverflowError("cannot fit 'int' into an index-sized integer")

    monkeypatch.setattr(olefile.OleFileIO, "openstream", overflow)
    report = scan_one(write(tmp_path, "transfer.msg", message(roster).to_bytes()))
    assert [e.rule for e in report.errors] == ["SG901"] and report.decision == "block"
