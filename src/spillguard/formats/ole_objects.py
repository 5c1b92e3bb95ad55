"""Embedded objects of legacy Office files: the ``MBD…`` storages of an .xls (and ``ObjectPool``
entries of a .doc), each one OLE object ([MS-OLEDS]).

What an object holds decides how it is read:

* ``Package`` — an embedded OOXML file (a workbook in a workbook): scanned with the whole registry;
* ``\\x01Ole10Native`` — a packaged file (any file dropped into the document): its payload scanned;
* ``CONTENTS`` of a picture class (Photo Editor, Paintbrush, a bitmap or metafile) — a picture: an
  embedded picture (SG114); its bytes are scanned when they are a format the registry reads;
* only presentation streams (``\\x02OlePres…``, ``CompObj``, ``\\x01Ole``) — the object's picture, drawn
  from data kept elsewhere: an embedded object, nothing more to read;
* anything else (an MS Graph chart's binary workbook, an equation, an ActiveX control) is read by
  the catch-all (formats/catch_all.py): decoded where it can be, its text judged, and not
  inspected (SG906) only when its bytes are still compressed or encrypted.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterator

from spillguard.formats import catch_all
from spillguard.formats.base import Context, Source
from spillguard.formats.ooxml_package import scan_embedded
from spillguard.model import Content, Incomplete, Location, Notice, Visibility

#: streams that only describe or draw an object
_PRESENTATION = re.compile(r"^(?:\x01Ole|\x01CompObj|CompObj|Ole|\x03ObjInfo|ObjInfo|\x02OlePres\d{3}|"
                           r"CONTENTSV30|\x01Ole10ItemName|\x03EPRINT|\x03META|\x01AccessObjSiteData)$")
#: class names of pictures (CompObj user type or ProgID)
_PICTURE = re.compile(r"picture|photo|paint|bitmap|metafile|\bdib\b|image|pbrush|msphotoed|staticdib",
                      re.IGNORECASE)


def object_class(comp_obj: bytes) -> str:
    """The object's user type and ProgID from its CompObj stream (length-prefixed ANSI strings)."""
    found = [s.decode("latin-1") for s in re.findall(rb"[\x20-\x7e]{3,}", comp_obj[28:])]
    return " / ".join(s.strip() for s in found[:3]) or "unknown class"


def read_objects(storages: dict[str, dict[str, Callable[[], bytes]]], source: Source, ctx: Context,
                 loc: Location) -> Iterator[Content]:
    """``storages``: object storage name → its stream names → a reader of the stream's bytes."""
    for name in sorted(storages):
        streams = storages[name]
        where = loc.with_(part=name)
        comp = next((r for s, r in streams.items() if s in ("\x01CompObj", "CompObj")), None)
        cls = object_class(comp()) if comp else "unknown class"
        yield Notice("SG114", f"An embedded object travels inside the workbook: {name} ({cls})", where,
                     Visibility.EMBEDDED_OBJECT, "embedded objects are published with the file; its content "
                     "is scanned where it can be read")
        data_streams = {s: r for s, r in streams.items() if not _PRESENTATION.match(s)}
        if "Package" in data_streams:
            yield from scan_embedded(source, ctx, where, f"{name}/Package", data_streams.pop("Package"))
        if "\x01Ole10Native" in data_streams:
            payload = _ole10_native(data_streams.pop("\x01Ole10Native")())
            if payload is None:
                yield Incomplete("SG901", f"a packaged object is damaged: {name}", where)
            else:
                yield from scan_embedded(source, ctx, where, f"{name}/Ole10Native", lambda p=payload: p)
        if "CONTENTS" in data_streams and _PICTURE.search(cls):
            reader = data_streams.pop("CONTENTS")
            yield from _picture(source, ctx, where, name, reader)
        for stream in sorted(data_streams):
            yield from catch_all.read_part(f"{name}/{stream.strip(chr(1) + chr(2) + chr(3))}", data_streams[stream],
                                           source, ctx, loc, "ole", f"an embedded object of class {cls}",
                                           Visibility.EMBEDDED_OBJECT)


def _picture(source: Source, ctx: Context, where: Location, name: str,
             reader: Callable[[], bytes]) -> Iterator[Content]:
    """A picture object's bytes: scanned when the registry knows the format (metadata, OCR);
    a format it does not know (a Photo Editor bitmap) is the picture SG114 already reports."""
    from spillguard import formats

    data = reader()
    if formats.find(data[:8192]) is None:
        return
    yield from scan_embedded(source, ctx, where, f"{name}/CONTENTS", lambda: data)


def _ole10_native(raw: bytes) -> bytes | None:
    """[MS-OLEDS] 2.3.6 OLE1.0 native data: size, then (for a package) label, path, reserved,
    temp path, data size and data. A native stream that is not a package is its data."""
    try:
        (size,) = struct.unpack_from("<I", raw, 0)
        body = raw[4:4 + size]
        if body[:2] != b"\x02\x00":
            return body
        pos = 2
        for _ in range(2):  # label, original path
            pos = body.index(b"\x00", pos) + 1
        pos += 4  # reserved
        (tlen,) = struct.unpack_from("<I", body, pos)
        pos += 4 + tlen
        (dlen,) = struct.unpack_from("<I", body, pos)
        pos += 4
        data = body[pos:pos + dlen]
        return data if len(data) == dlen else None
    except (struct.error, ValueError):
        return None
