"""Issue 30, the rule of evidence: a file blocks because of evidence that it discloses people's
personal data, or because its bytes could not be read — never because of where something sits.
Each class below is built in code and failed (or could not be read) before the change."""

from __future__ import annotations

import base64
import io
import json
import random
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pikepdf

from spillguard.model import Report
from spillguard.synth import cfb, vba
from spillguard.synth.docx import Memo
from spillguard.synth.pdf import Pdf
from spillguard.synth.people import Person
from spillguard.synth.pptx import Deck
from spillguard.synth.xlsx import Book
from tests.helpers import scan_one, write

COUNTIES = ["Adams", "Baker", "Clark", "Douglas", "Elmore", "Franklin", "Grant", "Hamilton", "Jackson", "Kent"]


def rules(report: Report) -> list[tuple[str, str, str]]:
    return sorted((f.rule, f.severity.label, f.visibility.value) for f in report.findings)


# -- where something sits never blocks alone --------------------------------------------------------

def test_a_large_hidden_table_of_aggregates_is_reported_not_blocking(tmp_path: Path) -> None:
    book = Book()
    book.sheet("Results", [["County", "Votes"], ["Total", 123456]])
    book.sheet("Precincts", [["County", "Precinct", "Votes", "Turnout"]]
               + [[COUNTIES[i % 10], f"P-{i:03d}", 100 + (i * 37) % 900, round(0.4 + (i % 7) / 20, 2)]
                  for i in range(150)], state="hidden")
    report = scan_one(write(tmp_path, "results.xlsx", book.to_bytes()))
    assert [(f.rule, f.severity.label, f.visibility.value) for f in report.findings if f.rule == "SG116"] == [
        ("SG116", "low", "hidden_sheet")]
    assert report.decision == "pass"


def test_a_large_hidden_table_of_people_still_blocks(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("Results", [["Facility", "Book-ins"], ["Stewart", 340]])
    book.sheet("Data", [["Name", "A-Number", "Country"]] + [[p.name, p.a_number, p.country] for p in roster[:120]],
               state="hidden")
    report = scan_one(write(tmp_path, "stats.xlsx", book.to_bytes()))
    assert ("SG201", "critical", "hidden_sheet") in rules(report) and report.decision == "block"


def _inserted(tmp_path: Path, name: str, text: str) -> Report:
    memo = Memo()
    memo.inserted(memo.para("The committee approved the quarterly figures."), text)
    return scan_one(write(tmp_path, name, memo.to_bytes()))


def test_one_incidental_name_in_unseen_text_is_reported_two_block(tmp_path: Path) -> None:
    report = _inserted(tmp_path, "one.docx", " Drafted by Maria Lopez.")
    assert [(f.rule, f.severity.label) for f in report.findings if f.rule == "SG208"] == [("SG208", "medium")]
    assert report.decision == "pass"
    assert "one incidental name" in next(f.why for f in report.findings if f.rule == "SG208")
    report = _inserted(tmp_path, "two.docx", " Cases of Maria Lopez and Jose Perez were reviewed.")
    assert [(f.rule, f.severity.label) for f in report.findings if f.rule == "SG208"] == [("SG208", "high")]
    assert report.decision == "block"


def test_a_linked_identity_in_custom_properties_is_critical(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[0]
    book = Book()
    book.sheet("Stats", [["Facility", "Book-ins"], ["Stewart", 340]])
    book.wb.set_custom_property("Detainee name", p.name)
    book.wb.set_custom_property("A-Number", f"A{p.a_number}")
    report = scan_one(write(tmp_path, "stats.xlsx", book.to_bytes()))
    assert ("SG211", "critical", "metadata") in rules(report) and report.decision == "block"


# -- people, not shapes ------------------------------------------------------------------------------

SECTORS = ["Industries", "Dental", "Grocery", "Telephone", "Vascular", "Displays", "Linens", "Parts",
           "Regency", "Pharmacy", "Logistics", "Electronics"]
SURNAMES = ["Garcia", "Thompson", "Nguyen", "Hernandez", "Walker", "Patel", "Kowalski", "Okafor", "Jensen",
            "Moreau", "Rossi", "Tanaka"]


def test_companies_named_after_people_are_no_list_of_people(tmp_path: Path) -> None:
    pdf = Pdf()
    page = pdf.page().text(72, 740, "WARN notices received, second quarter")
    for i, (surname, sector) in enumerate(zip(SURNAMES, SECTORS, strict=True)):
        page.text(72, 710 - 18 * i, f"{surname} {sector}   {40 + i} employees   layoff")
    report = scan_one(write(tmp_path, "warn.pdf", pdf.to_bytes()))
    assert not [f for f in report.findings if f.rule == "SG207"] and report.decision == "pass"


def test_officials_named_in_their_role_are_no_list_of_people(tmp_path: Path) -> None:
    board = ["Anjali Kausar", "Ben Liao", "Josephine Lucey", "Gary McCue", "Phyllis Vogel", "Maria Ortega",
             "David Chen", "Laura Whitfield", "Omar Haddad", "Rosa Delgado", "Thomas Becker"]
    role = ("Mr. Peter Fong, Principal  Union School District  October 23, 2014\n"
            f"Board of Education - {', '.join(board)}\nSuperintendent – Wendy Gudalewicz\n")
    memo = Memo()
    for line in role.splitlines():
        memo.para(line)
    report = scan_one(write(tmp_path, "newsletter.docx", memo.to_bytes()))
    assert not [f for f in report.findings if f.rule == "SG207"] and report.decision == "pass"
    # the same people without the public body heading them: a list of people
    memo = Memo()
    memo.para(f"Attendees: {', '.join(board)}")
    report = scan_one(write(tmp_path, "list.docx", memo.to_bytes()))
    assert [f.rule for f in report.findings if f.rule == "SG207"] == ["SG207"]


def test_a_quoted_title_of_a_work_is_no_name() -> None:
    from spillguard.detect.doc import Doc
    from spillguard.detect.person_name import PersonName

    doc = Doc('The first show will be "The Magic Treehouse" and the second "Cosmic Journey"; '
              'Maria Ortega organises it.')
    assert [s.value for s in PersonName().find_text(doc)] == ["Maria Ortega"]


def test_a_database_connect_string_is_no_e_mail() -> None:
    from spillguard.detect.doc import Doc
    from spillguard.detect.email import Email

    doc = Doc("sqlplus scott/tiger@db01.example.intra; mail maria.lopez@example.org")
    assert [s.value for s in Email().find_text(doc)] == ["maria.lopez@example.org"]


def test_a_canonical_a_number_is_not_silenced_by_a_word_before_it() -> None:
    from spillguard.detect.a_number import ANumber
    from spillguard.detect.doc import Doc

    found = [s.value for s in ANumber().find_text(Doc("Our reference A-164-252-691; invoice A12345678"))]
    assert found == ["A-164-252-691"]


def test_a_birth_sentence_in_dutch_links_a_person(tmp_path: Path) -> None:
    memo = Memo()
    memo.para("Vrederechter van het kanton Houthalen-Helchteren. Bij beschikking van 12 juni 2017 werd "
              "GHIJSENS Wilhelmine Marie, geboren te Borgloon op 20 januari 1925, gedomicilieerd te "
              "Guldensporenlaan 89, onbekwaam verklaard.")
    report = scan_one(write(tmp_path, "notice.docx", memo.to_bytes()))
    assert [(f.rule, tuple(sorted(e.value for e in f.entities))) for f in report.findings if f.rule == "SG209"] == [
        ("SG209", ("DATE_OF_BIRTH", "PERSON_NAME"))]


# -- hidden places read, not refused -----------------------------------------------------------------

def _prefixed(package: bytes) -> bytes:
    """The workbook's sheet XML rewritten with a namespace prefix (``<x:row>``), as POI and .NET
    writers save it."""
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                text = body.decode()
                text = re.sub(r"<(/?)(?!\?)([A-Za-z]\w*)([ />])", r"<\1x:\2\3", text)
                text = text.replace('xmlns="http://schemas', 'xmlns:x="http://schemas', 1)
                body = text.encode()
            z.writestr(info, body)
    return out.getvalue()


def test_hidden_rows_and_columns_of_prefixed_sheet_xml(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    ws = book.sheet("Report", [["Name", "A-Number", "Country", "Count", "Notes"], ["Total", None, None, 120, "ok"]]
                    + [[p.name, int(p.a_number), p.country, 1, "reviewed"] for p in roster[:5]])
    for row in range(2, 7):
        ws.set_row(row, None, None, {"hidden": True})
    ws.set_column(4, 4, None, None, {"hidden": True})
    report = scan_one(write(tmp_path, "report.xlsx", _prefixed(book.to_bytes())))
    assert ("SG201", "critical", "hidden_row") in rules(report) and report.decision == "block"
    assert [f.visibility.value for f in report.findings if f.rule.startswith("SG10")] == ["hidden_column"]


def _mashup(rows: list[list[str]], columns: list[str]) -> bytes:
    raw = json.dumps(rows).encode()
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = base64.b64encode(deflate.compress(raw) + deflate.flush()).decode()
    cols = ", ".join(f'#"{h}" = _t' for h in columns)
    m = ("section Section1;\r\nshared Detainees = let\r\n    Source = Table.FromRows(Json.Document("
         f'Binary.Decompress(Binary.FromText("{block}", BinaryEncoding.Base64), Compression.Deflate)), '
         f"let _t = ((type nullable text) meta [Serialized.Text = true]) in type table [{cols}])\r\nin\r\n"
         '    Source;\r\nshared Path = "C:\\Users\\clerk\\roster.xlsx";')
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("Formulas/Section1.m", m)
    body = package.getvalue()
    payload = struct.pack("<II", 0, len(body)) + body + struct.pack("<III", 0, 0, 0)
    return ('<?xml version="1.0" encoding="utf-8"?><DataMashup xmlns="http://schemas.microsoft.com/DataMashup">'
            + base64.b64encode(payload).decode() + "</DataMashup>").encode()


def _with_part(package: bytes, name: str, data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            z.writestr(info, src.read(info))
        z.writestr(name, data)
    return out.getvalue()


def test_power_query_entered_data_is_a_table_no_reader_sees(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("Stats", [["Facility", "Book-ins"], ["Stewart", 340]])
    rows = [[p.name, f"A{p.a_number}", p.country] for p in roster[:6]]
    data = _with_part(book.to_bytes(), "customXml/item1.xml", _mashup(rows, ["Name", "A-Number", "Country"]))
    report = scan_one(write(tmp_path, "stats.xlsx", data))
    found = [f for f in report.findings if f.location.part == "customXml/item1.xml"]
    assert [(f.rule, f.visibility.value, f.location.sheet, f.records) for f in found if f.rule == "SG201"] == [
        ("SG201", "other_part", "query Detainees", 6)]
    assert report.decision == "block"


def test_a_damaged_data_mashup_fails_closed(tmp_path: Path) -> None:
    book = Book()
    book.sheet("Stats", [["Facility", "Book-ins"], ["Stewart", 340]])
    broken = b'<DataMashup xmlns="http://schemas.microsoft.com/DataMashup">AAAAAAEAAAB4</DataMashup>'
    report = scan_one(write(tmp_path, "stats.xlsx", _with_part(book.to_bytes(), "customXml/item1.xml", broken)))
    assert [e.rule for e in report.errors] == ["SG906"] and report.decision == "block"


def test_slicer_cache_items_are_read(tmp_path: Path, roster: list[Person]) -> None:
    items = "".join(f'<olapSlicerCacheItem n="[Detainee].[Name].&amp;[{i}]" c="{p.name}"/>'
                    for i, p in enumerate(roster[:12]))
    xml = ('<?xml version="1.0" encoding="UTF-8"?><slicerCacheDefinition '
           'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" name="Slicer_Name">'
           f'<data><olap pivotCacheId="1"><levels count="1"><level uniqueName="[Detainee].[Name]">'
           f'<ranges><range startItem="0"><i>{items}</i></range></ranges></level></levels></olap></data>'
           "</slicerCacheDefinition>").encode()
    book = Book()
    book.sheet("Stats", [["Facility", "Book-ins"], ["Stewart", 340]])
    report = scan_one(write(tmp_path, "stats.xlsx", _with_part(book.to_bytes(), "xl/slicerCaches/slicerCache1.xml",
                                                                xml)))
    assert [(f.rule, f.visibility.value) for f in report.findings if f.visibility.value == "pivot_cache"] == [
        ("SG207", "pivot_cache")]


def test_an_ole_object_of_an_unknown_class_is_read(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[0]
    comp = b"\x01\x00\xfe\xff\x03\x0a\x00\x00" + b"\x00" * 20 + b"\x0c\x00\x00\x00Visio Drawing\x00"
    record = b"\x00" * 64 + f"Case of {p.name}, A{p.a_number}".encode("utf-16-le") + b"\x00" * 64
    ole = cfb.write({"\x01CompObj": comp, "CONTENTS": record})
    deck = Deck()
    deck.slide("Quarterly statistics")
    deck.embed("oleObject1.bin", ole)
    report = scan_one(write(tmp_path, "talk.pptx", deck.to_bytes()))
    assert report.errors == []
    assert ("SG211", "critical", "other_part") in rules(report) and report.decision == "block"

    packed = cfb.write({"\x01CompObj": comp, "CONTENTS": random.Random(30).randbytes(8192)})
    deck = Deck()
    deck.slide("Quarterly statistics")
    deck.embed("oleObject1.bin", packed)
    report = scan_one(write(tmp_path, "packed.pptx", deck.to_bytes()))
    assert [e.rule for e in report.errors] == ["SG906"] and "compressed or encrypted" in report.errors[0].reason


def test_an_alt_chunk_page_that_declares_a_dtd_is_read(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[0]
    memo = Memo()
    memo.para("Quarterly statistics.")
    page = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
            f"<html><body><p>Detainee {p.name}, A{p.a_number}, born {p.birth:%m/%d/%Y}<br>seen</p></body></html>")
    src = zipfile.ZipFile(io.BytesIO(memo.to_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                body = body.replace(b"</Relationships>", b'<Relationship Id="rIdAlt" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/aFChunk" '
                                    b'Target="afchunk.htm"/></Relationships>')
            z.writestr(info, body)
        z.writestr("word/afchunk.htm", page)
    report = scan_one(write(tmp_path, "memo.docx", out.getvalue()))
    assert report.errors == []
    assert ("SG211", "critical", "embedded_object") in rules(report) and report.decision == "block"


def test_pdf_javascript_string_literals_are_read(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[0]
    doc = Pdf()
    doc.page().text(72, 720, "Quarterly statistics: 1,204 book-ins.")
    pdf = pikepdf.open(io.BytesIO(doc.to_bytes()))
    js = pikepdf.Stream(pdf, f'var rows = ["{p.name} A{p.a_number} DOB {p.birth:%m/%d/%Y}"];'.encode())
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=js))
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("a"),
                                                                                              action])))
    out = io.BytesIO()
    pdf.save(out)
    report = scan_one(write(tmp_path, "stats.pdf", out.getvalue()))
    assert [(f.rule, f.visibility.value, f.location.part) for f in report.findings] == [
        ("SG211", "hidden_text", "JavaScript")]


def test_a_file_attached_by_an_annotation_is_read(tmp_path: Path, roster: list[Person]) -> None:
    doc = Pdf()
    doc.page().text(72, 720, "Quarterly statistics: 1,204 book-ins.")
    pdf = pikepdf.open(io.BytesIO(doc.to_bytes()))
    roster_csv = "Name,A-Number,Country\n" + "\n".join(f"{p.name},A{p.a_number},{p.country}" for p in roster[:12])
    stream = pikepdf.Stream(pdf, roster_csv.encode())
    stream.Type = pikepdf.Name.EmbeddedFile
    spec = pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String("roster.csv"),
                              UF=pikepdf.String("roster.csv"), EF=pikepdf.Dictionary(F=stream))
    annot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment,
                                                 Rect=pikepdf.Array([72, 600, 90, 620]), FS=spec))
    pdf.pages[0].Annots = pikepdf.Array([annot])
    out = io.BytesIO()
    pdf.save(out)
    report = scan_one(write(tmp_path, "stats.pdf", out.getvalue()))
    assert ("SG114", "low", "embedded_object") in rules(report)
    assert ("SG201", "critical", "embedded_object") in rules(report) and report.decision == "block"


def test_html_templates_and_script_literals_are_hidden_text(tmp_path: Path, roster: list[Person]) -> None:
    a, b = roster[0], roster[1]
    page = (f'<!doctype html><html><head><title>Stats</title><script>var x = ["{a.name} A{a.a_number}"];</script>'
            f"</head><body><p>Book-ins: 1,204.</p><template><p>{b.name}, A{b.a_number}</p></template></body></html>")
    report = scan_one(write(tmp_path, "page.html", page.encode()))
    assert [(f.rule, f.visibility.value) for f in report.findings] == [("SG211", "hidden_text"),
                                                                        ("SG211", "hidden_text")]
    assert {f.title.rsplit("(", 1)[-1].rstrip(")") for f in report.findings} == {"script string literals",
                                                                                  "hidden elements"}


def test_vba_module_strings_and_comments_are_read(tmp_path: Path, roster: list[Person]) -> None:
    p, q = roster[0], roster[1]
    source = (f'Sub Notify()\r\n    MsgBox "Case of {p.name}, A{p.a_number}"\r\n'
              f"    ' reviewed with {q.name}\r\nEnd Sub\r\n")
    book = Book()
    book.sheet("Stats", [["Facility", "Book-ins"], ["Stewart", 340]])
    book.extras.vba = vba.project(source)
    report = scan_one(write(tmp_path, "stats.xlsm", book.to_bytes()))
    assert [(f.rule, f.visibility.value, f.location.part) for f in report.findings] == [
        ("SG115", "embedded_object", "xl/vbaProject.bin"), ("SG211", "embedded_object", "xl/vbaProject.bin")]
    assert report.errors == [] and report.decision == "block"
    import sys

    assert "pcodedmp" not in sys.modules  # oletools' GPL-3.0 p-code disassembler is never loaded


def test_pdf_javascript_that_cannot_be_decoded_fails_closed(tmp_path: Path) -> None:
    doc = Pdf()
    doc.page().text(72, 720, "Quarterly statistics: 1,204 book-ins.")
    pdf = pikepdf.open(io.BytesIO(doc.to_bytes()))
    broken = pikepdf.Stream(pdf, b"\x00\x01 not deflate at all")
    broken.Filter = pikepdf.Name.FlateDecode
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=broken))
    out = io.BytesIO()
    pdf.save(out)
    report = scan_one(write(tmp_path, "stats.pdf", out.getvalue()))
    assert [(e.rule, e.part) for e in report.errors if e.part == "JavaScript"] == [("SG906", "JavaScript")]
    assert report.decision == "block"
