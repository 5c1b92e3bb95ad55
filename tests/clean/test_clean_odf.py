"""spillguard clean on OpenDocument text and presentations: each hidden place is gone, the
visible text stays, the package stays valid (mimetype first, manifest consistent, odfpy opens it)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from odf.opendocument import load

from spillguard.clean import Options, clean_path
from spillguard.config import Config
from spillguard.scan import scan
from spillguard.synth.people import Person
from tests.formats.test_odf import deck_with, letter_with, mention

LETTER = ["deleted", "inserted", "hidden", "hidden paragraph", "hidden section", "white", "tiny", "comment"]
DECK = ["notes", "hidden slide", "off-slide", "comment"]


def _check_package(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        manifest = z.read("META-INF/manifest.xml").decode()
        for name in z.namelist():
            if name not in ("mimetype", "META-INF/manifest.xml"):
                assert f'full-path="{name}"' in manifest
    doc = load(str(path))  # odfpy parses it
    return "".join(str(t) for t in doc.body.childNodes)


@pytest.mark.parametrize("place", LETTER)
def test_text_document_places(tmp_path: Path, roster: list[Person], place: str) -> None:
    source = tmp_path / "memo.odt"
    source.write_bytes(letter_with(place, mention(roster[0])).to_bytes())
    assert scan([source]).findings
    [result] = clean_path(source, tmp_path / "clean.odt", Options(), Config())
    assert result.ok is (place != "inserted") and result.removed  # an accepted insertion is body text now
    expected = ["SG209"] if place == "inserted" else []  # … and a person with an A-number blocks there too
    assert [f.rule for f in result.rescan.findings] == expected
    text = _check_package(tmp_path / "clean.odt")
    assert "Transfer memo for the quarter." in text


@pytest.mark.parametrize("place", DECK)
def test_presentation_places(tmp_path: Path, roster: list[Person], place: str) -> None:
    source = tmp_path / "deck.odp"
    source.write_bytes(deck_with(place, mention(roster[0])).to_bytes())
    [result] = clean_path(source, tmp_path / "clean.odp", Options(), Config())
    assert result.ok and result.rescan.findings == [] and result.removed
    text = _check_package(tmp_path / "clean.odp")
    assert "Detention statistics, fiscal year 2026" in text and roster[0].family not in text


def test_metadata_goes(tmp_path: Path) -> None:
    from spillguard.synth.odf import Letter

    doc = Letter(creator="Wilmer Chávez Morales", title="Transfer memo")
    doc.para("Quarterly statistics.")
    source = tmp_path / "memo.odt"
    source.write_bytes(doc.to_bytes())
    [result] = clean_path(source, tmp_path / "clean.odt", Options(), Config())
    assert result.ok and result.rescan.findings == [] and result.removed["metadata fields"] >= 2
