"""spillguard clean on Word documents: for every hidden place the scanner finds, the cleaned
copy re-scans with no such finding, keeps the visible body text, and opens in python-docx."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from spillguard.clean import Options, clean_path
from spillguard.config import Config
from spillguard.scan import scan
from spillguard.synth.people import Person
from spillguard.synth.xlsx import Book
from tests.formats.test_docx import memo_with, mention

PLACES = ["deleted", "inserted", "hidden", "white", "tiny", "comment", "alt text", "custom XML"]


def body(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs if p.text.strip()]


@pytest.mark.parametrize("place", PLACES)
def test_each_hidden_place_is_gone(tmp_path: Path, roster: list[Person], place: str) -> None:
    source = tmp_path / "memo.docx"
    source.write_bytes(memo_with(place, mention(roster[0])).to_bytes())
    assert scan([source]).findings
    [result] = clean_path(source, tmp_path / "clean.docx", Options(), Config())
    # an accepted insertion puts the person in plain view: a linked identity that still blocks
    assert result.ok is (place != "inserted"), [f.title for f in result.rescan.findings] if result.rescan \
        else result.error
    assert result.removed
    # no hidden place is left: at most personal data in plain view (an accepted insertion)
    assert [f.rule for f in result.rescan.findings] == (["SG209"] if place == "inserted" else [])
    text = body(tmp_path / "clean.docx")
    assert text[0].startswith("Transfer memo for the quarter.")
    if place == "inserted":  # accepted: the inserted words are now plain body text, still named
        assert "Detainee" in text[0]
    else:
        assert roster[0].family not in " ".join(text)


def test_the_inserted_text_is_kept_as_body_text_and_scanned_as_such(tmp_path: Path, roster: list[Person]) -> None:
    source = tmp_path / "memo.docx"
    source.write_bytes(memo_with("inserted", mention(roster[0])).to_bytes())
    [result] = clean_path(source, tmp_path / "clean.docx", Options(mode="keep-visible"), Config())
    assert result.removed["insertions accepted"] == 1
    assert [f.rule for f in scan([tmp_path / "clean.docx"]).findings] == ["SG209"]  # visible now, still linked


def test_embedded_workbook_and_properties(tmp_path: Path, roster: list[Person]) -> None:
    inner = Book()
    inner.sheet("Roster", [["Name", "A-Number"], *[[p.name, p.a_number_as(0)] for p in roster[:20]]])
    m = memo_with("body", "See the attached figures.")
    m.embed("Microsoft_Excel_Worksheet.xlsx", inner.to_bytes())
    m.properties(author=roster[1].name, title="Transfers")
    source = tmp_path / "memo.docx"
    source.write_bytes(m.to_bytes())
    [result] = clean_path(source, tmp_path / "clean.docx", Options(), Config())
    assert result.ok and result.rescan.findings == []
    assert result.removed["embedded files"] == 1 and result.removed["document property values"] >= 2
    core = docx.Document(str(tmp_path / "clean.docx")).core_properties
    assert core.author == "" and core.title == ""


def test_a_photo_inside_loses_its_metadata(tmp_path: Path, roster: list[Person]) -> None:
    from spillguard.synth.docx import Memo
    from spillguard.synth.image import picture

    m = Memo()
    m.para("Site visit, intake area.")
    m.picture("", picture(gps=(32.5701, -116.9728), artist=roster[0].name))
    source = tmp_path / "visit.docx"
    source.write_bytes(m.to_bytes())
    assert {f.rule for f in scan([source]).findings} == {"SG501", "SG504"}
    [result] = clean_path(source, tmp_path / "clean.docx", Options(), Config())
    assert result.ok and result.rescan.findings == []
    assert result.removed["GPS positions"] == 1
    assert len(docx.Document(str(tmp_path / "clean.docx")).inline_shapes) == 1  # the picture stays
