"""XML data files: repeated elements are records (a table per element path), text is text,
comments are unseen text; entity declarations, malformed and over-deep documents fail closed."""

from __future__ import annotations

from pathlib import Path

from spillguard.synth.people import Person
from tests.helpers import scan_one, summary, write


def export(roster: list[Person], n: int, comment: str = "") -> bytes:
    people = "".join(f'<detainee id="{i}"><name>{p.name}</name><aNumber>{p.a_number_as(0)}</aNumber>'
                     f"<citizenship>{p.country}</citizenship></detainee>\n" for i, p in enumerate(roster[:n]))
    note = f"<!-- {comment} -->\n" if comment else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{note}<release><title>Detention statistics</title>'
            f"<detainees>\n{people}</detainees></release>\n").encode()


def test_repeated_elements_are_records(tmp_path: Path, roster: list[Person]) -> None:
    report = scan_one(write(tmp_path, "export.xml", export(roster, 30)))
    assert summary(report) == [("SG202", "visible", ("A_NUMBER", "NATIONALITY", "PERSON_NAME"), 30)]
    assert report.findings[0].location.range == "$.release.detainees.detainee[*]"


def test_a_comment_naming_a_person(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[40]
    report = scan_one(write(tmp_path, "export.xml", export([], 0, f"exported for {p.name}, A# {p.a_number}")))
    assert summary(report) == [("SG211", "hidden_text", ("A_NUMBER", "PERSON_NAME"), 1)]


def test_statistics_pass(tmp_path: Path) -> None:
    data = (b'<?xml version="1.0"?><stats>' + b"".join(
        b'<month id="2026-%02d"><bookins>%d</bookins><country>Guatemala</country></month>' % (m, 100 + m)
        for m in range(1, 13)) + b"</stats>")
    report = scan_one(write(tmp_path, "stats.xml", data))
    assert report.findings == [] and report.decision == "pass"


def test_an_xhtml_page_is_read_as_html(tmp_path: Path) -> None:
    page = b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Hello</p>' \
           b'<!-- draft by Records Unit --></body></html>'
    report = scan_one(write(tmp_path, "page.xhtml", page))
    assert [f.rule for f in report.findings] == ["SG113"]  # an HTML comment, as for .html


def test_hostile_xml_fails_closed(tmp_path: Path) -> None:
    write(tmp_path, "bomb.xml", b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><d>&b;</d>')
    write(tmp_path, "cut.xml", export([], 0)[:-30])
    write(tmp_path, "deep.xml", b"<a>" * 3000 + b"</a>" * 3000)
    report = scan_one(tmp_path)
    assert sorted((Path(e.file).name, e.rule) for e in report.errors) == [
        ("bomb.xml", "SG904"), ("cut.xml", "SG901"), ("deep.xml", "SG903")]
