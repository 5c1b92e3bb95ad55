"""The catch-all: a part of a container that no dedicated reader knows is still read.

An XML part gives its text nodes and attribute values, a plain-text part its text, a part that
is a file of a known format is scanned as an embedded file; each with the visibility
``other_part`` and the part's name, so that a reviewer knows no reader was written for it.

A binary part of no known format is first decoded where it is in a known encoding (zlib or raw
deflate, gzip, base64 text, MS-OVBA compression: what Power Query's DataMashup and VBA modules
use) and read again. What is left is judged by its bytes: a part whose bytes are still
compressed or encrypted (high entropy) could not be read and fails closed (SG906); any other
binary part (records of a revision log, an ActiveX control's properties, a bitmap) gives up the
text it carries — its runs of single-byte and UTF-16 characters — which is judged like any text.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import struct
import zlib
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


#: markup read by its own reader, not as generic XML (an altChunk page of a Word document)
_MARKUP_FORMATS = frozenset({"html", "eml"})
#: formats that sniff loosely on any bytes that decode: for a part, plain_text decides instead
_TEXT_FORMATS = frozenset({"text", "csv", "json"})


#: bytes of padding: what a deleted part leaves behind in a package written by an old Office
PADDING = frozenset(b"\x00\xff \t\r\n")


def _is_xml(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def read_part(part: str, data: Callable[[], bytes], source: Source, ctx: Context, loc: Location,
              reader: str, what: str | None = None,
              visibility: Visibility = Visibility.OTHER_PART, depth: int = 0) -> Iterator[Content]:
    """Read one part no dedicated reader took; ``what`` names the kind of part when known."""
    from spillguard import formats
    from spillguard.formats.ooxml import parse_xml

    where = loc.with_(part=part)
    body = data()
    if set(body) <= PADDING:  # empty, or only zero/0xFF/space bytes: what a deleted part leaves behind
        ctx.covered(reader, structural=1)
        return
    label = f"{what}: {part}" if what else f"part {part}"
    fmt = formats.find(body[:8192])
    if _is_xml(body) and not (fmt is not None and fmt.NAME in _MARKUP_FORMATS):
        ctx.covered(reader, catch_all=1)
        text = xml_text(parse_xml(body, part))
        if text.strip():
            yield Text(where, visibility, text, label=label)
        return
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
    decoded = decode(body, ctx.limits.max_part_bytes)
    if decoded is not None and depth < MAX_DECODINGS:
        how, inner = decoded
        yield from read_part(f"{part} ({how}-decoded)", lambda: inner, source, ctx, loc, reader, what,
                             visibility, depth + 1)
        return
    bits = entropy(body)
    if compressed(bits, len(body)):
        reason = (f"{what} was not inspected" if what else "an unknown part was not inspected") + \
            f": {part} (compressed or encrypted: {bits:.1f} bits a byte, no known decoding)"
        yield Incomplete(PartNotInspected.rule, reason, where)
        return
    ctx.covered(reader, catch_all=1)
    strings = binary_strings(body)
    if strings.strip():
        yield Text(where, visibility, strings, label=f"{label} (text in binary records)")


#: decodings tried one inside another at most this many times
MAX_DECODINGS = 3
#: bits of information a byte from which a part is compressed or encrypted (text is ~4.5, x86
#: code ~6, a bitmap 1–5; zip, JPEG, AES and random bytes are ≥ 7.9)
HIGH_ENTROPY = 7.2
#: a part this short is read for its text whatever its bytes (it cannot hide a table)
MIN_ENTROPY_BYTES = 64
#: at most this much of a part is measured
_ENTROPY_SAMPLE = 4 << 20
#: runs of this many characters or more are text: single-byte (ASCII, Latin-1) or UTF-16LE
_RUN = 4
_SINGLE = re.compile(rb"[\x20-\x7e\xa0-\xff\t]{%d,}" % _RUN)
_WIDE = re.compile(rb"(?:[\x20-\x7e\xa0-\xff\t]\x00){%d,}" % _RUN)
#: at most this much text is taken from one binary part
MAX_BINARY_TEXT = 8 << 20


def entropy(data: bytes) -> float:
    """Shannon entropy of the bytes, in bits a byte (0–8)."""
    import numpy as np

    sample = np.frombuffer(data[:_ENTROPY_SAMPLE], dtype=np.uint8)
    if sample.size == 0:
        return 0.0
    counts = np.bincount(sample, minlength=256)
    p = counts[counts > 0] / sample.size
    return float(-(p * np.log2(p)).sum())


def compressed(bits: float, size: int) -> bool:
    """Bytes that are still compressed or encrypted: near the most entropy their length allows
    (n distinct bytes carry at most log2(n) bits a byte, so a short part is held to less)."""
    if size < MIN_ENTROPY_BYTES:
        return False
    return bits >= min(HIGH_ENTROPY, 0.9 * math.log2(size))


def binary_strings(data: bytes) -> str:
    """Runs of text inside binary records, in the order they stand, UTF-16 runs decoded."""
    found: list[tuple[int, str]] = []
    size = 0
    for m in _WIDE.finditer(data):
        found.append((m.start(), m.group(0).decode("utf-16-le", "replace")))
        size += len(found[-1][1])
        if size > MAX_BINARY_TEXT:
            break
    wide = [(m, m + 2 * len(t)) for m, t in found]
    for m in _SINGLE.finditer(data):
        if any(a <= m.start() < b for a, b in wide[:10_000]):
            continue
        text = m.group(0).decode("latin-1")
        if any(c.isalpha() for c in text):
            found.append((m.start(), text))
            size += len(text)
        if size > MAX_BINARY_TEXT:
            break
    return "\n".join(t for _, t in sorted(found))


_BASE64 = re.compile(rb"[A-Za-z0-9+/=\r\n]+")


def decode(body: bytes, limit: int) -> tuple[str, bytes] | None:
    """The part decoded, when it is in an encoding spillguard knows: (encoding, bytes)."""
    if body[:2] == b"\x1f\x8b":
        out = _inflate(body, limit, 16 + zlib.MAX_WBITS)
        if out:
            return "gzip", out
    if body[:1] == b"\x78" and (body[0] * 256 + body[1]) % 31 == 0:
        out = _inflate(body, limit, zlib.MAX_WBITS)
        if out:
            return "zlib", out
    if len(body) >= 64 and _BASE64.fullmatch(body[:4096]) and len(body) % 4 in (0, 2, 3):
        try:
            return "base64", base64.b64decode(re.sub(rb"\s+", b"", body), validate=True)
        except (binascii.Error, ValueError):
            pass
    if body[:1] == b"\x01" and len(body) > 3:
        out = ovba_decompress(body, limit)
        if out:
            return "MS-OVBA", out
    out = _inflate(body, limit, -zlib.MAX_WBITS)
    if out and len(out) > len(body):
        return "deflate", out
    return None


def _inflate(body: bytes, limit: int, wbits: int) -> bytes | None:
    try:
        engine = zlib.decompressobj(wbits)
        out = engine.decompress(body, limit)
    except zlib.error:
        return None
    return out if engine.eof and out else None


def ovba_decompress(body: bytes, limit: int) -> bytes | None:
    """MS-OVBA 2.4.1 decompression (VBA module source, the VBA project's dir stream), through
    oletools' implementation; None when the bytes are not such a container."""
    import warnings

    try:
        with warnings.catch_warnings():  # its pyparsing grammar uses names pyparsing deprecates
            warnings.simplefilter("ignore")
            from oletools.olevba import decompress_stream
    except ImportError:
        return None
    try:
        out = bytes(decompress_stream(bytearray(body)))
    except Exception:
        return None
    return out[:limit] if out else None


#: streams of any OLE compound file that hold no text: the class id, OLE link and object info,
#: property sets (read by ``ole.properties`` where they name people), and VBA projects (SG115)
OLE_STRUCTURAL = re.compile(r"\x01CompObj|\x01Ole|\x02OlePres\d{3}|\x03ObjInfo|\x03EPRINT|\x05.*|"
                            r"_VBA_PROJECT.*|Macros(/.*)?|VBA/.*|PROJECT(wm)?|\x03AppName")


def ole_leftovers(data: bytes, streams: set[str], consumed: Callable[[str], bool], source: Source, ctx: Context,
                  loc: Location, reader: str, unreadable: dict[str, str] | None = None,
                  places: dict[str, Visibility] | None = None) -> Iterator[Content]:
    """Every stream of an OLE compound file that the format's reader neither consumed nor knows
    to hold no text goes to the catch-all, as a zip package's parts do; counted for coverage.
    ``unreadable`` names what a stream holds, ``places`` where a reader would (not) see it."""
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
            place = next((v for k, v in (places or {}).items() if stream == k or stream.startswith(f"{k}/")),
                         Visibility.OTHER_PART)
            try:
                body = ole.openstream(stream).read()
            except (OSError, ValueError, IndexError, struct.error, TypeError, OverflowError, KeyError) as exc:
                yield Incomplete("SG901", f"a stream of the OLE file cannot be read ({type(exc).__name__}): {stream}",
                                 loc.with_(part=stream))
                continue
            yield from read_part(stream, lambda b=body: b, source, ctx, loc, reader, what, place)
