"""EPUB books built part by part (synth/epub.py): metadata, pages in the reading order with their
hidden places, pages the spine does not list, files outside the manifest, encrypted content."""

from __future__ import annotations

from pathlib import Path

from spillguard.synth.epub import Book
from spillguard.synth.people import Person
from tests.helpers import scan_one, write

CLEAN = "<p>Quarterly detention statistics: 1,204 book-ins.</p>"


def mention(p: Person) -> str:
    return f"{p.name} A# {p.a_number}"


def found(report, folder: Path) -> list[tuple[str, str, str, str | None, tuple[str, ...]]]:
    return [(f.rule, f.visibility.value, f.location.file.removeprefix(f"{folder.as_posix()}/"), f.location.part,
             tuple(sorted(e.value for e in f.entities))) for f in report.findings]


NAME_A = ("A_NUMBER", "PERSON_NAME")


def test_every_place_of_a_book(tmp_path: Path, roster: list[Person]) -> None:
    a, b, c, d = roster[:4]
    roster_csv = "Name,A-Number\n" + "\n".join(f"{p.name},{p.a_number}" for p in roster[10:20])
    book = Book(creators=[a.name], pages=[
        ("c1.xhtml", CLEAN + f'<p style="display:none">{mention(b)}</p>', True),
        ("c2.xhtml", f"<p>{mention(c)} was moved.</p>", True),
        ("draft.xhtml", f"<p>{mention(d)}</p>", False)], extra={"OEBPS/roster.csv": roster_csv.encode()})
    report = scan_one(write(tmp_path, "report.epub", book.to_bytes()))
    assert report.errors == []
    assert found(report, tmp_path) == [
        ("SG501", "metadata", "report.epub", "OEBPS/content.opf", ("PERSON_NAME",)),
        ("SG211", "hidden_text", "report.epub!/OEBPS/c1.xhtml", None, NAME_A),
        ("SG209", "visible", "report.epub!/OEBPS/c2.xhtml", None, NAME_A),
        ("SG114", "embedded_object", "report.epub", "OEBPS/draft.xhtml", ()),
        ("SG211", "embedded_object", "report.epub!/OEBPS/draft.xhtml", None, NAME_A),
        ("SG114", "embedded_object", "report.epub", "OEBPS/roster.csv", ()),
        ("SG201", "embedded_object", "report.epub!/OEBPS/roster.csv", None, NAME_A),
    ]
    assert report.decision == "block"


def test_a_clean_book_passes(tmp_path: Path) -> None:
    report = scan_one(write(tmp_path, "report.epub", Book(pages=[("c1.xhtml", CLEAN, True)]).to_bytes()))
    assert (report.findings, report.errors, report.decision) == ([], [], "pass")


def test_encrypted_content_fails_closed(tmp_path: Path) -> None:
    book = Book(pages=[("c1.xhtml", CLEAN, True), ("c2.xhtml", CLEAN, True)], encrypted=["c2.xhtml"])
    report = scan_one(write(tmp_path, "report.epub", book.to_bytes()))
    assert [(e.rule, e.part) for e in report.errors] == [("SG902", "OEBPS/c2.xhtml")]
    assert report.decision == "block"


def test_clean_rebuilds_the_book_from_its_reading_order(tmp_path: Path, roster: list[Person]) -> None:
    import zipfile

    from spillguard.clean import Options, clean_path
    from spillguard.config import Config

    a, b, d = roster[0], roster[1], roster[3]
    book = Book(creators=[a.name], pages=[
        ("c1.xhtml", CLEAN + f'<p style="display:none">{mention(b)}</p>', True),
        ("draft.xhtml", f"<p>{mention(d)}</p>", False)], extra={"OEBPS/roster.csv": b"Name\nx\n"})
    source = write(tmp_path, "report.epub", book.to_bytes())
    [result] = clean_path(source, tmp_path / "clean" / "report.epub", Options(), Config())
    assert result.error is None and result.ok
    assert (result.removed["hidden elements"], result.removed["parts the reading order does not show"],
            result.removed["files outside the manifest"]) == (1, 1, 1)
    with zipfile.ZipFile(result.outputs[0]) as z:
        assert sorted(z.namelist()) == ["META-INF/container.xml", "OEBPS/c1.xhtml", "OEBPS/content.opf",
                                        "OEBPS/nav.xhtml", "mimetype"]
        assert z.infolist()[0].filename == "mimetype" and b"1,204 book-ins" in z.read("OEBPS/c1.xhtml")
        assert a.name.encode() not in z.read("OEBPS/content.opf")
    assert result.rescan is not None and result.rescan.findings == []
