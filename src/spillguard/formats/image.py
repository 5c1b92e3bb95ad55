"""Images (JPEG, PNG, TIFF, GIF, WebP; HEIC/HEIF with the optional ``heic`` extra): the
metadata a camera or an editor leaves in them.

Pillow reads EXIF (artist, owner, description, comments, serial numbers), the **GPS position**
(GPS_LOCATION), IPTC (by-line, caption, keywords) and the XMP packet (parsed with lxml, DTDs
refused). An EXIF thumbnail that differs from the picture — a photo cropped or blacked out
after it was taken, whose thumbnail still shows the original — is reported. Decompression
bombs are a resource limit (SG903). HEIC (iPhone photos) is read when pillow-heif is installed
(``pip install 'spillguard[heic]'``); without it a HEIC file is SG905, never a pass.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from PIL import ExifTags, Image, ImageChops, ImageStat, IptcImagePlugin, UnidentifiedImageError, features

from spillguard.errors import CorruptFile, ResourceLimit, UnsupportedFormat
from spillguard.formats import magic
from spillguard.formats.base import Context, Source
from spillguard.formats.cells import record_table
from spillguard.formats.ooxml import parse_xml
from spillguard.model import Content, Entity, Location, Notice, Text, Visibility
from spillguard.rules import RULES

NAME = "image"
#: EXIF fields that name or describe a person (a table: the field name is the header)
PERSON_TAGS = ("Artist", "XPAuthor", "CameraOwnerName")
#: EXIF fields of free text
TEXT_TAGS = ("ImageDescription", "XPComment", "XPTitle", "XPSubject", "XPKeywords", "UserComment", "Copyright")
#: mean difference (0–255) from which a thumbnail is not the picture it belongs to
THUMBNAIL_DIFFERS = 12
#: the size both are compared at
_COMPARE = (32, 32)




JXL_CODESTREAM, JXL_CONTAINER = magic.JXL_CODESTREAM, magic.JXL_CONTAINER




def _avif(head: bytes) -> bool:
    """AVIF, which Pillow reads itself (11.2 and later) without the heic extra."""
    return head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis")


sniff = magic.image


class _Boxes:
    """The metadata boxes of a JPEG XL container (``Exif``, ``xml ``; ``brob`` boxes hold either,
    Brotli-compressed) in the shape the EXIF and XMP readers take (``getexif``, ``info``)."""

    def __init__(self, data: bytes) -> None:
        self.exif = Image.Exif()
        self.info: dict[str, bytes] = {}
        at = 0
        while at + 8 <= len(data):
            size, kind = int.from_bytes(data[at:at + 4], "big"), data[at + 4:at + 8]
            head = 8
            if size == 1:
                size, head = int.from_bytes(data[at + 8:at + 16], "big"), 16
            elif size == 0:
                size = len(data) - at
            if size < head:
                raise CorruptFile("a JPEG XL box is shorter than its header")
            body = data[at + head:at + size]
            if kind == b"brob" and len(body) >= 4:
                import brotli  # py7zr's dependency (MIT)

                try:
                    kind, body = body[:4], brotli.decompress(body[4:])
                except brotli.error:
                    raise CorruptFile("a Brotli-compressed JPEG XL box cannot be decompressed") from None
            if kind == b"Exif" and len(body) > 4:
                offset = int.from_bytes(body[:4], "big")
                try:
                    self.exif.load(b"Exif\x00\x00" + body[4 + offset:])
                except (SyntaxError, ValueError, OSError, KeyError, IndexError):
                    raise CorruptFile("the EXIF box of the JPEG XL file is damaged") from None
            elif kind == b"xml ":
                self.info["xmp"] = body
            at += size

    def getexif(self) -> Image.Exif:
        return self.exif


def _jxl(data: bytes, loc: Location) -> Iterator[Content]:
    """A JPEG XL file's metadata: a bare codestream has none (it cannot carry EXIF or XMP)."""
    if not data.startswith(JXL_CONTAINER):
        return
    boxes = _Boxes(data)
    yield from _exif(boxes, loc)  # type: ignore[arg-type]
    yield from _xmp(boxes, loc)  # type: ignore[arg-type]


def _heif_support() -> bool:
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


def read(source: Source, ctx: Context) -> Iterator[Content]:
    data = source.read_up_to(ctx.limits.max_file_bytes, "the image")
    loc = Location(file=source.name, part="image metadata")
    if data.startswith((JXL_CODESTREAM, JXL_CONTAINER)):
        yield from _jxl(data, loc)
        return
    if _avif(data[:16]) and features.check("avif"):
        pass
    elif magic.heif(data[:16]) and not _heif_support():
        raise UnsupportedFormat("HEIC/HEIF images need the optional 'heic' extra (pillow-heif)")
    try:
        with Image.open(io.BytesIO(data)) as im:
            width, height = im.size  # from the header: nothing is decoded yet
            if width * height > ctx.limits.image_pixels:
                raise ResourceLimit(f"the picture has {width * height:,} pixels, over the limit of "
                                    f"{ctx.limits.image_pixels:,} (image_pixels; decompression bomb?)")
            yield from _exif(im, loc)
            yield from _iptc(im, loc)
            yield from _xmp(im, loc)
            yield from _text_chunks(im, loc)
            yield from _thumbnail(im, loc, ctx)
            yield from _ocr(im, source, ctx)
    except Image.DecompressionBombError:
        raise ResourceLimit("the image has more pixels than is safe to decode (decompression bomb?)") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise CorruptFile(f"the image cannot be read ({type(exc).__name__})") from None


def _text(value: object) -> str:
    if isinstance(value, str):
        try:  # Pillow reads EXIF ASCII as Latin-1; cameras and editors write UTF-8
            return value.encode("latin-1").decode("utf-8").strip("\x00 ")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value.strip("\x00 ")
    if isinstance(value, bytes):
        if value.startswith((b"ASCII\x00\x00\x00", b"UNICODE\x00", b"JIS\x00\x00\x00\x00\x00")):
            body = value[8:]
            return (body.decode("utf-16-le" if value.startswith(b"UNICODE") else "latin-1", "replace")
                    .strip("\x00 "))
        if len(value) % 2 == 0 and value[1:2] == b"\x00":  # XP* tags are UTF-16
            return value.decode("utf-16-le", "replace").strip("\x00 ")
        return value.decode("utf-8", "replace").strip("\x00 ")
    return str(value).strip("\x00 ")


def _exif(im: Image.Image, loc: Location) -> Iterator[Content]:
    exif = im.getexif()
    if not exif:
        return
    named: dict[str, str] = {}
    for ifd in (exif, exif.get_ifd(ExifTags.IFD.Exif)):
        for tag, value in ifd.items():
            name = ExifTags.TAGS.get(tag, "")
            if name in PERSON_TAGS + TEXT_TAGS and _text(value):
                named[name] = _text(value)
    people = {k: v for k, v in named.items() if k in PERSON_TAGS}
    if people:
        yield record_table(loc, Visibility.METADATA, people)
    texts = [f"{k}: {named[k]}" for k in TEXT_TAGS if k in named]
    if texts:
        yield Text(loc, Visibility.METADATA, "\n".join(texts), "EXIF")
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    position = _position(gps)
    if position is not None:
        yield Notice("SG504", "The picture records where it was taken (GPS position)", loc.with_(part="EXIF GPS"),
                     Visibility.METADATA, f"latitude and longitude to {position} decimal places: a home or a "
                     "meeting place can be found from them; strip EXIF before publishing",
                     entities=[Entity.GPS_LOCATION])


def _position(gps: dict[int, object]) -> int | None:
    """Decimal places of precision of the GPS position, or None when there is none."""
    lat, lon = gps.get(2), gps.get(4)  # GPSLatitude, GPSLongitude
    if not lat or not lon:
        return None
    try:
        seconds = float(lat[2])  # type: ignore[index]
        values = [float(v) for v in (*lat, *lon)]  # type: ignore[misc]
    except (TypeError, ValueError, IndexError, ZeroDivisionError):
        return None
    if not any(values):
        return None
    return 4 if seconds else 2


def _iptc(im: Image.Image, loc: Location) -> Iterator[Content]:
    try:
        info = IptcImagePlugin.getiptcinfo(im) or {}
    except (SyntaxError, ValueError, OSError):
        return
    fields = {(2, 80): "By-line", (2, 116): "Copyright", (2, 120): "Caption", (2, 25): "Keywords",
              (2, 5): "Object name", (2, 122): "Writer"}
    lines = []
    for key, name in fields.items():
        value = info.get(key)
        for v in value if isinstance(value, list) else [value] if value else []:
            lines.append(f"{name}: {_text(v)}")
    if lines:
        yield Text(loc.with_(part="IPTC"), Visibility.METADATA, "\n".join(lines), "IPTC")


_XMP = re.compile(rb"<x:xmpmeta.*?</x:xmpmeta>", re.DOTALL)


def _xmp(im: Image.Image, loc: Location) -> Iterator[Content]:
    raw = im.info.get("xmp") or im.info.get("XML:com.adobe.xmp") or b""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "replace")
    match = _XMP.search(raw)
    if not match:
        return
    root = parse_xml(match.group(0), "XMP")
    texts = []
    for el in root.iter():
        if isinstance(el.tag, str) and el.text and el.text.strip() and len(el) == 0:
            tag = el.tag.rsplit("}", 1)[-1]
            if tag in ("li", "creator", "rights", "description", "title", "subject", "Owner", "OwnerName",
                       "CaptionWriter", "Credit", "PersonInImage", "AuthorsPosition"):
                parent = el.getparent().getparent() if tag == "li" and el.getparent() is not None else None
                label = parent.tag.rsplit("}", 1)[-1] if parent is not None and isinstance(parent.tag, str) else tag
                texts.append(f"{label}: {el.text.strip()}")
    if texts:
        yield Text(loc.with_(part="XMP"), Visibility.METADATA, "\n".join(texts), "XMP")


#: text chunk keys that only name the software or hold what another reader takes (XMP, EXIF)
_CHUNK_SKIP = {"XML:com.adobe.xmp", "Raw profile type exif", "Raw profile type APP1", "Software",
               "icc_profile", "exif", "xmp", "dpi", "gamma", "transparency", "aspect", "interlace"}


def _text_chunks(im: Image.Image, loc: Location) -> Iterator[Content]:
    """PNG text chunks (tEXt, zTXt, iTXt: a title, author, description, comment of any key)
    and the comment of a JPEG (COM) or a GIF: text that travels with the picture, unseen."""
    chunks = dict(getattr(im, "text", {}) or {}) if im.format == "PNG" else {}
    comment = im.info.get("comment")
    if comment:
        chunks["Comment"] = comment
    lines = [f"{k}: {_text(v)}" for k, v in chunks.items() if k not in _CHUNK_SKIP and _text(v)]
    if lines:
        yield Text(loc.with_(part="text chunks"), Visibility.METADATA, "\n".join(lines), "picture text")


def _ocr(im: Image.Image, source: Source, ctx: Context) -> Iterator[Content]:
    """The text a picture shows (a screenshot of a roster, a photographed list), read by
    tesseract when the picture is large enough to hold text, within the file's OCR budget."""
    from spillguard.formats import pdf_ocr

    width, height = im.size
    if ctx.limits.ocr_pictures <= 0 or width * height < ctx.limits.ocr_picture_pixels or min(width, height) < 32:
        return
    loc = Location(file=source.name, part="picture")
    if not pdf_ocr.available():
        yield Notice("SG132", "A picture large enough to hold text was not read: OCR is not installed", loc,
                     Visibility.VISIBLE, "install tesseract (Debian package tesseract-ocr) to read pictures")
        return
    if ctx.ocr_pictures >= ctx.limits.ocr_pictures:
        yield Notice("SG132", f"A picture was not read by OCR: {ctx.limits.ocr_pictures} already were "
                     "(ocr_pictures)", loc, Visibility.VISIBLE, "raise ocr_pictures to read every picture")
        return
    ctx.ocr_pictures += 1
    gray = im.convert("L")
    text = pdf_ocr.read_image(gray, ctx.limits.ocr_seconds_per_page)
    if text is None:
        yield Notice("SG132", "A picture could not be read by OCR (tesseract failed or ran out of time)", loc,
                     Visibility.VISIBLE, f"OCR is bounded by {ctx.limits.ocr_seconds_per_page} s per picture")
    elif text.strip():
        yield Text(loc, Visibility.VISIBLE, text, "picture, read by OCR")


def _thumbnail(im: Image.Image, loc: Location, ctx: Context) -> Iterator[Content]:
    from spillguard.formats import thumbnail

    ifd1 = im.getexif().get_ifd(ExifTags.IFD.IFD1)  # present even when IFD0 is empty
    offset, length = ifd1.get(513), ifd1.get(514)  # JPEGInterchangeFormat(Length)
    data = getattr(im, "applist", None)
    if not offset or not length or not data:
        return
    app1 = next((body for marker, body in data if marker == "APP1" and body.startswith(b"Exif\x00\x00")), None)
    if app1 is None:
        return
    blob = app1[6 + int(offset):6 + int(offset) + int(length)]  # type: ignore[call-overload]
    try:
        with Image.open(io.BytesIO(blob)) as thumb:
            thumb.load()
            small = thumb.convert("L").resize(_COMPARE)
            shown = thumb.copy()
        im.draft("L", (im.width // 8 or 1, im.height // 8 or 1))
        picture = im.convert("L").resize(_COMPARE)
    except (UnidentifiedImageError, OSError, ValueError):
        return
    mean = ImageStat.Stat(ImageChops.difference(small, picture)).mean[0]
    if mean < THUMBNAIL_DIFFERS:
        return
    # the rule of evidence: a thumbnail that differs blocks only when it shows a face or text
    seen = thumbnail.examine(shown, ctx.limits.ocr_seconds_per_page)
    where = loc.with_(part="EXIF thumbnail")
    if seen.words:
        # the thumbnail's text is judged like any text no reader sees
        yield Text(where, Visibility.EARLIER_REVISION, seen.text or "", "EXIF thumbnail, read by OCR")
    yield Notice("SG505", "The picture's embedded thumbnail differs from the picture", where,
                 Visibility.EARLIER_REVISION,
                 f"the thumbnail differs by {mean:.0f}/255 on average: it may still show what was "
                 f"cropped or blacked out; strip EXIF before publishing; in the thumbnail: {seen.explain()}",
                 severity=RULES["SG505"].severity("shows a face or text" if seen.shows_person_or_text else None))
