"""RTF: every place a reader of RTF 1.9 meets, with its visibility — built by hand control word
by control word (exact places), and written by LibreOffice from a generated Word document (a
real writer's RTF: its tracked changes, comments and hidden text). Deep nesting is SG903; clean
writes the docx equivalent without the hidden places."""

from __future__ import annotations

import random
from pathlib import Path

from spillguard.synth.docx import Memo
from spillguard.synth.people import Person
from spillguard.synth.xlsx import Book
from tests.helpers import libreoffice_save_as, scan_one, write


def rtf_text(s: str) -> str:
    """Text as RTF writes it: ASCII as is, anything else as \\uN? (with a '?' fallback)."""
    return "".join(ch if ord(ch) < 128 else f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?" for ch in s)


def mention(p: Person) -> str:
    return rtf_text(f"Detainee {p.name}, A# {p.a_number_as(0)}")


def document(roster: list[Person], *, extra: str = "") -> bytes:
    a, b, c, d, e, f, g = roster[:7]
    body = (
        r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times;}}{\colortbl;\red0\green0\blue0;\red255\green255\blue255;}"
        "\n" + r"{\info{\title Transfer memo}{\author " + rtf_text(a.name) + r"}{\company DHS}}"
        "\n" + r"{\header \pard " + mention(b) + r"\par}"
        "\n" + r"\pard Quarterly detention statistics: 1,204 book-ins.\par"
        "\n" + r"Transfers {\v " + mention(c) + r"} were approved.\par"
        "\n" + r"{\deleted " + mention(d) + r"}\par"
        "\n" + r"{\cf2 " + mention(e) + r"}\par"
        "\n" + r"{\*\atnid RU}{\*\atnauthor Records Unit}\chatn{\*\annotation{\*\atnref 1}\pard Check " + mention(f)
        + "}\n" + r"{\*\mystery " + mention(g) + "}" + extra + "\n}"
    )
    return body.encode("ascii")


def places(report) -> list[tuple[str, str, str | None, tuple[str, ...]]]:
    return [(f.rule, f.visibility.value, f.location.part, tuple(sorted(e.value for e in f.entities)))
            for f in report.findings]


NAME_A = ("A_NUMBER", "PERSON_NAME")


def test_every_place_of_a_hand_written_rtf(tmp_path: Path, roster: list[Person]) -> None:
    report = scan_one(write(tmp_path, "memo.rtf", document(roster)))
    assert report.errors == []
    assert places(report) == [
        ("SG209", "visible", "header", NAME_A),
        ("SG211", "tracked_change", None, NAME_A),
        ("SG211", "hidden_text", None, NAME_A),
        ("SG211", "camouflaged", None, NAME_A),
        ("SG211", "comment", "annotation", NAME_A),
        ("SG211", "metadata", "mystery", NAME_A),  # a destination no reader knows is read all the same
        ("SG501", "metadata", "info", ("PERSON_NAME",)),
    ]
    comment = next(f for f in report.findings if f.visibility.value == "comment")
    assert "annotations by Records Unit" in comment.title
    assert report.decision == "block"


def test_a_clean_rtf_passes(tmp_path: Path) -> None:
    data = rb"{\rtf1\ansi{\fonttbl{\f0 Times;}}\pard Quarterly detention statistics: 1,204 book-ins.\par}"
    report = scan_one(write(tmp_path, "memo.rtf", data))
    assert (report.findings, report.errors, report.decision) == ([], [], "pass")


def test_an_embedded_workbook_is_scanned(tmp_path: Path, roster: list[Person]) -> None:
    book = Book()
    book.sheet("Roster", [["Name", "A-Number"], *[[p.name, p.a_number_as(0)] for p in roster[:20]]])
    xlsx, klass = book.to_bytes(), b"Excel.Sheet.12\x00"
    ole1 = (b"\x01\x05\x00\x00" + b"\x02\x00\x00\x00" + len(klass).to_bytes(4, "little") + klass
            + b"\x00" * 8 + len(xlsx).to_bytes(4, "little") + xlsx)
    obj = r"{\object\objemb{\*\objclass Excel.Sheet.12}{\*\objdata " + ole1.hex() + "}}"
    data = rb"{\rtf1\ansi\pard Statistics attached.\par" + obj.encode() + b"}"
    report = scan_one(write(tmp_path, "memo.rtf", data))
    assert report.errors == []
    assert [(f.rule, f.visibility.value, f.records) for f in report.findings if f.rule != "SG302"] == [
        ("SG114", "embedded_object", None), ("SG201", "embedded_object", 20)]


def test_an_object_of_an_unknown_class_is_read_and_fails_closed_only_when_compressed(tmp_path: Path,
                                                                                     roster: list[Person]) -> None:
    """Issue 30: an object of a class no reader knows is read by the catch-all (its text judged);
    it fails closed only when its bytes are still compressed or encrypted."""
    klass = b"Equation.3\x00"
    head = b"\x01\x05\x00\x00\x02\x00\x00\x00" + len(klass).to_bytes(4, "little") + klass

    def rtf(body: bytes) -> bytes:
        return rb"{\rtf1\ansi\pard x\par{\object{\*\objdata " + (head + body).hex().encode() + b"}}}"

    p = roster[0]
    record = f"{p.name} A{p.a_number}".encode("utf-16-le")
    report = scan_one(write(tmp_path, "memo.rtf", rtf(b"\x00" * 32 + record + b"\x00" * 32)))
    assert report.errors == []
    assert [(f.rule, f.visibility.value) for f in report.findings] == [
        ("SG114", "embedded_object"), ("SG211", "embedded_object")]
    report = scan_one(write(tmp_path, "packed.rtf", rtf(random.Random(30).randbytes(4096))))
    [error] = report.errors
    assert error.rule == "SG906" and "Equation.3" in error.reason and "compressed or encrypted" in error.reason
    assert report.decision == "block"


def test_groups_nested_past_the_limit_are_sg903(tmp_path: Path) -> None:
    report = scan_one(write(tmp_path, "bomb.rtf", b"{\\rtf1" + b"{" * 5000 + b"x" + b"}" * 5000 + b"}"))
    assert [e.rule for e in report.errors] == ["SG903"] and report.decision == "block"


def test_libreoffice_rtf_keeps_tracked_changes_comments_and_hidden_text(tmp_path: Path, roster: list[Person]) -> None:
    a, b, c = roster[:3]
    memo = Memo()
    memo.para("Quarterly detention statistics: 1,204 book-ins.")
    memo.deleted(memo.para("Transfers were approved."), f" Detainee {a.name}, A# {a.a_number}, was moved.")
    memo.hidden(memo.para("Reviewed."), f" {b.name} A# {b.a_number}")
    memo.comment(memo.para("See the annex."), f"Check {c.name} A# {c.a_number}", author="Records Unit")
    rtf = libreoffice_save_as(write(tmp_path, "memo.docx", memo.to_bytes()), "rtf", tmp_path / "lo")
    report = scan_one(rtf)
    assert report.errors == []
    found = {f.visibility.value: tuple(sorted(e.value for e in f.entities)) for f in report.findings}
    assert found["tracked_change"] == NAME_A
    assert found["hidden_text"] == NAME_A
    assert found["comment"] == NAME_A
    assert "visible" not in found


def test_clean_writes_a_docx_without_the_hidden_places(tmp_path: Path, roster: list[Person]) -> None:
    from spillguard.clean import Options, clean_path
    from spillguard.config import Config
    from spillguard.formats import convert

    if not convert.available("docx"):
        import pytest

        pytest.skip("LibreOffice Writer is not installed (Debian package libreoffice-writer-nogui)")
    source = write(tmp_path, "memo.rtf", document(roster))
    [result] = clean_path(source, tmp_path / "clean" / "memo.rtf", Options(), Config())
    assert result.error is None and result.outputs == [(tmp_path / "clean" / "memo.docx").as_posix()]
    assert result.rescan is not None
    # the hidden places are gone; what the page header shows is still reported, as the page shows it
    assert not [f for f in result.rescan.findings if f.visibility.hidden and f.entities]


def test_a_document_cut_short_says_so(tmp_path: Path, roster: list[Person]) -> None:
    """What a truncated RTF held is read, and the file fails closed saying it ends inside open groups."""
    data = document(roster)
    cut = data[: data.index(b"{\\*\\atnid")] + b"{\\header {\\b Stat"
    report = scan_one(write(tmp_path, "cut.rtf", cut))
    [error] = report.errors
    assert error.rule == "SG901" and "open groups (truncated?)" in error.reason
    assert {f.visibility.value for f in report.findings if f.entities} >= {"tracked_change", "hidden_text"}
    assert report.decision == "block"
