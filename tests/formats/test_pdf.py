"""PDF: bad redactions (text under boxes painted after it, under redaction marks), white text,
earlier revisions, annotations, metadata, attachments; their clean twins pass."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from spillguard.config import Limits
from spillguard.synth.pdf import BLACK, WHITE, Pdf, remove_text_incrementally
from spillguard.synth.people import Person
from spillguard.synth.xlsx import Book
from tests.helpers import scan_one, summary, write

NAME_A = ("A_NUMBER", "PERSON_NAME")


def mention(p: Person) -> str:
    return f"Detainee {p.name} (A# {p.a_number}) was transferred."


CLEAN = "The transfer was approved by the field office."


def memo(place: str, text: str) -> bytes:
    d = Pdf()
    page = d.page().text(72, 720, "Transfer memorandum, first quarter")
    if place == "box over text":
        page.text(72, 680, text).box(70, 676, 420, 16)
    elif place == "image-like dark box":
        page.text(72, 680, text).box(70, 676, 420, 16, color=(0.1, 0.1, 0.1))
    elif place == "redact annotation":
        page.text(72, 680, text).annotation("Redact", (70, 676, 490, 692))
    elif place == "black highlight":
        page.text(72, 680, text).annotation("Highlight", (70, 676, 490, 692), BLACK)
    elif place == "filled square annotation":
        page.text(72, 680, text).annotation("Square", (70, 676, 490, 692), BLACK)
    elif place == "white text":
        page.text(72, 680, text, color=WHITE)
    elif place == "black text on a black box":  # the box painted first: the text on it cannot be seen
        page.box(70, 676, 420, 16).text(72, 680, text)
    elif place == "invisible text":
        page.invisible_text(72, 680, text)
    elif place == "white square annotation":
        page.text(72, 680, text).annotation("Square", (70, 676, 490, 692), WHITE)
    elif place == "OCR layer under a blacked-out scan":
        page.image(70, 676, 420, 16, (84, 4), bytes(84 * 4)).invisible_text(72, 680, text)
    elif place == "annotation note":
        page.annotation("Text", (20, 20, 40, 40), contents=text)
    elif place == "visible":
        page.text(72, 680, text)
    elif place == "revision":
        page.text(72, 680, text)
        return remove_text_incrementally(d.to_bytes(), 0, text[:12])
    return d.to_bytes()


PLACES = [
    ("box over text", "SG211", "under_redaction", "SG122"),
    ("image-like dark box", "SG211", "under_redaction", "SG122"),
    ("redact annotation", "SG211", "under_redaction", "SG122"),
    ("black highlight", "SG211", "under_redaction", "SG122"),
    ("filled square annotation", "SG211", "under_redaction", "SG122"),
    ("white text", "SG211", "camouflaged", "SG107"),
    ("black text on a black box", "SG211", "camouflaged", "SG107"),
    ("invisible text", "SG211", "camouflaged", "SG107"),
    ("white square annotation", "SG211", "under_redaction", "SG122"),
    ("OCR layer under a blacked-out scan", "SG211", "under_redaction", "SG122"),
    ("revision", "SG211", "earlier_revision", "SG120"),
    ("annotation note", "SG211", "comment", "SG113"),
    ("visible", "SG209", "visible", None),
]


@pytest.mark.parametrize(("place", "rule", "visibility", "low"), PLACES)
def test_personal_data_in_each_place(tmp_path: Path, roster: list[Person], place: str, rule: str,
                                     visibility: str, low: str | None) -> None:
    report = scan_one(write(tmp_path, "memo.pdf", memo(place, mention(roster[0]))))
    assert [(f.rule, f.visibility.value, tuple(sorted(e.value for e in f.entities)))
            for f in report.findings] == [(rule, visibility, NAME_A)]
    assert report.errors == []


@pytest.mark.parametrize(("place", "rule", "visibility", "low"), PLACES)
def test_clean_twin(tmp_path: Path, place: str, rule: str, visibility: str, low: str | None) -> None:
    report = scan_one(write(tmp_path, "memo.pdf", memo(place, CLEAN)))
    assert [f.rule for f in report.findings] == ([low] if low else [])
    # a box over text is a failed redaction even when nothing personal is recognised under it
    assert report.decision == ("block" if low == "SG122" else "pass")


def picture_of(text: str) -> tuple[tuple[int, int], bytes]:
    """A grey scan of ``text``: black letters on white, as a scanner gives them."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (840, 32), 255)
    ImageDraw.Draw(image).text((4, 4), text, fill=0, font=ImageFont.load_default(size=20))
    return image.size, image.tobytes()


@pytest.mark.parametrize("layout", ["white on black", "box before text", "underline", "box elsewhere",
                                    "white box clipped away", "OCR layer over its scan", "logo over a letterhead"])
def test_not_redactions(tmp_path: Path, roster: list[Person], layout: str) -> None:
    """Visible text over a box, underlined text, boxes beside text, a box whose clip path leaves
    the text out, an OCR layer over the scan that shows its words, and a picture through which
    the words still show are what they look like: nothing is hidden."""
    text = mention(roster[0])
    page = Pdf()
    p = page.page()
    if layout == "white box clipped away":  # bounds say "over the text"; the clip path paints elsewhere
        p.text(72, 680, text).op("q 70 600 420 16 re W n 1 1 1 rg 70 600 420 100 re f Q")
    elif layout == "OCR layer over its scan":
        p.image(70, 672, 420, 16, *picture_of(text)).invisible_text(72, 676, text)
    elif layout == "logo over a letterhead":  # a picture painted after the text, the words showing through
        size, pixels = picture_of(text)
        p.text(72, 676, text).image(70, 672, 420, 16, size, pixels)
    elif layout == "white on black":
        p.box(70, 676, 420, 16).text(72, 680, text, color=WHITE)
    elif layout == "box before text":
        p.box(70, 676, 420, 16, color=(0.9, 0.9, 0.9)).text(72, 680, text)
    elif layout == "underline":
        p.text(72, 680, text).underline(72, 680, 300)
    else:
        p.text(72, 680, text).box(70, 600, 420, 16)
    report = scan_one(write(tmp_path, "memo.pdf", page.to_bytes()))
    assert [(f.rule, f.visibility.value) for f in report.findings] == [("SG209", "visible")]


def test_an_ocr_layer_over_blank_paper(tmp_path: Path, roster: list[Person]) -> None:
    """Stray OCR characters where the scan shows white paper (OCR noise, a misplaced box) are no
    redaction and no hidden text; a line of the layer that the blank scan does not show is
    camouflaged (nothing on the page shows it), never 'under a redaction'."""
    blank = (84, 4), bytes([255]) * (84 * 4)
    noise = Pdf()
    noise.page().text(72, 720, CLEAN).image(70, 672, 420, 16, *blank).invisible_text(72, 676, "I 1.")
    report = scan_one(write(tmp_path, "noise.pdf", noise.to_bytes()))
    assert (report.findings, report.decision) == ([], "pass")
    hidden = Pdf()
    hidden.page().text(72, 720, CLEAN).image(70, 672, 420, 16, *blank).invisible_text(72, 676, mention(roster[0]))
    report = scan_one(write(tmp_path, "hidden.pdf", hidden.to_bytes()))
    assert [(f.rule, f.visibility.value, tuple(sorted(e.value for e in f.entities))) for f in report.findings] \
        == [("SG211", "camouflaged", NAME_A)]
    assert "invisible text over a blank part of its scan" in report.findings[0].title


def test_partial_redaction_hides_only_what_is_under_the_box(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[0]
    d = Pdf()
    # the A-number is covered; the rest of the line is in plain view
    d.page().text(72, 680, f"Detainee {p.name}").text(300, 680, f"A{p.a_number}").text(380, 680, "moved") \
        .box(298, 676, 70, 16)
    report = scan_one(write(tmp_path, "memo.pdf", d.to_bytes()))
    rules = {f.visibility.value: [e.value for e in f.entities] for f in report.findings}
    assert rules["under_redaction"] == ["A_NUMBER"]
    assert rules["visible"] == ["PERSON_NAME"]


def test_metadata_attachment_and_scanned_page(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("Extract", [["Name", "A-Number", "Date of Birth"],
                           *[[p.name, p.a_number_as(0), p.birth] for p in roster[:15]]])
    d = Pdf()
    d.page().text(72, 700, "Detention statistics")
    d.page()  # a page with no text layer
    d.info = {"Author": "Wilmer Chávez Morales", "Title": "Detention statistics"}
    d.attachments = {"extract.xlsx": book.to_bytes()}
    report = scan_one(write(tmp_path, "stats.pdf", d.to_bytes()))
    assert summary(report) == [("SG114", "embedded_object", (), None),
                               ("SG123", "visible", (), None),
                               ("SG201", "embedded_object", ("A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME"), 15),
                               ("SG501", "metadata", ("PERSON_NAME",), 1)]


@pytest.mark.parametrize("place", ["form fields", "bookmarks"])
def test_form_fields_and_bookmarks(tmp_path: Path, roster: list[Person], place: str) -> None:
    d = Pdf()
    d.page().text(72, 700, "Request for records")
    if place == "form fields":
        d.fields = {"requester": mention(roster[0]), "office": "Field office"}
    else:
        d.bookmarks = ["Summary", mention(roster[0])]
    report = scan_one(write(tmp_path, "form.pdf", d.to_bytes()))
    assert [(f.rule, f.visibility.value, tuple(sorted(e.value for e in f.entities)), f.location.part)
            for f in report.findings] == [("SG209", "visible", NAME_A, place)]
    d.fields = {"office": "Field office"} if place == "form fields" else {}
    d.bookmarks = ["Summary"] if place == "bookmarks" else []
    assert scan_one(write(tmp_path, "clean.pdf", d.to_bytes())).findings == []


def test_broken_and_encrypted_pdfs_fail_closed(tmp_path: Path) -> None:
    good = memo("visible", CLEAN)
    locked = io.BytesIO()
    with pikepdf.open(io.BytesIO(good)) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="secret"))
    open_with_empty = io.BytesIO()
    with pikepdf.open(io.BytesIO(good)) as pdf:
        pdf.save(open_with_empty, encryption=pikepdf.Encryption(owner="o", user=""))
    cases = {"truncated.pdf": good[:200], "locked.pdf": locked.getvalue(), "empty-pass.pdf": open_with_empty.getvalue()}
    rules = {name: [f.rule for f in scan_one(write(tmp_path, name, data)).findings] for name, data in cases.items()}
    assert rules == {"truncated.pdf": ["SG901"], "locked.pdf": ["SG902"], "empty-pass.pdf": []}


def test_a_rule_grazing_the_baseline_is_no_redaction(tmp_path: Path, roster: list[Person]) -> None:
    """Regression (redaction bench): full stops and commas under a heading rule were 'covered'."""
    d = Pdf()
    d.page().text(72, 680, mention(roster[0])).box(70, 674, 420, 7)
    report = scan_one(write(tmp_path, "memo.pdf", d.to_bytes()))
    assert [(f.rule, f.visibility.value) for f in report.findings] == [("SG209", "visible")]


def scanned_pdf(text: str) -> bytes:
    """A 'scan': a text page rendered by PDFium to a 200 dpi picture, saved as an image-only PDF."""
    import pypdfium2 as pdfium

    d = Pdf()
    d.page().text(72, 700, "Transfer memorandum", size=14).text(72, 660, text, size=14)
    doc = pdfium.PdfDocument(d.to_bytes())
    image = doc[0].render(scale=200 / 72).to_pil().convert("L")
    doc.close()
    out = io.BytesIO()
    image.save(out, "PDF", resolution=200)
    return out.getvalue()


def test_a_scanned_page_is_read_by_ocr_when_tesseract_is_installed(tmp_path: Path, roster: list[Person]) -> None:
    import shutil

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (Debian package tesseract-ocr; `make test` installs it)")
    p = roster[17]  # a name tesseract reads without accents to lose
    data = scanned_pdf(f"Detainee {p.name}, A# {p.a_number}, was transferred.")
    report = scan_one(write(tmp_path, "scan.pdf", data))
    assert [(f.rule, f.visibility.value, tuple(sorted(e.value for e in f.entities)), f.location.page)
            for f in report.findings] == [("SG209", "visible", NAME_A, 1)]
    assert "read by OCR" in report.findings[0].title or "OCR" in report.findings[0].why
    off = scan_one(write(tmp_path, "scan2.pdf", data), limits=Limits(ocr_pages=0))
    assert [f.rule for f in off.findings] == ["SG123"]


def test_a_country_under_a_box_is_read_beside_its_visible_label(tmp_path: Path, roster: list[Person]) -> None:
    """Issue 18: the label ("Country of citizenship:") is in plain view, the value under a box.
    The covered run alone has no context; read beside the page's words it is a nationality,
    and the label itself, which everybody sees, is not reported as covered."""
    d = Pdf()
    d.page().text(72, 720, "Case summary").text(72, 680, "Country of citizenship:").text(230, 680, "Guatemala") \
        .box(228, 676, 80, 16)
    report = scan_one(write(tmp_path, "summary.pdf", d.to_bytes()))
    assert [(f.rule, f.visibility.value, tuple(e.value for e in f.entities)) for f in report.findings] \
        == [("SG122", "under_redaction", ("NATIONALITY",))]
    assert report.findings[0].title.endswith("9 characters naming nationalities")
    plain = Pdf()
    plain.page().text(72, 720, "Case summary").text(72, 680, "Country of citizenship:").text(230, 680, "Guatemala")
    assert scan_one(write(tmp_path, "plain.pdf", plain.to_bytes())).findings == []


def _append_orphan(data: bytes, body: bytes) -> bytes:
    """An incremental update that adds one stream object nothing references."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        size, root = int(pdf.trailer.Size), pdf.Root.objgen
    prev = int(data[data.rindex(b"startxref") + 9:].split()[0])
    offset = len(data)
    obj = b"%d 0 obj\n<< /Length %d >>\nstream\n" % (size, len(body)) + body + b"\nendstream\nendobj\n"
    xref = offset + len(obj)
    tail = (b"xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %d %d R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
            % (size, offset, size + 1, root[0], root[1], prev, xref))
    return data + obj + tail


def test_pdf_objects_no_reader_reaches_go_to_the_catch_all(tmp_path: Path, roster: list[Person]) -> None:
    """Issue 18, item 1: an object referenced by nothing, and one reached only through a catalog
    key no reader knows, are read; the page's own drawing instructions are not read twice."""
    rows = "\n".join(f"{p.name};{p.a_number_as(0)};{p.birth:%m/%d/%Y}" for p in roster[:12])
    orphan = _append_orphan(memo("visible", CLEAN), rows.encode())
    report = scan_one(write(tmp_path, "orphan.pdf", orphan))
    assert [(f.rule, f.visibility.value, f.location.part, tuple(sorted(e.value for e in f.entities)))
            for f in report.findings] == [("SG211", "other_part", "object 5 0 (referenced by nothing)",
                                           ("A_NUMBER", "PERSON_NAME")),
                                          # the appended object is an incremental update: the
                                          # revision before it is reported too (issue 30)
                                          ("SG120", "earlier_revision", "earlier revisions", ())]
    assert report.coverage["pdf"]["catch_all"] == 1

    with pikepdf.open(io.BytesIO(memo("visible", CLEAN))) as pdf:
        pdf.Root.ZZExport = pikepdf.Dictionary(Rows=pikepdf.Array(
            [pikepdf.String(f"{p.name} {p.a_number_as(0)}") for p in roster[:2]]))
        out = io.BytesIO()
        pdf.save(out)
    report = scan_one(write(tmp_path, "private.pdf", out.getvalue()))
    assert [(f.rule, f.visibility.value, f.location.part) for f in report.findings] == [
        ("SG211", "other_part", "catalog /ZZExport")]

    drawn = _append_orphan(memo("visible", CLEAN), b"BT\n/F1 11 Tf\n72 680 Td\n(Old words) Tj\nET")
    report = scan_one(write(tmp_path, "drawn.pdf", drawn))
    # the appended object is an incremental update: the revision before it is listed (issue 30)
    assert ([(f.rule, f.severity.label) for f in report.findings], report.decision) == ([("SG120", "low")], "pass")
    assert "catch_all" not in report.coverage["pdf"] and report.coverage["pdf"]["structural"] >= 1
