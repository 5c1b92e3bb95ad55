"""spillguard clean on PowerPoint decks: every hidden place the scanner finds is gone from the
copy, the visible slides keep their text, and the copy opens in python-pptx."""

from __future__ import annotations

from pathlib import Path

import pptx
import pytest

from spillguard.clean import Options, clean_path
from spillguard.config import Config
from spillguard.scan import scan
from spillguard.synth.people import Person
from spillguard.synth.pptx import Deck
from spillguard.synth.xlsx import Book
from tests.formats.test_pptx import deck_with, mention

PLACES = ["notes", "hidden shape", "off-slide", "alt text", "hidden slide", "comment"]


def slide_texts(path: Path) -> list[str]:
    deck = pptx.Presentation(str(path))
    return [" ".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in deck.slides]


@pytest.mark.parametrize("place", PLACES)
def test_each_hidden_place_is_gone(tmp_path: Path, roster: list[Person], place: str) -> None:
    source = tmp_path / "deck.pptx"
    source.write_bytes(deck_with(place, mention(roster[0])).to_bytes())
    assert any(f.rule.startswith("SG2") for f in scan([source]).findings)
    visible_before = slide_texts(source)
    [result] = clean_path(source, tmp_path / "clean.pptx", Options(), Config())
    assert result.ok and result.rescan.findings == [], [f.title for f in result.rescan.findings]
    assert result.removed
    after = slide_texts(tmp_path / "clean.pptx")
    # the first slide as the audience saw it (python-pptx also lists hidden and off-slide shapes)
    assert after[0] == visible_before[0].replace(mention(roster[0]), "").strip()
    assert all(roster[0].family not in t for t in after)


def test_embedded_workbook_and_properties(tmp_path: Path, roster: list[Person]) -> None:
    inner = Book()
    inner.sheet("Roster", [["Name", "A-Number"], *[[p.name, p.a_number_as(0)] for p in roster[:20]]])
    d = Deck()
    d.text(d.slide(), "Detention statistics")
    d.embed("Microsoft_Excel_Worksheet.xlsx", inner.to_bytes())
    d.properties(author=roster[1].name)
    source = tmp_path / "deck.pptx"
    source.write_bytes(d.to_bytes())
    [result] = clean_path(source, tmp_path / "clean.pptx", Options(), Config())
    assert result.ok and result.rescan.findings == []
    assert result.removed["embedded files"] == 1
    assert pptx.Presentation(str(tmp_path / "clean.pptx")).core_properties.author == ""
