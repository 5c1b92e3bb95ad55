"""spillguard clean on text and pictures, and the command itself: exit codes, JSON summary,
formats without a cleaner, and the input never touched."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from spillguard.clean import Options, clean_path
from spillguard.cli import app
from spillguard.config import Config
from spillguard.scan import scan
from spillguard.synth.docx import Memo
from spillguard.synth.image import gradient, picture, with_segments
from spillguard.synth.people import Person


def test_text_strict_and_keep_visible(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[0]
    note = f"Example: {p.name} (A# {p.a_number}), a Guatemalan national, was moved to Stewart Detention Center.\n"
    source = tmp_path / "note.txt"
    source.write_text(note, encoding="utf-8")
    [strict] = clean_path(source, tmp_path / "strict.txt", Options(), Config())
    assert (tmp_path / "strict.txt").read_text() == \
        "Example: [removed] (A# [removed]), a Guatemalan national, was moved to Stewart Detention Center.\n"
    assert strict.removed == {"PERSON_NAME in text": 1, "A_NUMBER in text": 1} and strict.ok
    [kept] = clean_path(source, tmp_path / "kept.txt", Options(mode="keep-visible"), Config())
    # kept as it is: one person named with an A-number in plain view is a personal record, it blocks
    assert (tmp_path / "kept.txt").read_text() == note and not kept.ok
    assert [f.rule for f in kept.rescan.findings] == ["SG209"]


def test_picture_metadata_is_stripped(tmp_path: Path) -> None:
    source = tmp_path / "photo.jpg"
    source.write_bytes(with_segments(picture(artist="Wilmer Chávez Morales", gps=(32.57, -116.97),
                                             thumbnail_of=gradient(), blacked_out=True),
                                     xmp_creator="Noemí Ramírez", iptc_caption="Detainee at intake"))
    assert {f.rule for f in scan([source]).findings} == {"SG501", "SG504", "SG505"}
    [result] = clean_path(source, tmp_path / "clean.jpg", Options(), Config())
    assert result.ok and result.rescan.findings == []
    assert result.removed == {"EXIF blocks": 1, "EXIF thumbnails": 1, "GPS positions": 1, "XMP packets": 1,
                              "IPTC blocks": 1}
    with Image.open(tmp_path / "clean.jpg") as im, Image.open(source) as orig:
        assert im.size == orig.size and not im.getexif() and "xmp" not in im.info


def test_the_command(tmp_path: Path, roster: list[Person]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "note.txt").write_text(f"Case of {roster[0].name}, A# {roster[0].a_number}.\n", encoding="utf-8")
    memo = Memo()
    memo.para("A memo")
    (site / "memo.docx").write_bytes(memo.to_bytes())
    before = {p.name: p.read_bytes() for p in site.iterdir()}
    runner = CliRunner()
    result = runner.invoke(app, ["clean", str(site), "-o", str(tmp_path / "out"), "--format", "json"])
    summary = json.loads(result.output)
    by_name = {Path(f["input"]).name: f for f in summary["files"]}
    assert by_name["note.txt"]["ok"] and by_name["note.txt"]["rescan"]["decision"] == "pass"
    if not by_name["memo.docx"]["ok"]:  # a format without a cleaner fails, it is never copied as is
        assert result.exit_code == 1 and not (tmp_path / "out" / "memo.docx").exists()
    assert {p.name: p.read_bytes() for p in site.iterdir()} == before
    inside = runner.invoke(app, ["clean", str(site), "-o", str(site / "clean")])
    assert inside.exit_code == 2 and "inside it" in inside.output
    text = runner.invoke(app, ["clean", str(site / "note.txt"), "-o", str(tmp_path / "n.txt")])
    assert text.exit_code == 0 and "re-scan: pass" in text.output


def test_csv_strict(tmp_path: Path, roster: list[Person]) -> None:
    source = tmp_path / "transfers.csv"
    source.write_text("Name;A-Number;Country of Citizenship\n" + "".join(
        f"{p.name};{p.a_number_as(0)};{p.country}\n" for p in roster[:20]), encoding="cp1252", errors="replace")
    [result] = clean_path(source, tmp_path / "clean.csv", Options(), Config())
    lines = (tmp_path / "clean.csv").read_text().splitlines()
    assert lines[0] == "Name;A-Number;Country of Citizenship"
    assert lines[1:] == [f";;{p.country}" for p in roster[:20]]
    assert result.ok and result.removed == {"personal data cells (PERSON_NAME)": 20,
                                            "personal data cells (A_NUMBER)": 20}
    agg = tmp_path / "agg.csv"
    agg.write_text("Country,Detained\nGuatemala,212\nHonduras,7\nMexico,140\n", encoding="utf-8")
    [small] = clean_path(agg, tmp_path / "agg-clean.csv", Options(marker="<11"), Config())
    assert (tmp_path / "agg-clean.csv").read_text() == "Country,Detained\nGuatemala,212\nHonduras,<11\nMexico,140\n"
    assert small.ok and small.removed == {"small cells suppressed": 1}


def test_a_zip_bundle_is_cleaned_member_by_member(tmp_path: Path, roster: list[Person]) -> None:
    import io
    import zipfile

    from spillguard.synth.xlsx import Book

    book = Book()
    book.sheet("Stats", [["Facility", "Detainees"], ["Adelanto", 120], ["Stewart", 64]])
    book.sheet("Extract", [["Name", "A-Number"], *[[p.name, p.a_number_as(0)] for p in roster[:20]]], state="hidden")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("release/stats.xlsx", book.to_bytes())
        z.writestr("release/note.txt", f"Case of {roster[0].name}, A# {roster[0].a_number}.\n")
        z.writestr("../evil.txt", "x")
    source = tmp_path / "release.zip"
    source.write_bytes(buf.getvalue())
    [result] = clean_path(source, tmp_path / "clean.zip", Options(), Config())
    assert result.ok, result.error or [f.title for f in result.rescan.findings]
    assert result.removed["hidden sheets"] == 1 and result.removed["members with path-traversal names"] == 1
    with zipfile.ZipFile(tmp_path / "clean.zip") as z:
        assert sorted(z.namelist()) == ["release/note.txt", "release/stats.xlsx"]


def test_tar_7z_and_compressed_archives(tmp_path: Path, roster: list[Person]) -> None:
    import gzip
    import tarfile

    from tests.formats.test_archives import roster_csv, seven, tarball

    members = {"stats/monthly.csv": b"Month,Book-ins\n2026-01,120\n2026-02,131\n",
               "extract/note.txt": f"Case of {roster[0].name}, A# {roster[0].a_number}.\n".encode()}
    for name, data in (("release.tar.gz", tarball(members, "w:gz")), ("release.7z", seven(members)),
                       ("roster.csv.gz", gzip.compress(roster_csv(roster)))):
        source = tmp_path / name
        source.write_bytes(data)
        assert scan([source]).findings
        [result] = clean_path(source, tmp_path / "clean" / name, Options(), Config())
        # the roster keeps its citizenship column: the re-scan may still call rare countries out (medium)
        assert result.ok and {f.rule for f in result.rescan.findings} <= {"SG305"}, (name, result.error)
        assert (tmp_path / "clean" / name).read_bytes()[:2] == data[:2]  # the same kind of archive
    with tarfile.open(tmp_path / "clean" / "release.tar.gz") as tf:
        assert sorted(tf.getnames()) == ["extract/note.txt", "stats/monthly.csv"]


def test_an_email_with_a_roster_attached(tmp_path: Path, roster: list[Person]) -> None:
    from tests.formats.test_eml import message

    source = tmp_path / "message.eml"
    source.write_bytes(message(roster[:20], attach=True))
    assert any(f.rule.startswith("SG20") for f in scan([source]).findings)
    [result] = clean_path(source, tmp_path / "clean.eml", Options(), Config())
    assert result.ok, [f.title for f in result.rescan.findings]
    assert not [f for f in result.rescan.findings if f.severity.label in ("high", "critical")]
    text = (tmp_path / "clean.eml").read_bytes().decode("utf-8", "replace")
    assert roster[0].family not in text and "Received:" not in text
