"""Pictures without their metadata: the pixels are copied into a new image of the same format,
so EXIF (with the GPS position and the thumbnail), IPTC, XMP and comments stay behind. A
rotation the EXIF orientation asked for is applied to the pixels first, so the picture looks the
same."""

from __future__ import annotations

from pathlib import Path

from PIL import ExifTags, Image, ImageOps

from spillguard.clean.model import Cleaned, Options
from spillguard.config import Config

_META = (("xmp", "XMP packets"), ("XML:com.adobe.xmp", "XMP packets"), ("photoshop", "IPTC blocks"),
         ("comment", "comments"))


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    with Image.open(path) as im:
        fmt = im.format or "PNG"
        exif = im.getexif()
        if len(exif):
            result.removed["EXIF blocks"] += 1
        if exif.get_ifd(ExifTags.IFD.GPSInfo):
            result.removed["GPS positions"] += 1
        if exif.get_ifd(ExifTags.IFD.IFD1):
            result.removed["EXIF thumbnails"] += 1
        for key, what in _META:
            if im.info.get(key):
                result.removed[what] += 1
        upright = ImageOps.exif_transpose(im)
        pixels = Image.new(upright.mode, upright.size)
        pixels.paste(upright)
        if upright.mode == "P" and upright.getpalette():
            pixels.putpalette(upright.getpalette())
    out.parent.mkdir(parents=True, exist_ok=True)
    pixels.save(out, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    result.outputs.append(out.as_posix())
    result.kept["pictures"] += 1
    return result
