"""Pictures inside documents (``word/media``, ``ppt/media``, ``xl/media``, ODF ``Pictures/``):
each is scanned as an image of its own, so a photo's GPS position, artist or caption, or a
thumbnail that still shows what was cropped, is found inside the document that carries it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from spillguard.formats.base import Context, Source
from spillguard.model import Content, Incomplete, Location, Notice, Visibility

#: formats that carry EXIF, IPTC or XMP metadata (others are pixels only)
#: (or that OCR can read: GIF and BMP screenshots)
_WITH_METADATA = (".jpg", ".jpeg", ".jpe", ".tif", ".tiff", ".png", ".webp", ".heic", ".heif", ".gif", ".bmp")


def pictures(names: Iterable[str], read: Callable[[str], bytes], source: Source, ctx: Context, loc: Location,
             folders: tuple[str, ...], head: Callable[[str, int], bytes] | None = None) -> Iterator[Content]:
    """Scan each picture of ``folders`` for its metadata; with ``head``, a part there that is no
    picture, sound or video by its first bytes (a script or a workbook stowed among the pictures,
    whatever its name says) is reported as an embedded file and scanned like one."""
    for part in sorted(n for n in names if n.startswith(folders) and not n.endswith("/")):
        if head is not None and not is_media(head(part, 512)):
            from spillguard.formats.ooxml_package import scan_embedded

            where = loc.with_(part=part)
            yield Notice("SG114", f"A file that is no picture travels among the pictures: {part}", where,
                         Visibility.EMBEDDED_OBJECT, "files stowed in the package are published with it")
            yield from scan_embedded(source, ctx, where, part, lambda p=part: read(p))
            continue
        if not part.lower().endswith(_WITH_METADATA):
            continue
        if source.depth + 1 > ctx.limits.max_depth:
            yield Incomplete("SG903", f"picture nested deeper than {ctx.limits.max_depth} levels (max_depth)",
                             loc.with_(part=part))
            continue
        yield from ctx.nested(Source(f"{source.name}!/{part}", data=read(part), depth=source.depth + 1))


#: first bytes of pictures, drawings, sound and video a document may carry
_MAGIC = (
    b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"II\xbc", b"\xd7\xcd\xc6\x9a",
    b"\x01\x00\x09\x00", b"\x02\x00\x09\x00", b"\x00\x00\x01\x00", b"RIFF", b"ID3", b"OggS", b"fLaC",
    b"\x1aE\xdf\xa3", b"0&\xb2u", b"\x00\x00\x00\x0cjP", b"\xff\x0a", b"%PDF", b"%!PS", b"\xc5\xd0\xd3\xc6",
)


def is_media(first: bytes) -> bool:
    """Whether ``first`` (a part's first bytes) opens a picture, drawing, sound or video."""
    if not first or first.startswith(_MAGIC):
        return True
    if first[4:8] == b"ftyp" or (first[:4] == b"\x01\x00\x00\x00" and first[40:44] == b" EMF"):
        return True
    if len(first) >= 2 and first[0] == 0xFF and first[1] & 0xE0 == 0xE0:  # MPEG audio frame
        return True
    text = first.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"<") and b"<svg" in first.lower()  # SVG, perhaps after a prolog
