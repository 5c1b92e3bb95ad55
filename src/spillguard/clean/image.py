"""Pictures without their metadata: the pixels are copied into a new image of the same format,
so EXIF (with the GPS position and the thumbnail), IPTC, XMP and comments stay behind. A
rotation the EXIF orientation asked for is applied to the pixels first, so the picture looks the
same. Used for picture files and for the pictures inside documents."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from PIL import ExifTags, Image, ImageOps

from spillguard.clean.model import Cleaned, Options
from spillguard.config import Config

_META = (("xmp", "XMP packets"), ("XML:com.adobe.xmp", "XMP packets"), ("photoshop", "IPTC blocks"),
         ("comment", "comments"))
#: picture formats that carry metadata (others are copied untouched)
WITH_METADATA = (".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff", ".webp")


def strip(data: bytes, removed: Counter[str]) -> bytes:
    """The same picture without metadata (counts what went into ``removed``)."""
    with Image.open(io.BytesIO(data)) as im:
        fmt = im.format or "PNG"
        exif = im.getexif()
        if len(exif):
            removed["EXIF blocks"] += 1
        if exif.get_ifd(ExifTags.IFD.GPSInfo):
            removed["GPS positions"] += 1
        if exif.get_ifd(ExifTags.IFD.IFD1):
            removed["EXIF thumbnails"] += 1
        for key, what in _META:
            if im.info.get(key):
                removed[what] += 1
        upright = ImageOps.exif_transpose(im)
        pixels = Image.new(upright.mode, upright.size)
        pixels.paste(upright)
        if upright.mode == "P" and upright.getpalette():
            pixels.putpalette(upright.getpalette())
    out = io.BytesIO()
    pixels.save(out, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    data = strip(path.read_bytes(), result.removed)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    result.outputs.append(out.as_posix())
    result.kept["pictures"] += 1
    return result
