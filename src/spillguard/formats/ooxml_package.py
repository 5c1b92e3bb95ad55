"""What every OOXML package reader (xlsx, docx, pptx) does the same way: scan embedded files
with the whole registry, report macro projects, and account for every part it did not read."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator

from spillguard.formats import catch_all
from spillguard.formats.base import Context, Source
from spillguard.formats.ooxml import SafeZip
from spillguard.model import Content, Incomplete, Location, Notice, Text, Visibility


def matching(z: SafeZip, pattern: str) -> set[str]:
    rx = re.compile(pattern)
    return {n for n in z.names if rx.fullmatch(n)}


def embeddings(z: SafeZip, source: Source, ctx: Context, loc: Location, handled: set[str],
               folder: str, what: str) -> Iterator[Content]:
    """Files under ``folder`` (e.g. ``word/embeddings/``) are scanned as files of their own;
    what they show in plain view is, for the reader of ``what``, inside an embedded object."""
    for part in sorted(p for p in z.names if p.startswith(folder) and not p.endswith("/")):
        handled.add(part)
        where = loc.with_(part=part)
        yield Notice("SG114", f"An embedded object travels inside the {what}: {posixpath.basename(part)}",
                     where, Visibility.EMBEDDED_OBJECT, f"embedded files are published with the {what}")
        yield from scan_embedded(source, ctx, where, part, lambda p=part: z.read(p))


def scan_embedded(source: Source, ctx: Context, where: Location, part: str,
                  data: Callable[[], bytes]) -> Iterator[Content]:
    """An embedded file scanned with the whole registry; what it shows in plain view is, for the
    reader of the outer file, inside an embedded object."""
    if source.depth + 1 > ctx.limits.max_depth:
        yield Incomplete("SG903", f"embedded object nested deeper than {ctx.limits.max_depth} levels (max_depth)",
                         where)
        return
    for content in ctx.nested(Source(f"{source.name}!/{part}", data=data(), depth=source.depth + 1)):
        if getattr(content, "visibility", None) is Visibility.VISIBLE:
            content.visibility = Visibility.EMBEDDED_OBJECT
        yield content


def diagrams(z: SafeZip, folder: str, loc: Location, handled: set[str]) -> Iterator[Content]:
    """SmartArt (``<folder>diagrams/``): the data part holds the text the diagram shows; the
    drawing part is a rendered copy of it, and layout, colours and style hold none."""
    parts = sorted(p for p in z.names if p.startswith(f"{folder}diagrams/") and not p.endswith("/"))
    for part in parts:
        handled.add(part)
        if not re.fullmatch(rf"{re.escape(folder)}diagrams/data\d*\.xml", part):
            continue
        lines = ["".join(t.text or "" for t in p.iter("{*}t")) for p in z.xml(part).iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/main}p")]
        if any(line.strip() for line in lines):
            yield Text(loc.with_(part=part, line=1), Visibility.VISIBLE, "\n".join(lines), "SmartArt diagram")


def macros(z: SafeZip, part: str, loc: Location, handled: set[str], what: str) -> Iterator[Content]:
    if z.has(part):
        handled.add(part)
        yield Notice("SG115", f"The {what} carries a macro (VBA) project", loc.with_(part=part),
                     Visibility.EMBEDDED_OBJECT, "macro code can hold data and paths; publish without macros")
        from spillguard.formats import scripts

        yield from scripts.vba_contents(z.read(part), part, loc.with_(part=part))


def leftovers(z: SafeZip, source: Source, ctx: Context, loc: Location, handled: set[str],
              structural: re.Pattern[str], unreadable: dict[str, str], reader: str,
              places: dict[str, Visibility] | None = None) -> Iterator[Content]:
    """Every part neither read nor known to hold no data goes to the catch-all (text, XML or a
    file of a known format); a binary part of no known format is not inspected (SG906). The
    parts are counted by how they were read, for the report's coverage."""
    rest = [p for p in z.names if p not in handled and not p.endswith("/")]
    plain = [p for p in rest if structural.match(p)]
    ctx.covered(reader, read=len(handled & set(z.names)), structural=len(plain))
    for part in rest:
        if structural.match(part) or _padding(z, part):
            continue  # an empty part, or one of only zero/0xFF/space bytes ("[trash]/0000.dat"): nothing
        what = next((v for k, v in unreadable.items() if part.startswith(k)), None)
        vis = next((v for k, v in (places or {}).items() if part.startswith(k)), Visibility.OTHER_PART)
        yield from catch_all.read_part(part, lambda p=part: z.read(p), source, ctx, loc, reader, what, vis)




def _padding(z: SafeZip, part: str) -> bool:
    """Small parts are checked byte by byte; anything of 1 MiB or more is never padding."""
    try:
        if z.zf.getinfo(part).file_size >= 1 << 20:
            return False
    except KeyError:
        return False
    return set(z.read(part)) <= catch_all.PADDING
