"""Files stowed among a document's pictures (``Pictures/``, ``word/media/``…) that are no
picture by their first bytes, whatever their name: reported as embedded files and scanned."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from spillguard.synth.docx import Memo, png
from spillguard.synth.odf import Letter
from spillguard.synth.people import Person
from tests.helpers import scan_one, summary, write


def stow(package: bytes, part: str, data: bytes) -> bytes:
    out = io.BytesIO(package)
    with zipfile.ZipFile(out, "a") as z:
        z.writestr(part, data)
    return out.getvalue()


def roster_csv(roster: list[Person]) -> bytes:
    lines = ["Name,A-Number,Country of Citizenship", *(f"{p.name},{p.a_number},{p.country}" for p in roster[:15])]
    return "\n".join(lines).encode()


def letter() -> bytes:
    d = Letter()
    d.para("Quarterly detention statistics are published on the agency's page.")
    return d.to_bytes()


def memo() -> bytes:
    d = Memo()
    d.para("Quarterly detention statistics are published on the agency's page.")
    return d.to_bytes()


@pytest.mark.parametrize(("name", "package", "part"), [
    ("letter.odt", letter, "Pictures/1000000000000001.png"),  # named like a picture, holds a roster
    ("memo.docx", memo, "word/media/image9.png"),
])
def test_a_roster_stowed_among_the_pictures_is_scanned(tmp_path: Path, roster: list[Person], name: str,
                                                       package, part: str) -> None:
    report = scan_one(write(tmp_path, name, stow(package(), part, roster_csv(roster))))
    assert summary(report) == [
        ("SG114", "embedded_object", (), None),
        ("SG201", "embedded_object", ("A_NUMBER", "NATIONALITY", "PERSON_NAME"), 15),
    ]
    assert report.decision == "block"


@pytest.mark.parametrize(("name", "package", "part"), [
    ("letter.odt", letter, "Pictures/1000000000000001.png"),
    ("memo.docx", memo, "word/media/image9.png"),
])
def test_a_picture_is_no_stowed_file(tmp_path: Path, name: str, package, part: str) -> None:
    report = scan_one(write(tmp_path, name, stow(package(), part, png(4, 4))))
    assert summary(report) == [] and report.errors == []


def test_a_script_stowed_under_a_script_name_is_reported(tmp_path: Path) -> None:
    report = scan_one(write(tmp_path, "letter.odt", stow(letter(), "Pictures/setup.py", b"print('hello')\n")))
    assert [(f.rule, f.visibility.value, f.title) for f in report.findings] == [
        ("SG114", "embedded_object", "A file that is no picture travels among the pictures: Pictures/setup.py"),
        ("SG114", "embedded_object", "Text in an embedded object: 14 characters"),  # what the file holds
    ]
