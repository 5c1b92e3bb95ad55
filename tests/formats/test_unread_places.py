"""Issue 18, item 1: no text a file carries goes unread. Each place is built in code, and the
finding must name the rule, the severity, the honest visibility and the entities — and the
report's coverage must say which parts a dedicated reader took and which the catch-all did."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from spillguard.synth.docx import Memo
from spillguard.synth.people import Person
from spillguard.synth.pptx import Deck
from spillguard.synth.xlsx import Book
from tests.helpers import scan_one, write

AGG = [["Facility", "Detainees"], ["Adelanto", 120], ["Otay Mesa", 85], ["Stewart", 64]]


def one(roster: list[Person]) -> tuple[str, str, str]:
    p = roster[0]
    return p.name, p.a_number_as(1), p.birth.strftime("%m/%d/%Y")


def found(report, visibility: str) -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted((f.rule, f.severity.label, tuple(sorted(e.value for e in f.entities)))
                  for f in report.findings if f.visibility.value == visibility)


def rezip(data: bytes, change: dict[str, bytes | None]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    z.writestr(info.filename, change[info.filename])
                continue
            z.writestr(info, src.read(info.filename))
        for name, body in change.items():
            if name not in src.namelist() and body is not None:
                z.writestr(name, body)
    return out.getvalue()


def test_a_print_header_naming_two_detainees_is_critical(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    ws = book.sheet("By facility", AGG)
    a, b = roster[0], roster[1]
    ws.set_header(f"&L{a.name} {a.a_number_as(0)}&R{b.name} {b.a_number_as(0)}")
    ws.set_footer("&CPage &P of &N")
    report = scan_one(write(tmp_path, "stats.xlsx", book.to_bytes()))
    assert found(report, "print_header_footer") == [("SG211", "critical", ("A_NUMBER", "PERSON_NAME"))]
    [f] = [f for f in report.findings if f.visibility.value == "print_header_footer"]
    assert f.location.sheet == "By facility" and report.decision == "block"


def test_a_plain_print_footer_is_not_a_finding_above_info(tmp_path: Path) -> None:
    book = Book()
    ws = book.sheet("By facility", AGG)
    ws.set_footer("&LStatistics and Reporting Unit&RPage &P")
    report = scan_one(write(tmp_path, "stats.xlsx", book.to_bytes()))
    assert found(report, "print_header_footer") == [("SG126", "info", ())]
    assert report.decision == "pass"


def test_hyperlink_targets_and_tooltips_are_read(tmp_path: Path, roster: list[Person]) -> None:
    name, anum, birth = one(roster)
    book = Book()
    ws = book.sheet("By facility", AGG)
    ws.write_url("D2", f"https://case.example.gov/lookup?anumber={anum.replace('-', '')}&name={name}",
                 string="case file", tip=f"Case of {name}, born {birth}")
    ws.write_url("D3", "https://www.example.gov/statistics", string="methodology")
    report = scan_one(write(tmp_path, "stats.xlsx", book.to_bytes()))
    assert found(report, "hyperlink") == [("SG211", "critical", ("A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME"))]


def test_links_without_personal_data_make_no_finding(tmp_path: Path) -> None:
    book = Book()
    ws = book.sheet("By facility", AGG)
    ws.write_url("D3", "https://www.example.gov/statistics", string="methodology", tip="How we count")
    ws.write_formula("B5", '=IF(SUM(B2:B4)>0,"Total","n/a")', value="Total")
    report = scan_one(write(tmp_path, "stats.xlsx", book.to_bytes()))
    assert found(report, "hyperlink") == [] and found(report, "formula") == []
    assert report.decision == "pass"


def test_text_literals_inside_formulas(tmp_path: Path, roster: list[Person]) -> None:
    name, anum, _ = one(roster)
    book = Book()
    ws = book.sheet("By facility", AGG)
    ws.write_formula("B5", f'=IF(B2>100,"{name} {anum}","")', value="")
    report = scan_one(write(tmp_path, "stats.xlsx", book.to_bytes()))
    assert found(report, "formula") == [("SG211", "critical", ("A_NUMBER", "PERSON_NAME"))]


def test_shared_strings_no_cell_uses_are_what_a_deleted_sheet_left(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("By facility", AGG)
    data = book.to_bytes()
    z = zipfile.ZipFile(io.BytesIO(data))
    sst = z.read("xl/sharedStrings.xml").decode()
    left = "".join(f"<si><t>{p.name}</t></si><si><t>{p.a_number_as(0)}</t></si>" for p in roster[:12])
    count = sst.count("<si>") + 24
    sst = sst.replace("</sst>", left + "</sst>")
    sst = sst.replace(f'uniqueCount="{count - 24}"', f'uniqueCount="{count}"')
    report = scan_one(write(tmp_path, "stats.xlsx", rezip(data, {"xl/sharedStrings.xml": sst.encode()})))
    assert found(report, "unused_string") == [("SG211", "critical", ("A_NUMBER", "PERSON_NAME"))]
    [f] = [f for f in report.findings if f.visibility.value == "unused_string"]
    assert f.location.part == "xl/sharedStrings.xml" and f.records == 12
    # the cells' own strings are used and not reported again
    assert "Adelanto" not in f.why


def test_zero_height_rows_and_zero_width_columns_are_hidden(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    rows = [["Name", "A-Number", "Date of Birth", "Facility"]] + [
        [p.name, p.a_number_as(0), p.birth, p.facility] for p in roster[:3]]
    ws = book.sheet("Detainees", [["Facility", "Detainees"], ["Adelanto", 120], ["Otay Mesa", 85]])
    for r, row in enumerate(rows, start=10):
        for c, value in enumerate(row):
            book.write(ws, r, c, value)
        ws.set_row(r, 0)
    ws2 = book.sheet("Totals", [["Facility", "Detainees", "Names"]]
                     + [["Adelanto", 120, p.name + " " + p.a_number_as(0)] for p in roster[3:6]])
    ws2.set_column(2, 2, 0)  # zero width, not "hidden"
    data = book.to_bytes()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert sheet.count(b' hidden="1"') == 4
    sheet = sheet.replace(b' hidden="1"', b' ht="0" customHeight="1"')  # zero height, not "hidden"
    report = scan_one(write(tmp_path, "stats.xlsx", rezip(data, {"xl/worksheets/sheet1.xml": sheet})))
    rules = {(f.rule, f.visibility.value) for f in report.findings}
    assert ("SG211", "hidden_row") in rules and ("SG211", "hidden_column") in rules
    assert not [f for f in report.findings if f.visibility.value == "visible" and f.severity >= 3]


def test_font_colour_equal_to_the_fill_is_camouflage(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    ws = book.sheet("By facility", AGG)
    grey = book.wb.add_format({"font_color": "#C0C0C0", "bg_color": "#C0C0C0", "pattern": 1})
    for i, p in enumerate(roster[:4]):
        ws.write(6 + i, 0, f"{p.name} {p.a_number_as(0)}", grey)
    report = scan_one(write(tmp_path, "stats.xlsx", book.to_bytes()))
    assert [v for _, v in {(f.rule, f.visibility.value) for f in report.findings if f.severity >= 3}] == [
        "camouflaged"]


def test_word_field_codes_and_mail_merge_settings(tmp_path: Path, roster: list[Person]) -> None:
    name, anum, birth = one(roster)
    memo = Memo()
    memo.para("Quarterly detention statistics.")
    data = memo.to_bytes()
    z = zipfile.ZipFile(io.BytesIO(data))
    doc = z.read("word/document.xml").decode()
    field = (f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">'
             f' IF 1 = 1 "{name} {anum}" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
             f'<w:r><w:t>see annex</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    doc = doc.replace("<w:sectPr", field + "<w:sectPr", 1)
    settings = z.read("word/settings.xml").decode().replace(
        "</w:settings>", '<w:mailMerge><w:mainDocumentType w:val="formLetters"/>'
        f'<w:connectString w:val="Provider=Microsoft.ACE.OLEDB.12.0;Data Source=C:\\cases\\roster.xlsx"/>'
        f'<w:query w:val="SELECT * FROM `Roster$` WHERE [Name] = \'{name}\' AND [DOB] = \'{birth}\'"/>'
        "</w:mailMerge></w:settings>")
    data = rezip(data, {"word/document.xml": doc.encode(), "word/settings.xml": settings.encode()})
    report = scan_one(write(tmp_path, "memo.docx", data))
    assert found(report, "field_code") == [("SG211", "critical", ("A_NUMBER", "PERSON_NAME")),
                                           ("SG211", "critical", ("DATE_OF_BIRTH", "PERSON_NAME"))]
    # the field's result is what the page shows, and that is harmless
    assert not [f for f in report.findings if f.visibility.value == "visible"]


def test_a_slide_layout_no_slide_uses(tmp_path: Path, roster: list[Person]) -> None:
    name, anum, _ = one(roster)
    deck = Deck()
    deck.slide("Detention statistics, FY24")
    data = deck.to_bytes()
    part = "ppt/slideLayouts/slideLayout4.xml"  # the slide uses layout 7 (blank), no slide this one
    xml = zipfile.ZipFile(io.BytesIO(data)).read(part).decode()
    shape = ('<p:sp><p:nvSpPr><p:cNvPr id="99" name="Note"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr>'
             '<p:spPr/><p:txBody><a:bodyPr/><a:p><a:r><a:t>'
             f"Prepared from the roster of {name} ({anum})</a:t></a:r></a:p></p:txBody></p:sp>")
    xml = xml.replace("</p:spTree>", shape + "</p:spTree>", 1)
    report = scan_one(write(tmp_path, "deck.pptx", rezip(data, {part: xml.encode()})))
    assert found(report, "slide_template") == [("SG211", "critical", ("A_NUMBER", "PERSON_NAME"))]
    # placeholder prompts of the template ("Click to edit Master title style") make no finding
    assert len([f for f in report.findings if f.visibility.value == "slide_template"]) == 1


def test_unknown_xml_and_text_parts_go_to_the_catch_all(tmp_path: Path, roster: list[Person]) -> None:
    name, anum, birth = one(roster)
    book = Book()
    book.sheet("By facility", AGG)
    data = rezip(book.to_bytes(), {
        "xl/vendor/cases.xml": f'<cases><case name="{name}" anumber="{anum}" dob="{birth}"/></cases>'.encode(),
        "notes/readme.txt": b"Built by the statistics unit from the monthly extract.\n",
        "xl/vendor/blob.bin": bytes(range(256)) * 4,
    })
    report = scan_one(write(tmp_path, "stats.xlsx", data))
    other = sorted((f.rule, f.severity.label, f.location.part) for f in report.findings
                   if f.visibility.value == "other_part")
    assert other == [("SG125", "low", "notes/readme.txt"), ("SG211", "critical", "xl/vendor/cases.xml")]
    assert [(e.rule, e.part) for e in report.errors] == [("SG906", "xl/vendor/blob.bin")]
    assert report.coverage["xlsx"]["catch_all"] == 2
    assert report.coverage["xlsx"]["read"] >= 3 and report.coverage["xlsx"]["structural"] >= 3


def test_a_file_stowed_in_an_unknown_part_is_scanned(tmp_path: Path, roster: list[Person]) -> None:
    inner = Book()
    inner.sheet("Data", [["Name", "A-Number", "Date of Birth"]]
                + [[p.name, p.a_number_as(0), p.birth] for p in roster[:20]])
    memo = Memo()
    memo.para("Nothing personal here.")
    data = rezip(memo.to_bytes(), {"word/extra/roster.bin": inner.to_bytes()})
    report = scan_one(write(tmp_path, "memo.docx", data))
    rules = sorted({f.rule for f in report.findings})
    assert "SG114" in rules and "SG201" in rules and not report.errors


def _screenshot(lines: list[str]) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default(size=36)
    im = Image.new("RGB", (1400, 90 + 60 * len(lines)), "white")
    draw = ImageDraw.Draw(im)
    for i, line in enumerate(lines):
        draw.text((40, 40 + 60 * i), line, fill="black", font=font)
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def test_a_screenshot_of_a_roster_is_read_by_ocr(tmp_path: Path, roster: list[Person]) -> None:
    import shutil

    import pytest

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (Debian package tesseract-ocr)")
    lines = ["Name  A-Number  Date of birth"] + [
        f"{p.name}  {p.a_number_as(1)}  {p.birth:%m/%d/%Y}" for p in roster[:3]]
    memo = Memo()
    memo.para("Quarterly detention statistics.")
    memo.picture("", _screenshot(lines))
    report = scan_one(write(tmp_path, "memo.docx", memo.to_bytes()))
    ocr = [f for f in report.findings if "read by OCR" in f.title]
    assert [(f.rule, f.visibility.value) for f in ocr] == [("SG209", "visible")]
    assert {"A_NUMBER", "PERSON_NAME"} <= {e.value for e in ocr[0].entities}


def test_without_ocr_a_large_picture_is_said_to_be_unread(tmp_path: Path, monkeypatch) -> None:
    from spillguard.formats import pdf_ocr

    monkeypatch.setattr(pdf_ocr, "available", lambda: False)
    path = write(tmp_path, "shot.png", _screenshot(["Detention statistics"]))
    report = scan_one(path)
    assert [(f.rule, f.severity.label) for f in report.findings] == [("SG132", "info")]
    assert report.decision == "pass"


def test_png_text_chunks_and_jpeg_comments(tmp_path: Path, roster: list[Person]) -> None:
    from PIL import Image, PngImagePlugin

    name, anum, birth = one(roster)
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", f"{name}, {anum}, born {birth}")
    info.add_itxt("Author", "Photo desk")
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG", pnginfo=info)
    jpeg = io.BytesIO()
    Image.new("RGB", (8, 8)).save(jpeg, "JPEG", comment=f"{name} {anum}".encode())
    report = scan_one(write(tmp_path, "a.png", out.getvalue()))
    assert found(report, "metadata") == [("SG211", "critical", ("A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME"))]
    report = scan_one(write(tmp_path, "b.jpg", jpeg.getvalue()))
    assert found(report, "metadata") == [("SG211", "critical", ("A_NUMBER", "PERSON_NAME"))]


def test_word_and_powerpoint_hyperlinks(tmp_path: Path, roster: list[Person]) -> None:
    name, anum, _ = one(roster)
    url = f"https://case.example.gov/view?anumber={anum}&amp;name={name.replace(' ', '%20')}"
    memo = Memo()
    memo.para("See the case list.")
    data = memo.to_bytes()
    z = zipfile.ZipFile(io.BytesIO(data))
    doc = z.read("word/document.xml").decode().replace(
        "<w:sectPr", '<w:p><w:hyperlink r:id="rIdX1"><w:r><w:t>case list</w:t></w:r></w:hyperlink></w:p><w:sectPr', 1)
    rels = z.read("word/_rels/document.xml.rels").decode().replace(
        "</Relationships>", '<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/hyperlink" Target="{url}" TargetMode="External"/></Relationships>')
    data = rezip(data, {"word/document.xml": doc.encode(), "word/_rels/document.xml.rels": rels.encode()})
    report = scan_one(write(tmp_path, "memo.docx", data))
    assert found(report, "hyperlink") == [("SG211", "critical", ("A_NUMBER", "PERSON_NAME"))]
    deck = Deck()
    slide = deck.slide()
    box = deck.text(slide, "case list")
    box.text_frame.paragraphs[0].runs[0].hyperlink.address = url.replace("&amp;", "&")
    report = scan_one(write(tmp_path, "deck.pptx", deck.to_bytes()))
    assert found(report, "hyperlink") == [("SG211", "critical", ("A_NUMBER", "PERSON_NAME"))]


def test_smartart_text_is_read_where_the_slide_shows_it(tmp_path: Path, roster: list[Person]) -> None:
    name, anum, _ = one(roster)
    deck = Deck()
    deck.slide("Cases reviewed")
    data = '<dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" ' \
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst><dgm:pt modelId="1">' \
           f'<dgm:t><a:bodyPr/><a:p><a:r><a:t>{name} ({anum})</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst>' \
           '</dgm:dataModel>'
    report = scan_one(write(tmp_path, "deck.pptx", rezip(deck.to_bytes(), {
        "ppt/diagrams/data1.xml": data.encode(), "ppt/diagrams/colors1.xml": b"<x/>"})))
    assert found(report, "visible") == [("SG209", "high", ("A_NUMBER", "PERSON_NAME"))]
    assert "catch_all" not in report.coverage["pptx"]


def test_a_box_laid_over_worksheet_cells_covers_them(tmp_path: Path, roster: list[Person]) -> None:
    """A filled shape drawn over cells is what a reader sees; the cells under it are covered,
    not in plain view. A shape with no fill hides nothing; a cell it only grazes is not hidden."""
    def book_with(fill: dict) -> bytes:
        book = Book()
        ws = book.sheet("By facility", AGG)
        for i, p in enumerate(roster[:4]):
            ws.write(7 + i, 0, p.name)
            ws.write(7 + i, 1, p.a_number_as(0))
        # A8:B11 (rows 8-11) under a box 2 columns × 4 rows from A8, plus a sliver of C
        ws.insert_textbox("A8", "", {"width": 64 * 2 + 10, "height": 20 * 4, "fill": fill})
        return book.to_bytes()

    covered = scan_one(write(tmp_path, "covered.xlsx", book_with({"color": "black"})))
    assert found(covered, "covered") == [("SG201", "critical", ("A_NUMBER", "PERSON_NAME"))]
    [f] = [f for f in covered.findings if f.visibility.value == "covered"]
    assert f.location.range == "A8, B8, A9, B9, A10, B10 …" and f.records == 4
    assert not [f for f in covered.findings if f.visibility.value == "visible" and f.severity >= 3]

    clear = scan_one(write(tmp_path, "clear.xlsx", book_with({"none": True})))
    assert found(clear, "covered") == []
    assert [(f.rule, f.visibility.value) for f in clear.findings if f.severity >= 3] == [("SG209", "visible")]
