"""The catch-all: a part of a container that no dedicated reader knows is still read.

An XML part gives its text nodes and attribute values, a plain-text part its text, a part that
is a file of a known format is scanned as an embedded file; each with the visibility
``other_part`` and the part's name, so that a reviewer knows no reader was written for it.
Only a part that is none of these (binary of no known format) stays "not inspected" (SG906):
the gate still fails closed on what nobody can read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml import etree

from spillguard.errors import PartNotInspected
from spillguard.formats.base import Context, Source
from spillguard.model import Content, Incomplete, Location, Notice, Text, Visibility

#: a share of characters that must be printable for a part to count as text
_PRINTABLE = 0.95
#: attribute values that carry no words: numbers, booleans, GUIDs, namespace and schema URIs
_NO_WORDS = re.compile(r"[-+\d.,%:;#/\s]*|true|false|on|off|\{[0-9A-Fa-f-]{36}\}|urn:[^\s]*|"
                       r"https?://(?:schemas\.|www\.w3\.org|purl\.org|ns\.adobe\.com)[^\s]*", re.I)


def xml_text(root: etree._Element) -> str:
    """Every text node and every worded attribute value of an XML tree, one per line."""
    lines: list[str] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for value in el.attrib.values():
            value = value.strip()
            if value and not _NO_WORDS.fullmatch(value):
                lines.append(value)
        for text in (el.text, el.tail):
            if text and text.strip():
                lines.append(text.strip())
    return "\n".join(lines)


def plain_text(data: bytes) -> str | None:
    """The part as text when it is text (UTF-8, UTF-16 with a BOM, or Latin-1), else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", "replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    if not text:
        return None
    printable = sum(c.isprintable() or c in "\t\r\n" for c in text)
    return text if printable >= _PRINTABLE * len(text) else None


#: formats that sniff loosely on any bytes that decode: for a part, plain_text decides instead
_TEXT_FORMATS = frozenset({"text", "csv", "json"})


#: bytes of padding: what a deleted part leaves behind in a package written by an old Office
PADDING = frozenset(b"\x00\xff \t\r\n")


def _is_xml(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def read_part(part: str, data: Callable[[], bytes], source: Source, ctx: Context, loc: Location,
              reader: str, what: str | None = None,
              visibility: Visibility = Visibility.OTHER_PART) -> Iterator[Content]:
    """Read one part no dedicated reader took; ``what`` names the kind of part when known."""
    from spillguard import formats
    from spillguard.formats.ooxml import parse_xml

    where = loc.with_(part=part)
    body = data()
    if set(body) <= PADDING:  # empty, or only zero/0xFF/space bytes: what a deleted part leaves behind
        ctx.covered(reader, structural=1)
        return
    label = f"{what}: {part}" if what else f"part {part}"
    if _is_xml(body):
        ctx.covered(reader, catch_all=1)
        text = xml_text(parse_xml(body, part))
        if text.strip():
            yield Text(where, visibility, text, label=label)
        return
    fmt = formats.find(body[:8192])
    if fmt is not None and fmt.NAME not in _TEXT_FORMATS:  # text is judged below, more strictly
        from spillguard.formats.ooxml_package import scan_embedded

        ctx.covered(reader, catch_all=1)
        yield Notice("SG114", f"A file travels in a part no reader knows: {part}", where,
                     Visibility.EMBEDDED_OBJECT, "files stowed in the package are published with it")
        yield from scan_embedded(source, ctx, where, part, lambda: body)
        return
    text = plain_text(body)
    if text is not None:
        ctx.covered(reader, catch_all=1)
        if text.strip():
            yield Text(where, visibility, text, label=label)
        return
    reason = f"{what} was not inspected: {part}" if what else f"unknown part was not inspected: {part}"
    yield Incomplete(PartNotInspected.rule, reason, where)


#: streams of any OLE compound file that hold no text: the class id, OLE link and object info,
#: property sets (read by ``ole.properties`` where they name people), and VBA projects (SG115)
OLE_STRUCTURAL = re.compile(r"\x01CompObj|\x01Ole|\x02OlePres\d{3}|\x03ObjInfo|\x03EPRINT|\x05.*|"
                            r"_VBA_PROJECT.*|Macros(/.*)?|VBA/.*|PROJECT(wm)?|\x03AppName")


def ole_leftovers(data: bytes, streams: set[str], consumed: Callable[[str], bool], source: Source, ctx: Context,
                  loc: Location, reader: str, unreadable: dict[str, str] | None = None) -> Iterator[Content]:
    """Every stream of an OLE compound file that the format's reader neither consumed nor knows
    to hold no text goes to the catch-all, as a zip package's parts do; counted for coverage."""
    import olefile

    rest = sorted(s for s in streams if not consumed(s))
    ctx.covered(reader, read=len(streams) - len(rest), structural=sum(bool(OLE_STRUCTURAL.fullmatch(s)) for s in rest))
    todo = [s for s in rest if not OLE_STRUCTURAL.fullmatch(s)]
    if not todo:
        return
    with olefile.OleFileIO(data) as ole:  # opened once for every leftover stream
        for stream in todo:
            what = next((v for k, v in (unreadable or {}).items() if stream == k or stream.startswith(f"{k}/")),
                        None)
            yield from read_part(stream, lambda p=stream: ole.openstream(p).read(), source, ctx, loc, reader, what)
