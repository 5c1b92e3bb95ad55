"""Images: EXIF people and text, the GPS position, and a thumbnail that still shows what the
picture no longer does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from spillguard.synth.image import gradient, lettered, picture, schematic_face, with_segments
from spillguard.synth.people import Person
from tests.helpers import scan_one, summary, write


def test_exif_people_text_and_gps(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[0]
    data = picture(artist="Wilmer Chávez Morales", description=f"Detainee {p.name}, A# {p.a_number}, at intake",
                   gps=(32.5701, -116.9728))
    report = scan_one(write(tmp_path, "photo.jpg", data))
    assert summary(report) == [("SG211", "metadata", ("A_NUMBER", "PERSON_NAME"), 1),  # a linked identity
                               ("SG501", "metadata", ("PERSON_NAME",), 1),
                               ("SG504", "metadata", ("GPS_LOCATION",), None)]
    gps = next(f for f in report.findings if f.rule == "SG504")
    assert "32" not in gps.why and "116" not in gps.why  # the position itself is never printed


def test_a_differing_thumbnail_of_a_scene_is_reported_not_blocking(tmp_path: Path) -> None:
    # the rule of evidence: a thumbnail that differs but shows no face and no text discloses no one
    report = scan_one(write(tmp_path, "photo.jpg", picture(thumbnail_of=gradient(), blacked_out=True)))
    assert [(f.rule, f.severity.label) for f in report.findings] == [("SG505", "medium")]
    assert report.decision == "pass" and "0 face(s)" in report.findings[0].why


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
def test_a_thumbnail_that_still_shows_text_blocks_and_its_text_is_judged(tmp_path: Path) -> None:
    before = lettered(["MARIA GARCIA LOPEZ", "FILE 2022 CASES", "STEWART CENTER"])
    report = scan_one(write(tmp_path, "photo.jpg", picture(thumbnail_of=before, blacked_out=True,
                                                           thumb_size=(160, 120))))
    rules = {(f.rule, f.severity.label) for f in report.findings}
    assert ("SG505", "high") in rules and report.decision == "block"
    assert any(f.visibility.value == "earlier_revision" and f.rule != "SG505" for f in report.findings)


def test_a_thumbnail_that_still_shows_a_face_blocks(tmp_path: Path) -> None:
    report = scan_one(write(tmp_path, "photo.jpg", picture(thumbnail_of=schematic_face(), blacked_out=True,
                                                           thumb_size=(160, 120))))
    sg505 = [f for f in report.findings if f.rule == "SG505"]
    assert [f.severity.label for f in sg505] == ["high"] and "1 face(s)" in sg505[0].why
    assert report.decision == "block"


def test_without_a_face_detector_a_differing_thumbnail_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    from spillguard.formats import thumbnail

    monkeypatch.setattr(thumbnail, "count_faces", lambda gray: None)
    seen = thumbnail.examine(gradient((160, 120)), 10)
    assert seen.faces is None and seen.shows_person_or_text
    assert "no face detector" in seen.explain()


def test_clean_picture_passes(tmp_path: Path) -> None:
    report = scan_one(write(tmp_path, "photo.jpg", picture()))
    assert report.findings == [] and report.decision == "pass"


def test_png_and_broken_images(tmp_path: Path) -> None:
    import io

    out = io.BytesIO()
    gradient((40, 30)).save(out, "PNG")
    assert scan_one(write(tmp_path, "chart.png", out.getvalue())).findings == []
    broken = scan_one(write(tmp_path, "broken.jpg", picture()[:300]))
    assert [f.rule for f in broken.findings] == ["SG901"]


def test_a_photo_inside_a_word_document(tmp_path: Path, roster: list[Person]) -> None:
    from spillguard.synth.docx import Memo

    m = Memo()
    m.para("Site visit, intake area.")
    m.picture("Intake area", picture(gps=(32.5701, -116.9728), description=f"Detainee {roster[0].name}"))
    report = scan_one(write(tmp_path, "visit.docx", m.to_bytes()))
    assert summary(report) == [("SG118", "hidden_text", (), None),  # the alt text, no personal data
                               ("SG501", "metadata", ("PERSON_NAME",), None),
                               ("SG504", "metadata", ("GPS_LOCATION",), None)]
    photo = [f.rule for f in report.findings if f.location.file.endswith("visit.docx!/word/media/image1.jpg")]
    assert photo == ["SG501", "SG504"]
    m = Memo()
    m.para("Site visit, intake area.")
    m.picture("Intake area", picture())
    assert [f.rule for f in scan_one(write(tmp_path, "clean.docx", m.to_bytes())).findings] == ["SG118"]  # alt text


def test_xmp_creator_and_iptc_byline_and_caption(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[0]
    data = with_segments(picture(), xmp_creator="Wilmer Chávez Morales", iptc_byline="Noemí Ramírez",
                         iptc_caption=f"Detainee {p.name}, A# {p.a_number}")
    report = scan_one(write(tmp_path, "photo.jpg", data))
    found = sorted((f.location.part, f.rule, tuple(sorted(e.value for e in f.entities))) for f in report.findings)
    assert found == [("IPTC", "SG211", ("A_NUMBER", "PERSON_NAME")), ("XMP", "SG501", ("PERSON_NAME",))]
    clean = with_segments(picture(), xmp_creator="Field Office", iptc_caption="Intake area, east wing")
    assert scan_one(write(tmp_path, "clean.jpg", clean)).findings == []


def test_heic_photo_with_gps(tmp_path: Path) -> None:
    import io

    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()
    jpeg = Image.open(io.BytesIO(picture(artist="Wilmer Chávez Morales", gps=(32.5701, -116.9728))))
    out = io.BytesIO()
    jpeg.save(out, "HEIF", exif=jpeg.info["exif"])
    report = scan_one(write(tmp_path, "IMG_0001.HEIC", out.getvalue()))
    assert summary(report) == [("SG501", "metadata", ("PERSON_NAME",), 1),
                               ("SG504", "metadata", ("GPS_LOCATION",), None)]


def test_heic_without_the_extra_fails_closed(tmp_path: Path, monkeypatch) -> None:
    from spillguard.formats import image

    monkeypatch.setattr(image, "_heif_support", lambda: False)
    report = scan_one(write(tmp_path, "IMG_0002.HEIC", b"\x00\x00\x00\x1cftypheic" + b"\x00" * 64))
    assert [(e.rule, "pillow-heif" in e.reason) for e in report.errors] == [("SG905", True)]
