"""Issue 18, item 1, for OLE compound files: a stream that the workbook or document reader does
not take is read by the catch-all (text, XML or a stowed file), never silently skipped; a binary
stream of no known format fails closed (SG906) naming it; the report's coverage counts them."""

from __future__ import annotations

from pathlib import Path

import olefile

from spillguard.synth import cfb
from spillguard.synth.docx import Memo
from spillguard.synth.people import Person
from spillguard.synth.xls import OldBook
from tests.helpers import libreoffice_save_as, scan_one, write

SUMMARY = [["Country", "Detained"], ["Guatemala", 212], ["Honduras", 187]]


def with_streams(data: bytes, extra: dict[str, bytes]) -> bytes:
    """The compound file rewritten with every stream it had plus ``extra`` (``a/b`` nests)."""
    tree: dict[str, object] = {}

    def put(path: list[str], body: bytes) -> None:
        node = tree
        for name in path[:-1]:
            node = node.setdefault(name, {})  # type: ignore[assignment]
        node[path[-1]] = body

    with olefile.OleFileIO(data) as ole:
        for path in ole.listdir(streams=True, storages=False):
            put(path, ole.openstream(path).read())
    for name, body in extra.items():
        put(name.split("/"), body)
    return cfb.write(tree)


def roster_text(roster: list[Person]) -> bytes:
    lines = ["name,a_number,date_of_birth"] + [f"{p.name},{p.a_number_as(0)},{p.birth:%Y-%m-%d}" for p in roster[:12]]
    return "\r\n".join(lines).encode("utf-16")


def test_a_workbook_stream_no_reader_knows_goes_to_the_catch_all(tmp_path: Path, roster: list[Person]) -> None:
    book = OldBook().sheet("Summary", SUMMARY).to_bytes()
    data = with_streams(book, {"ExportCache": roster_text(roster), "Opaque": bytes(range(1, 256)) * 12,
                               "Padding": bytes(700)})
    report = scan_one(write(tmp_path, "stats.xls", data))
    assert sorted((f.rule, f.visibility.value, f.location.part, tuple(sorted(e.value for e in f.entities)))
                  for f in report.findings) == [
        ("SG211", "other_part", "ExportCache", ("A_NUMBER", "PERSON_NAME")),
        ("SG906", "visible", "Opaque", ())]
    assert [(e.rule, e.part) for e in report.errors] == [("SG906", "Opaque")]
    assert report.coverage["xls"] == {"read": 1, "structural": 1, "catch_all": 1}
    assert report.decision == "block"


def test_a_clean_workbook_reaches_no_catch_all(tmp_path: Path) -> None:
    report = scan_one(write(tmp_path, "stats.xls", OldBook().sheet("Summary", SUMMARY).to_bytes()))
    assert (report.findings, report.decision) == ([], "pass")
    assert "catch_all" not in report.coverage["xls"]


def test_a_word_97_stream_the_conversion_drops_is_read(tmp_path: Path, roster: list[Person]) -> None:
    memo = Memo()
    memo.para("Quarterly detention statistics: 1,204 book-ins, 1,180 book-outs.")
    legacy = libreoffice_save_as(write(tmp_path, "memo.docx", memo.to_bytes()), "doc", tmp_path / "legacy")
    data = with_streams(legacy.read_bytes(), {"MsoDataStore/ZX1/Item": (
        "<?xml version='1.0'?><records>" + "".join(
            f"<r><n>{p.name}</n><a>{p.a_number_as(0)}</a></r>" for p in roster[:3]) + "</records>").encode()})
    report = scan_one(write(tmp_path, "memo.doc", data))
    assert [(f.rule, f.visibility.value, f.location.part, tuple(sorted(e.value for e in f.entities)))
            for f in report.findings] == [
        ("SG211", "other_part", "MsoDataStore/ZX1/Item", ("A_NUMBER", "PERSON_NAME"))]
    assert report.coverage["doc"]["catch_all"] == 1
