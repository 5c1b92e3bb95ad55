"""Pictures inside documents (``word/media``, ``ppt/media``, ``xl/media``, ODF ``Pictures/``):
each is scanned as an image of its own, so a photo's GPS position, artist or caption, or a
thumbnail that still shows what was cropped, is found inside the document that carries it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from spillguard.formats.base import Context, Source
from spillguard.model import Content, Incomplete, Location

#: formats that carry EXIF, IPTC or XMP metadata (others are pixels only)
_WITH_METADATA = (".jpg", ".jpeg", ".jpe", ".tif", ".tiff", ".png", ".webp", ".heic", ".heif")


def pictures(names: Iterable[str], read: Callable[[str], bytes], source: Source, ctx: Context, loc: Location,
             folders: tuple[str, ...]) -> Iterator[Content]:
    for part in sorted(n for n in names if n.startswith(folders) and n.lower().endswith(_WITH_METADATA)):
        if source.depth + 1 > ctx.limits.max_depth:
            yield Incomplete("SG903", f"picture nested deeper than {ctx.limits.max_depth} levels (max_depth)",
                             loc.with_(part=part))
            continue
        yield from ctx.nested(Source(f"{source.name}!/{part}", data=read(part), depth=source.depth + 1))
