"""Pictures with metadata in every place a camera or an editor leaves it, for tests.

Pillow draws the picture; piexif (test extra) writes the EXIF block, including the GPS position
and the embedded thumbnail, which Pillow cannot write.
"""

from __future__ import annotations

import io
import struct

from PIL import Image


def picture(*, artist: str = "", description: str = "", gps: tuple[float, float] | None = None,
            thumbnail_of: Image.Image | None = None, blacked_out: bool = False,
            thumb_size: tuple[int, int] = (80, 60)) -> bytes:
    """A JPEG of a gradient (black when ``blacked_out``), with the EXIF fields asked for; the
    thumbnail is of ``thumbnail_of`` (the picture before it was edited) when given."""
    import piexif

    base = gradient()
    shown = Image.new("RGB", base.size, "black") if blacked_out else base
    zeroth: dict[int, object] = {}
    if artist:
        zeroth[piexif.ImageIFD.Artist] = artist.encode()
    if description:
        zeroth[piexif.ImageIFD.ImageDescription] = description.encode()
    exif: dict[str, object] = {"0th": zeroth, "Exif": {}, "GPS": {}, "1st": {}, "thumbnail": None}
    if gps is not None:
        exif["GPS"] = {piexif.GPSIFD.GPSLatitudeRef: b"N" if gps[0] >= 0 else b"S",
                       piexif.GPSIFD.GPSLatitude: _dms(abs(gps[0])),
                       piexif.GPSIFD.GPSLongitudeRef: b"E" if gps[1] >= 0 else b"W",
                       piexif.GPSIFD.GPSLongitude: _dms(abs(gps[1]))}
    source = thumbnail_of if thumbnail_of is not None else shown
    thumb = io.BytesIO()
    source.resize(thumb_size).save(thumb, "JPEG", quality=95)
    exif["thumbnail"] = thumb.getvalue()
    exif["1st"] = {piexif.ImageIFD.Compression: 6}
    out = io.BytesIO()
    shown.save(out, "JPEG", exif=piexif.dump(exif))
    return out.getvalue()


def with_segments(jpeg: bytes, *, xmp_creator: str = "", iptc_byline: str = "", iptc_caption: str = "") -> bytes:
    """Insert an XMP packet (APP1) and IPTC fields (Photoshop APP13) after the JPEG's SOI marker,
    where Photoshop and Lightroom write them."""
    segments = b""
    if xmp_creator:
        xmp = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
               '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq>'
               f"<rdf:li>{xmp_creator}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>")
        body = b"http://ns.adobe.com/xap/1.0/\x00" + xmp.encode()
        segments += b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    records = b""
    for dataset, value in ((80, iptc_byline), (120, iptc_caption)):
        if value:
            raw = value.encode()
            records += bytes([0x1C, 2, dataset]) + struct.pack(">H", len(raw)) + raw
    if records:
        resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(records)) + records
        resource += b"\x00" * (len(records) % 2)
        body = b"Photoshop 3.0\x00" + resource
        segments += b"\xff\xed" + struct.pack(">H", len(body) + 2) + body
    return jpeg[:2] + segments + jpeg[2:]


def gradient(size: tuple[int, int] = (320, 240)) -> Image.Image:
    im = Image.new("RGB", size)
    im.putdata([(x * 255 // size[0], y * 255 // size[1], 128) for y in range(size[1]) for x in range(size[0])])
    return im


def _dms(value: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return (degrees, 1), (minutes, 1), (seconds, 100)


def lettered(lines: list[str], size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A white page with black lines of text (a photographed list, before it was blacked out)."""
    from PIL import ImageDraw, ImageFont

    im = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(im)
    font = ImageFont.load_default(size=size[1] // (len(lines) + 2))
    for i, line in enumerate(lines):
        draw.text((size[0] // 16, (i + 1) * size[1] // (len(lines) + 2)), line, fill="black", font=font)
    return im


def schematic_face(size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A drawn face (oval, brows, eyes, nose, mouth, softened) that a frontal-face detector finds:
    a portrait, before it was blacked out."""
    from PIL import ImageDraw, ImageFilter

    im = Image.new("RGB", size, (90, 90, 90))
    draw = ImageDraw.Draw(im)
    s = min(size) / 480
    x0 = (size[0] - size[1]) / 2 if size[0] > size[1] else 0
    for box, shade in (((140, 90, 340, 350), 200), ((185, 170, 225, 195), 30), ((255, 170, 295, 195), 30),
                       ((205, 280, 275, 300), 50)):
        draw.ellipse([x0 + box[0] * s, box[1] * s, x0 + box[2] * s, box[3] * s], fill=(shade,) * 3)
    for box in ((175, 150, 235, 160), (245, 150, 305, 160)):
        draw.rectangle([x0 + box[0] * s, box[1] * s, x0 + box[2] * s, box[3] * s], fill=(60, 60, 60))
    draw.polygon([(x0 + 240 * s, 200 * s), (x0 + 225 * s, 255 * s), (x0 + 255 * s, 255 * s)], fill=(160,) * 3)
    return im.filter(ImageFilter.GaussianBlur(6 * s))
