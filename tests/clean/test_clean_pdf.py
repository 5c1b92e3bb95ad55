"""spillguard clean on PDFs: true redaction. What a box only seemed to hide can no longer be
extracted (pypdfium2, pdfminer), the box stays, what a reader sees stays, and the copy re-scans
clean; annotations, attachments, forms, bookmarks, metadata and earlier revisions are gone."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from pdfminer.high_level import extract_text

from spillguard.clean import Options, clean_path
from spillguard.config import Config
from spillguard.formats.pdf_geometry import page_objects
from spillguard.scan import scan
from spillguard.synth.pdf import WHITE, Pdf, remove_text_incrementally
from spillguard.synth.people import Person
from spillguard.synth.xlsx import Book


def texts(path: Path) -> tuple[str, str]:
    doc = pdfium.PdfDocument(path.read_bytes())
    by_pdfium = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    doc.close()
    return by_pdfium, extract_text(str(path))


def dark_boxes(path: Path) -> int:
    doc = pdfium.PdfDocument(path.read_bytes())
    try:
        return sum(1 for c in page_objects(doc[0])[2] if c.dark)
    finally:
        doc.close()


def memo(place: str, secret: str) -> bytes:
    d = Pdf()
    page = d.page().text(72, 720, "Transfer memorandum, first quarter")
    if place == "box over text":
        page.text(72, 680, secret).box(70, 676, 6.0 * len(secret), 16)
    elif place == "redact annotation":
        page.text(72, 680, secret).annotation("Redact", (70, 676, 72 + 6.0 * len(secret), 692))
    elif place == "black highlight":
        page.text(72, 680, secret).annotation("Highlight", (70, 676, 72 + 6.0 * len(secret), 692), (0, 0, 0))
    elif place == "white text":
        page.text(72, 680, secret, color=WHITE)
    elif place == "revision":
        page.text(72, 680, secret)
        return remove_text_incrementally(d.to_bytes(), 0, secret[:12])
    page.text(72, 640, "The field office approved the transfer.")
    return d.to_bytes()


@pytest.mark.parametrize("place", ["box over text", "redact annotation", "black highlight", "white text", "revision"])
def test_what_was_hidden_cannot_be_extracted(tmp_path: Path, roster: list[Person], place: str) -> None:
    p = roster[0]
    secret = f"Detainee {p.name} A{p.a_number}"
    source = tmp_path / "memo.pdf"
    source.write_bytes(memo(place, secret))
    assert any(f.rule == "SG211" for f in scan([source]).findings)
    [result] = clean_path(source, tmp_path / "clean.pdf", Options(), Config())
    assert result.ok, result.rescan.findings if result.rescan else result.error
    out = tmp_path / "clean.pdf"
    for extracted in texts(out):
        assert p.a_number not in extracted and p.family not in extracted
        assert "Transfer memorandum, first quarter" in extracted  # what a reader saw is still there
    if place in ("box over text", "redact annotation", "black highlight"):
        assert dark_boxes(out) >= 1  # the box remains (annotations are burned in)
    assert out.read_bytes().count(b"%%EOF") == 1  # one revision, written anew


def test_partly_covered_line_keeps_its_visible_words(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[0]
    d = Pdf()
    d.page().text(72, 680, f"Detainee {p.name}").text(300, 680, f"A{p.a_number}").text(380, 680, "moved") \
        .box(298, 676, 70, 16)
    source = tmp_path / "memo.pdf"
    source.write_bytes(d.to_bytes())
    [result] = clean_path(source, tmp_path / "clean.pdf", Options(), Config())
    by_pdfium, by_pdfminer = texts(tmp_path / "clean.pdf")
    assert p.a_number not in by_pdfium and p.a_number not in by_pdfminer
    assert "moved" in by_pdfium and "moved" in by_pdfminer
    assert result.removed["characters under redaction boxes"] == 10


def test_structure_is_stripped(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("Extract", [["Name", "A-Number"], *[[q.name, q.a_number_as(0)] for q in roster[:10]]])
    d = Pdf()
    d.page().text(72, 700, "Detention statistics").annotation("Text", (20, 20, 40, 40), contents="see file")
    d.info = {"Author": roster[1].name, "Title": "Statistics"}
    d.attachments = {"extract.xlsx": book.to_bytes()}
    d.fields = {"requester": roster[2].name}
    d.bookmarks = ["Summary", roster[3].name]
    source = tmp_path / "stats.pdf"
    source.write_bytes(d.to_bytes())
    [result] = clean_path(source, tmp_path / "clean.pdf", Options(), Config())
    assert result.ok and result.rescan.findings == []
    assert {k: v for k, v in result.removed.items()} == {
        "annotations": 1, "attachments": 1, "form fields": 1, "bookmarks": 1, "document information fields": 2}
    with pikepdf.open(tmp_path / "clean.pdf") as pdf:
        assert not pdf.attachments and "/AcroForm" not in pdf.Root and "/Outlines" not in pdf.Root
        assert len(pdf.docinfo) == 0 and "/Annots" not in pdf.pages[0].obj
    assert "Detention statistics" in texts(tmp_path / "clean.pdf")[1]


def test_a_picture_under_a_box_goes(tmp_path: Path) -> None:
    from PIL import Image

    d = Pdf()
    d.page().text(72, 720, "Site photo")
    source = tmp_path / "photo.pdf"
    source.write_bytes(d.to_bytes())
    with pikepdf.open(source, allow_overwriting_input=True) as pdf:
        img = Image.new("RGB", (20, 20), (200, 30, 30))
        raw_img = pikepdf.Stream(pdf, img.tobytes(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                                 Width=20, Height=20, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8)
        page = pdf.pages[0]
        page.obj.Resources.XObject = pikepdf.Dictionary(Im1=raw_img)
        page.contents_add(pdf.make_stream(b"q 100 0 0 100 72 500 cm /Im1 Do Q 0 0 0 rg 70 498 104 104 re f"))
        pdf.save(source)
    [result] = clean_path(source, tmp_path / "clean.pdf", Options(), Config())
    assert result.removed["pictures under redaction boxes"] == 1
    with pikepdf.open(tmp_path / "clean.pdf") as pdf:
        assert not list(pdf.pages[0].get_images())
    assert dark_boxes(tmp_path / "clean.pdf") == 1
