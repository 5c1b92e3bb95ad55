"""AVIF (read by Pillow itself, without the heic extra) and JPEG XL (the container's Exif, xml and
Brotli-compressed boxes, ISO/IEC 18181-2) carry the same metadata as a JPEG: it is read."""

from __future__ import annotations

import io
from pathlib import Path

import brotli
import piexif
import pytest
from PIL import Image, features

from spillguard.formats import image
from spillguard.synth.people import Person
from tests.helpers import scan_one, summary, write


def exif(artist: str, description: str) -> bytes:
    return piexif.dump({"0th": {piexif.ImageIFD.Artist: artist.encode(),
                                piexif.ImageIFD.ImageDescription: description.encode()}})


def box(kind: bytes, body: bytes) -> bytes:
    return (8 + len(body)).to_bytes(4, "big") + kind + body


def jxl(*boxes: bytes) -> bytes:
    """A JPEG XL container: signature, file type, the given boxes, a (tiny, not decoded) codestream."""
    return (image.JXL_CONTAINER + box(b"ftyp", b"jxl \x00\x00\x00\x00jxl ") + b"".join(boxes)
            + box(b"jxlc", b"\xff\x0a\x00\x00"))


EXPECTED = [("SG211", "metadata", ("A_NUMBER", "PERSON_NAME"), 1), ("SG501", "metadata", ("PERSON_NAME",), 1)]


def test_avif_metadata_without_the_heic_extra(tmp_path: Path, roster: list[Person],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    if not features.check("avif"):
        pytest.skip("this Pillow has no AVIF support")
    monkeypatch.setattr(image, "_heif_support", lambda: False)
    a, b = roster[:2]
    out = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(out, "AVIF", exif=exif(a.name, f"Detainee {b.name} A# {b.a_number}"))
    report = scan_one(write(tmp_path, "photo.avif", out.getvalue()))
    assert (report.errors, summary(report)) == ([], EXPECTED)


def test_jpeg_xl_container_metadata(tmp_path: Path, roster: list[Person]) -> None:
    a, b = roster[:2]
    data = jxl(box(b"Exif", b"\x00\x00\x00\x00" + exif(a.name, f"Detainee {b.name} A# {b.a_number}")[6:]))
    report = scan_one(write(tmp_path, "photo.jxl", data))
    assert (report.errors, summary(report)) == ([], EXPECTED)


def test_jpeg_xl_brotli_compressed_xmp(tmp_path: Path, roster: list[Person]) -> None:
    p = roster[3]
    xmp = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:description>Detainee {p.name} '
           f"A# {p.a_number}</dc:description></rdf:Description></rdf:RDF></x:xmpmeta>").encode()
    report = scan_one(write(tmp_path, "photo.jxl", jxl(box(b"brob", b"xml " + brotli.compress(xmp)))))
    assert report.errors == []
    assert [(r, v, e) for r, v, e, _ in summary(report)] == [("SG211", "metadata", ("A_NUMBER", "PERSON_NAME"))]


def test_a_bare_jpeg_xl_codestream_carries_no_metadata(tmp_path: Path) -> None:
    report = scan_one(write(tmp_path, "photo.jxl", b"\xff\x0a" + bytes(64)))
    assert (report.findings, report.errors, report.decision) == ([], [], "pass")


def test_a_broken_jpeg_xl_box_is_corrupt(tmp_path: Path) -> None:
    report = scan_one(write(tmp_path, "photo.jxl", image.JXL_CONTAINER + (4).to_bytes(4, "big") + b"Exif"))
    assert [e.rule for e in report.errors] == ["SG901"] and report.decision == "block"
