"""OpenDocument (odt, odp, ods): personal data in each place a reader may not see is found with
the right visibility and entities, and the clean twin of each file passes."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest

from spillguard.mask import mask_name
from spillguard.synth.odf import Letter, Sheets, Slides
from spillguard.synth.people import Person
from tests.helpers import scan_one, summary, write

NAME_A = ("A_NUMBER", "PERSON_NAME")
CLEAN = "The transfer was approved by the field office."


def mention(p: Person) -> str:
    return f"Detainee {p.name} (A# {p.a_number}) was transferred."


def letter_with(place: str, text: str) -> Letter:
    doc = Letter()
    p = doc.para("Transfer memo for the quarter. ")
    if place in ("hidden", "white", "tiny"):
        doc.span(p, place, text)
    elif place == "deleted":
        doc.deleted(p, text)
    elif place == "inserted":
        doc.inserted(p, text)
    elif place == "hidden paragraph":
        doc.hidden_paragraph(text)
    elif place == "hidden section":
        doc.hidden_section(text)
    elif place == "comment":
        doc.comment(p, "Records Unit", text)
    elif place == "footnote":
        doc.footnote(p, text)
    elif place == "header":
        doc.header(text)
    elif place == "body":
        doc.para(text)
    return doc


LETTER_PLACES = [
    # place, rule, visibility, part, low rule of the clean twin
    ("deleted", "SG211", "tracked_change", "content.xml", "SG117"),
    ("inserted", "SG211", "tracked_change", "content.xml", "SG117"),
    ("hidden", "SG211", "hidden_text", "content.xml", "SG118"),
    ("hidden paragraph", "SG211", "hidden_text", "content.xml", "SG118"),
    ("hidden section", "SG211", "hidden_text", "content.xml", "SG118"),
    ("white", "SG211", "camouflaged", "content.xml", "SG107"),
    ("tiny", "SG211", "camouflaged", "content.xml", "SG107"),
    ("comment", "SG211", "comment", "content.xml", "SG113"),
    ("footnote", "SG209", "visible", "content.xml", None),
    ("header", "SG209", "visible", "styles.xml", None),
    ("body", "SG209", "visible", "content.xml", None),
]


@pytest.mark.parametrize(("place", "rule", "visibility", "part", "low"), LETTER_PLACES)
def test_text_document_places(tmp_path: Path, roster: list[Person], place: str, rule: str, visibility: str,
                              part: str, low: str | None) -> None:
    report = scan_one(write(tmp_path, "memo.odt", letter_with(place, mention(roster[0])).to_bytes()))
    found = [f for f in report.findings if f.rule.startswith("SG2")]
    assert [(f.rule, f.visibility.value, tuple(sorted(e.value for e in f.entities)), f.location.part)
            for f in found] == [(rule, visibility, NAME_A, part)]
    assert report.errors == []
    assert report.decision == "block"  # a name with an A-number is a linked identity, in any place


@pytest.mark.parametrize(("place", "rule", "visibility", "part", "low"), LETTER_PLACES)
def test_text_document_clean_twin(tmp_path: Path, place: str, rule: str, visibility: str, part: str,
                                  low: str | None) -> None:
    report = scan_one(write(tmp_path, "memo.odt", letter_with(place, CLEAN).to_bytes()))
    assert report.decision == "pass" and report.errors == []
    assert [f.rule for f in report.findings] == ([low] if low else [])


def test_tracked_change_line_and_authors(tmp_path: Path, roster: list[Person]) -> None:
    doc = Letter(creator="Wilmer Chávez Morales", title="Transfer memo")
    doc.para("First paragraph.")
    doc.deleted(doc.para("Second: "), mention(roster[0]), author="Ana Ruiz")
    report = scan_one(write(tmp_path, "memo.odt", doc.to_bytes()))
    assert summary(report) == [("SG211", "tracked_change", NAME_A, 1),
                               ("SG501", "metadata", ("PERSON_NAME",), 1),
                               ("SG501", "metadata", ("PERSON_NAME",), 1)]
    deleted = next(f for f in report.findings if f.rule == "SG211")
    assert (deleted.location.line, [d.line for d in deleted.detections]) == (2, [2, 2])
    authors = sorted(tuple(f.samples) for f in report.findings if f.rule == "SG501")
    assert authors == sorted([(mask_name("Ana Ruiz"),), (mask_name("Wilmer Chávez Morales"),)])


def test_a_roster_table_in_a_letter(tmp_path: Path, roster: list[Person]) -> None:
    doc = Letter()
    doc.para("Transfers approved this week:")
    doc.table([["Name", "A-Number", "Country of Citizenship"],
               *[[p.name, p.a_number_as(1), p.country] for p in roster[:25]]])
    report = scan_one(write(tmp_path, "memo.odt", doc.to_bytes()))
    assert summary(report) == [("SG202", "visible", ("A_NUMBER", "NATIONALITY", "PERSON_NAME"), 25)]
    assert report.findings[0].location.range == "table 1"


def deck_with(place: str, text: str) -> Slides:
    d = Slides()
    d.slide("Detention statistics, fiscal year 2026")
    if place == "notes":
        d.slide("Monthly book-ins", notes=text)
    elif place == "hidden slide":
        d.slide(text, hidden=True)
    elif place == "off-slide":
        d.slide(text, off_slide=True)
    elif place == "comment":
        d.slide("Monthly book-ins", comment=("Records Unit", text))
    elif place == "slide":
        d.slide(text)
    return d


DECK_PLACES = [
    ("notes", "SG211", "speaker_notes", "SG119"),
    ("hidden slide", "SG211", "hidden_slide", "SG121"),
    ("off-slide", "SG211", "hidden_text", "SG118"),
    ("comment", "SG211", "comment", "SG113"),
    ("slide", "SG209", "visible", None),
]


@pytest.mark.parametrize(("place", "rule", "visibility", "low"), DECK_PLACES)
def test_presentation_places(tmp_path: Path, roster: list[Person], place: str, rule: str, visibility: str,
                             low: str | None) -> None:
    report = scan_one(write(tmp_path, "deck.odp", deck_with(place, mention(roster[0])).to_bytes()))
    found = [f for f in report.findings if f.rule.startswith("SG2")]
    assert [(f.rule, f.visibility.value, tuple(sorted(e.value for e in f.entities)), f.location.page)
            for f in found] == [(rule, visibility, NAME_A, 2)]
    assert report.errors == []


@pytest.mark.parametrize(("place", "rule", "visibility", "low"), DECK_PLACES)
def test_presentation_clean_twin(tmp_path: Path, place: str, rule: str, visibility: str, low: str | None) -> None:
    report = scan_one(write(tmp_path, "deck.odp", deck_with(place, CLEAN).to_bytes()))
    assert report.decision == "pass" and report.errors == []
    assert [f.rule for f in report.findings if not f.rule.startswith("SG5")] == ([low] if low else [])


def test_an_empty_hidden_slide_is_no_finding(tmp_path: Path) -> None:
    d = Slides().slide("Detention statistics").slide("", hidden=True)
    assert scan_one(write(tmp_path, "deck.odp", d.to_bytes())).findings == []


def roster_rows(roster: list[Person], n: int) -> list[list[object]]:
    return [["Name", "A-Number", "Country of Citizenship"], *[[p.name, p.a_number, p.country] for p in roster[:n]]]


def test_spreadsheet_hidden_table_rows_columns(tmp_path: Path, roster: list[Person]) -> None:
    book = Sheets()
    book.table("Summary", [["Country", "Detained"], ["Guatemala", 212], ["Honduras", 187]])
    book.table("Extract", roster_rows(roster, 30), hidden=True)
    rows = roster_rows(roster[30:], 12)
    book.table("Published", rows, hidden_rows=[3, 4], filtered_rows=[6], hidden_cols=[1])
    report = scan_one(write(tmp_path, "stats.ods", book.to_bytes()))
    assert summary(report) == [
        # a cell in a hidden row *and* a hidden column is reported by both
        ("SG201", "filtered_or_grouped", ("A_NUMBER", "NATIONALITY", "PERSON_NAME"), 1),
        ("SG201", "hidden_row", ("A_NUMBER", "NATIONALITY", "PERSON_NAME"), 2),
        ("SG201", "hidden_sheet", ("A_NUMBER", "NATIONALITY", "PERSON_NAME"), 30),
        ("SG202", "visible", ("NATIONALITY", "PERSON_NAME"), 9),
        ("SG204", "hidden_column", ("A_NUMBER",), 12),
    ]
    hidden_rows = next(f for f in report.findings if f.visibility.value == "hidden_row")
    assert (hidden_rows.location.sheet, hidden_rows.location.range) == ("Published", "rows 4-5")
    assert report.decision == "block"


def test_spreadsheet_camouflaged_cell_and_annotation(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[0]
    rows: list[list[object]] = [["Country", "Detained", ""], ["Guatemala", 212, p.a_number_as(0)]]
    rows += [["", "", q.a_number_as(0)] for q in roster[2:6]]
    book = Sheets().table("Summary", rows, white_cells=[(i, 2) for i in range(1, 6)],
                          notes=[(1, 1, "Ana Ruiz", mention(roster[1]))])
    report = scan_one(write(tmp_path, "stats.ods", book.to_bytes()))
    assert summary(report) == [("SG204", "camouflaged", ("A_NUMBER",), 5),
                               ("SG211", "comment", NAME_A, 1),
                               ("SG501", "metadata", ("PERSON_NAME",), 1)]
    comment = next(f for f in report.findings if f.rule == "SG211")
    assert comment.location.range == "B2"


def test_clean_spreadsheet_passes(tmp_path: Path) -> None:
    book = Sheets().table("Summary", [["Country", "Detained"], ["Guatemala", 212], ["Honduras", 187]])
    report = scan_one(write(tmp_path, "stats.ods", book.to_bytes()))
    assert report.findings == [] and report.decision == "pass"


def _rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    zout.writestr(info.filename, change[info.filename])
            else:
                zout.writestr(info, zin.read(info.filename))
        for name, data in change.items():
            if data is not None and name not in zin.namelist():
                zout.writestr(name, data)
    return out.getvalue()


def test_encrypted_truncated_and_bomb_documents_fail_closed(tmp_path: Path) -> None:
    data = letter_with("body", CLEAN).to_bytes()
    manifest = zipfile.ZipFile(io.BytesIO(data)).read("META-INF/manifest.xml").replace(
        b'manifest:full-path="content.xml" manifest:media-type="text/xml"/>',
        b'manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data '
        b'manifest:checksum-type="SHA1" manifest:checksum="x"/></manifest:file-entry>')
    write(tmp_path, "locked.odt", _rezip(data, {"META-INF/manifest.xml": manifest}))
    write(tmp_path, "cut.ods", Sheets().table("A", [["x", 1]]).to_bytes()[:-200])
    bomb = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><d>&b;</d>'
    write(tmp_path, "bomb.odt", _rezip(data, {"content.xml": bomb}))
    report = scan_one(tmp_path)
    assert sorted((Path(e.file).name, e.rule) for e in report.errors) == [
        ("bomb.odt", "SG904"), ("cut.ods", "SG901"), ("locked.odt", "SG902")]
    assert report.decision == "block"


def test_macros_and_unknown_parts_are_reported(tmp_path: Path) -> None:
    data = letter_with("body", CLEAN).to_bytes()
    # issue 30: an unknown binary part fails closed when its bytes are compressed or encrypted
    data = _rezip(data, {"Basic/Standard/Module1.xml": b"<x/>", "extra/data.bin": random.Random(30).randbytes(4096)})
    report = scan_one(write(tmp_path, "memo.odt", data))
    assert [f.rule for f in report.findings if not f.rule.startswith("SG9")] == ["SG115"]
    assert [(e.rule, e.part) for e in report.errors] == [("SG906", "extra/data.bin")]
