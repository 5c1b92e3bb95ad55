"""Legacy Word (.doc) and PowerPoint (.ppt), read through LibreOffice's conversion to docx /
pptx: each hidden place of a document built in code survives the round trip (OOXML → legacy by
LibreOffice → scanned) and is reported with its visibility; the real third-party legacy files
of ../shared/realworld report what their expectations list. Without LibreOffice the file fails
closed (SG905) and says what to install; a file LibreOffice cannot load is SG901."""

from __future__ import annotations

from pathlib import Path

import pytest

from spillguard.formats import convert
from spillguard.synth.docx import Memo
from spillguard.synth.people import Person
from spillguard.synth.pptx import Deck
from spillguard.synth.xls import word_ole
from tests.helpers import libreoffice_save_as, scan_one, write

REAL = Path(__file__).resolve().parents[3] / "shared" / "realworld" / "files"
TIKA = "tika/tika-parsers/tika-parsers-standard/tika-parsers-standard-modules/tika-parser-microsoft-module/" \
       "src/test/resources/test-documents"


def places(report) -> dict[str, set[str]]:
    """visibility → entities found there (empty set: the place holds text without them)."""
    out: dict[str, set[str]] = {}
    for f in report.findings:
        out.setdefault(f.visibility.value, set()).update(e.value for e in f.entities)
    return out


def test_a_word_97_document_keeps_every_hidden_place(tmp_path: Path, roster: list[Person]) -> None:
    a, b, c, d = roster[:4]
    memo = Memo()
    memo.para("Quarterly detention statistics: 1,204 book-ins.")
    p = memo.para("Transfers were approved.")
    memo.deleted(p, f" Detainee {a.name}, A# {a.a_number}, was moved.")
    memo.hidden(memo.para("Reviewed."), f" {b.name} A# {b.a_number}")
    memo.comment(memo.para("See the annex."), f"Check {c.name} A# {c.a_number}", author="Records Unit")
    memo.properties(author=d.name)
    docx = write(tmp_path, "memo.docx", memo.to_bytes())
    legacy = libreoffice_save_as(docx, "doc", tmp_path / "legacy")
    report = scan_one(legacy)
    assert report.errors == []
    found = places(report)
    assert found["tracked_change"] == {"A_NUMBER", "PERSON_NAME"}
    assert found["hidden_text"] == {"A_NUMBER", "PERSON_NAME"}
    assert found["comment"] == {"A_NUMBER", "PERSON_NAME"}
    assert "PERSON_NAME" in found["metadata"]
    assert "visible" not in found  # the visible statistics hold nobody
    assert all(f.location.part.startswith("converted docx") for f in report.findings)
    assert report.decision == "block"


def test_a_powerpoint_97_deck_keeps_notes_hidden_slides_and_comments(tmp_path: Path, roster: list[Person]) -> None:
    a, b, c = roster[:3]
    deck = Deck()
    s1 = deck.slide("Detention statistics FY24")
    deck.notes(s1, f"Ask about {a.name}, A# {a.a_number}")
    deck.slide(f"Extract: {b.name} A# {b.a_number}", hidden=True)
    deck.comment(1, f"{c.name} A# {c.a_number} is missing", "Records Unit")
    pptx = write(tmp_path, "deck.pptx", deck.to_bytes())
    legacy = libreoffice_save_as(pptx, "ppt", tmp_path / "legacy")
    found = places(scan_one(legacy))
    assert found["speaker_notes"] == {"A_NUMBER", "PERSON_NAME"}
    assert found["hidden_slide"] == {"A_NUMBER", "PERSON_NAME"}
    assert found["comment"] >= {"A_NUMBER", "PERSON_NAME"}
    assert "visible" not in found


def test_a_clean_legacy_document_passes(tmp_path: Path) -> None:
    memo = Memo()
    memo.para("Quarterly detention statistics: 1,204 book-ins, 1,180 book-outs.")
    legacy = libreoffice_save_as(write(tmp_path, "memo.docx", memo.to_bytes()), "doc", tmp_path / "legacy")
    report = scan_one(legacy)
    assert (report.decision, report.errors) == ("pass", [])


def test_without_libreoffice_a_legacy_document_fails_closed_and_says_what_to_install(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert, "soffice", lambda: None)
    report = scan_one(write(tmp_path, "memo.doc", word_ole()))
    [error] = report.errors
    assert error.rule == "SG905" and "libreoffice-writer-nogui" in error.reason
    assert report.decision == "block"


def test_a_document_libreoffice_cannot_load_is_corrupt(tmp_path: Path) -> None:
    if not convert.available("docx"):
        pytest.skip("LibreOffice Writer is not installed (Debian package libreoffice-writer-nogui)")
    report = scan_one(write(tmp_path, "memo.doc", word_ole()))  # a WordDocument stream of nonsense
    assert [e.rule for e in report.errors] == ["SG901"] and report.decision == "block"


@pytest.mark.parametrize(("rel", "expected"), [
    (f"{TIKA}/testWORD_features.doc", {"tracked_change", "hidden_text", "comment", "metadata"}),
    (f"{TIKA}/testPPT_comment.ppt", {"comment", "metadata"}),
    ("poi/test-data/slideshow/42474-1.ppt", {"speaker_notes", "metadata"}),
    ("poi/test-data/slideshow/ole2-embedding-2003.ppt", {"embedded_object", "metadata"}),
])
def test_real_legacy_files(rel: str, expected: set[str]) -> None:
    path = REAL / rel
    if not path.exists():
        pytest.skip(f"../shared/realworld is not here ({rel}); the fixtures built in code still ran")
    if not convert.available("docx" if rel.endswith(".doc") else "pptx"):
        pytest.skip("LibreOffice Writer/Impress is not installed (libreoffice-writer-nogui, libreoffice-impress-nogui)")
    report = scan_one(path)
    assert report.errors == []
    assert set(places(report)) == expected


def test_clean_writes_the_docx_equivalent_without_the_hidden_places(tmp_path: Path, roster: list[Person]) -> None:
    from spillguard.clean import Options, clean_path
    from spillguard.config import Config

    a, b = roster[:2]
    memo = Memo()
    memo.para("Quarterly detention statistics: 1,204 book-ins.")
    memo.deleted(memo.para("Transfers were approved."), f" Detainee {a.name}, A# {a.a_number}, was moved.")
    memo.comment(memo.para("See the annex."), f"Check {b.name} A# {b.a_number}", author="Records Unit")
    legacy = libreoffice_save_as(write(tmp_path, "memo.docx", memo.to_bytes()), "doc", tmp_path / "legacy")
    [result] = clean_path(legacy, tmp_path / "clean" / "memo.doc", Options(), Config())
    assert result.error is None and result.outputs == [(tmp_path / "clean" / "memo.docx").as_posix()]
    assert result.source == legacy.as_posix()
    assert result.rescan is not None and result.rescan.findings == [] and result.ok
    from docx import Document

    text = "\n".join(p.text for p in Document(result.outputs[0]).paragraphs)
    assert "1,204 book-ins" in text and a.name not in text and b.name not in text
