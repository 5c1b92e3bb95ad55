"""PowerPoint decks: personal data in each place a viewer may not see is found with the right
visibility and entities, and the clean twin of each deck passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from spillguard.synth.people import Person
from spillguard.synth.pptx import Deck
from spillguard.synth.xlsx import Book
from tests.helpers import scan_one, summary, write

NAME_A = ("A_NUMBER", "PERSON_NAME")


def mention(p: Person) -> str:
    return f"Detainee {p.name} (A# {p.a_number}) was transferred."


CLEAN = "Book-ins fell by a tenth over the quarter."


def deck_with(place: str, text: str) -> Deck:
    d = Deck()
    slide = d.slide("Detention statistics, first quarter")
    if place == "notes":
        d.notes(slide, text)
    elif place == "hidden shape":
        d.hidden_shape(slide, text)
    elif place == "off-slide":
        d.off_slide(slide, text)
    elif place == "alt text":
        d.alt_text(slide, text)
    elif place == "hidden slide":
        d.slide(text, hidden=True)
    elif place == "comment":
        d.comment(1, text, "Records Unit")
    elif place == "slide":
        d.text(slide, text, top=3_000_000)
    return d


PLACES = [
    ("notes", "SG211", "speaker_notes", "ppt/notesSlides/notesSlide1.xml", 1, "SG119"),
    ("hidden shape", "SG211", "hidden_text", "ppt/slides/slide1.xml", 1, "SG118"),
    ("off-slide", "SG211", "hidden_text", "ppt/slides/slide1.xml", 1, "SG118"),
    ("alt text", "SG211", "hidden_text", "ppt/slides/slide1.xml", 1, "SG118"),
    ("hidden slide", "SG211", "hidden_slide", "ppt/slides/slide2.xml", 2, "SG121"),
    ("comment", "SG211", "comment", "ppt/comments/comment1.xml", 1, "SG113"),
    ("slide", "SG209", "visible", "ppt/slides/slide1.xml", 1, None),
]


@pytest.mark.parametrize(("place", "rule", "visibility", "part", "page", "low"), PLACES)
def test_personal_data_in_each_place(tmp_path: Path, roster: list[Person], place: str, rule: str,
                                     visibility: str, part: str, page: int, low: str | None) -> None:
    report = scan_one(write(tmp_path, "deck.pptx", deck_with(place, mention(roster[0])).to_bytes()))
    found = [f for f in report.findings if f.rule.startswith("SG2")]
    assert [(f.rule, f.visibility.value, tuple(sorted(e.value for e in f.entities)), f.location.part,
             f.location.page) for f in found] == [(rule, visibility, NAME_A, part, page)]
    assert report.errors == []


@pytest.mark.parametrize(("place", "rule", "visibility", "part", "page", "low"), PLACES)
def test_clean_twin_passes(tmp_path: Path, place: str, rule: str, visibility: str, part: str, page: int,
                           low: str | None) -> None:
    report = scan_one(write(tmp_path, "deck.pptx", deck_with(place, CLEAN).to_bytes()))
    assert report.decision == "pass" and report.errors == []
    assert [f.rule for f in report.findings if not f.rule.startswith("SG5")] == ([low] if low else [])


def test_an_empty_hidden_slide_is_no_finding(tmp_path: Path) -> None:
    d = Deck()
    d.slide("Detention statistics")
    d.slide(hidden=True)
    assert scan_one(write(tmp_path, "deck.pptx", d.to_bytes())).findings == []


def test_a_roster_table_on_a_hidden_slide_is_critical(tmp_path: Path, roster: list[Person]) -> None:
    d = Deck()
    d.slide("Detention statistics")
    hidden = d.slide(hidden=True)
    d.table(hidden, [["Name", "A-Number", "Date of Birth"],
                     *[[p.name, p.a_number_as(0), p.birth.isoformat()] for p in roster[:20]]])
    report = scan_one(write(tmp_path, "deck.pptx", d.to_bytes()))
    assert summary(report) == [("SG201", "hidden_slide", ("A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME"), 20)]


def test_comment_authors_and_embedded_workbook(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("Extract", [["Name", "A-Number", "Date of Birth"],
                           *[[p.name, p.a_number_as(0), p.birth] for p in roster[:12]]])
    d = Deck()
    d.slide("Detention statistics")
    d.comment(1, "Please check the totals.", "Wilmer Chávez Morales")
    d.embed("Microsoft_Excel_Worksheet.xlsx", book.to_bytes())
    report = scan_one(write(tmp_path, "deck.pptx", d.to_bytes()))
    assert summary(report) == [("SG113", "comment", (), None), ("SG114", "embedded_object", (), None),
                               ("SG201", "embedded_object", ("A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME"), 12),
                               ("SG501", "metadata", ("PERSON_NAME",), 1)]


def test_a_truncated_deck_fails_closed(tmp_path: Path) -> None:
    data = deck_with("slide", CLEAN).to_bytes()
    report = scan_one(write(tmp_path, "deck.pptx", data[: len(data) // 2]))
    assert [f.rule for f in report.findings] == ["SG901"] and report.decision == "block"


def test_damaged_shape_geometry_is_read_as_on_the_slide(tmp_path: Path, roster: list[Person]) -> None:
    """Found by `make fuzz` (was SG909): a shape whose size is not a number."""
    import io
    import re
    import zipfile

    from spillguard.synth import badfiles
    from spillguard.synth.pptx import Deck

    deck = Deck()
    deck.slide(f"Detainee {roster[0].name}, A{roster[0].a_number}, born {roster[0].birth}")
    package = deck.to_bytes()
    slide = zipfile.ZipFile(io.BytesIO(package)).read("ppt/slides/slide1.xml")
    damaged = re.sub(rb'<a:ext cx="(\d+)"', rb'<a:ext cx="j\1"', slide, count=1)
    assert damaged != slide
    path = write(tmp_path, "deck.pptx", badfiles.replace_part(package, "ppt/slides/slide1.xml", damaged))
    report = scan_one(path)
    assert report.errors == []
    assert [(f.rule, f.visibility.value) for f in report.findings if f.rule.startswith("SG2")] == [("SG209", "visible")]
