"""PDF objects no page, annotation, form, outline, attachment or property reader takes.

A PDF is a heap of numbered objects; the dedicated readers reach theirs from the document
catalog (the page tree, annotations, the form, the outline, the attached files, Info and XMP).
What is left is read here, as the catch-all reads a package's unknown parts:

* objects reached only through a catalog key no reader knows (an application's private data,
  ``/PieceInfo``, a custom key holding an export), and
* objects nothing references at all (orphans: left by an editor or put there on purpose).

A stream among them is decoded and read as text, XML or a stowed file (``catch_all.read_part``);
a dictionary or array gives its strings. Pictures, fonts, colour profiles, object and
cross-reference streams hold no text; an orphaned page-content stream is what an incremental
update replaced, which the earlier-revision reader already compares. Each is counted for the
report's coverage (``pdf``: read, structural, catch_all).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pikepdf

from spillguard.formats import catch_all
from spillguard.formats.base import Context, Source
from spillguard.model import Content, Incomplete, Location, Text, Visibility

READER = "pdf"
#: catalog keys whose objects a dedicated reader takes, or that hold no text of their own
_KNOWN = frozenset({"/Type", "/Version", "/Pages", "/PageLabels", "/Names", "/Dests", "/ViewerPreferences",
                    "/PageLayout", "/PageMode", "/Outlines", "/Threads", "/OpenAction", "/AA", "/URI",
                    "/AcroForm", "/Metadata", "/StructTreeRoot", "/MarkInfo", "/Lang", "/SpiderInfo",
                    "/OutputIntents", "/OCProperties", "/Perms", "/Legal", "/Requirements", "/Collection",
                    "/NeedsRendering", "/Extensions", "/AF", "/DSS", "/DPartRoot"})
#: streams that hold no text: pictures, fonts, colour profiles, object and xref streams
_NO_TEXT_TYPES = frozenset({"/XRef", "/ObjStm", "/Metadata", "/EmbeddedFile"})
_NO_TEXT_SUBTYPES = frozenset({"/Image", "/Type1C", "/CIDFontType0C", "/OpenType", "/XML"})
#: a line of page-content drawing instructions ends with an operator (ISO 32000-1 Annex A)
_OPERATOR = re.compile(rb"(?:^|\s|[)\]>])(?:b\*?|B\*?|BDC|BI|BMC|BT|BX|c|cm|CS|cs|d|d0|d1|Do|DP|EI|EMC|ET|EX|f\*?|F|"
                       rb"G|g|gs|h|i|ID|j|J|K|k|l|m|M|MP|n|q|Q|re|RG|rg|ri|s|S|SC|sc|SCN|scn|sh|T\*|Tc|Td|TD|Tf|"
                       rb"Tj|TJ|TL|Tm|Tr|Ts|Tw|Tz|v|w|W\*?|y|'|\")\s*$")
#: an Info dictionary an update replaced has these keys
_INFO_KEYS = frozenset({"/Producer", "/Creator", "/CreationDate", "/ModDate", "/Author", "/Title"})
#: at most this many strings from one dictionary or array are read
_MAX_STRINGS = 10_000


def _walk(start: object, seen: set[tuple[int, int]]) -> None:
    """Mark every indirect object reachable from ``start``."""
    stack = [start]
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            key = obj.objgen
            if key in seen:
                continue
            seen.add(key)
        if isinstance(obj, pikepdf.Stream):
            stack.extend(obj.stream_dict.values())
        elif isinstance(obj, pikepdf.Dictionary):
            stack.extend(obj.values())
        elif isinstance(obj, pikepdf.Array):
            stack.extend(obj)


def _strings(obj: object) -> list[str]:
    """The text strings of a dictionary or array, nested ones included (not through references:
    a referenced object is read on its own)."""
    out: list[str] = []
    stack = [obj]
    while stack and len(out) < _MAX_STRINGS:
        item = stack.pop()
        if isinstance(item, pikepdf.String):
            text = str(item).strip()
            if any(c.isalpha() for c in text):
                out.append(text)
            continue
        if isinstance(item, pikepdf.Stream):
            children = list(item.stream_dict.values())
        elif isinstance(item, pikepdf.Dictionary):
            children = list(item.values())
        elif isinstance(item, pikepdf.Array):
            children = list(item)
        else:
            continue
        stack.extend(c for c in children if not (isinstance(c, pikepdf.Object) and c.is_indirect))
    return out


#: the keys of a linearized file's hint stream (ISO 32000-1 Annex F): offsets, no text
_HINT_KEYS = frozenset({"/Length", "/Filter", "/DecodeParms", "/S", "/T", "/O", "/A", "/E", "/V", "/I", "/C", "/L"})


def _drawing(body: bytes) -> bool:
    """Page-content instructions (most lines end with an operator), not data."""
    lines = [line for line in body[:65536].splitlines() if line.strip()]
    return bool(lines) and sum(bool(_OPERATOR.search(line)) for line in lines) >= 0.8 * len(lines)


def _no_text(stream: pikepdf.Stream) -> bool:
    if "/S" in stream and set(stream.stream_dict.keys()) <= _HINT_KEYS:
        return True  # a hint stream: the linearization dictionary points at it by offset, not by reference
    return (stream.get("/Type") in _NO_TEXT_TYPES or stream.get("/Subtype") in _NO_TEXT_SUBTYPES
            or any(k in stream for k in ("/Length1", "/Length2", "/N", "/FunctionType", "/ShadingType")))


def leftovers(pdf: pikepdf.Pdf, source: Source, ctx: Context, loc: Location) -> Iterator[Content]:
    """Read what no dedicated reader reaches (see the module's note)."""
    known: set[tuple[int, int]] = set()
    for key, value in pdf.trailer.items():  # Info (read), Encrypt, ID; the catalog below
        if key != "/Root":
            _walk(value, known)
    root = pdf.Root
    if root.is_indirect:
        known.add(root.objgen)
    private: set[tuple[int, int]] = set()
    for key, value in root.items():
        _walk(value, known if key in _KNOWN else private)
    private -= known
    for key, value in root.items():  # a private key's own value, written in the catalog itself
        if key not in _KNOWN and not (isinstance(value, pikepdf.Object) and value.is_indirect):
            texts = _strings(value)
            if texts:
                ctx.covered(READER, catch_all=1)
                yield Text(loc.with_(part=f"catalog {key}"), Visibility.OTHER_PART, "\n".join(texts),
                           label=f"catalog {key} (private data)")
    read = structural = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream):
            continue  # a bare number, name or string object: a value others use
        key = obj.objgen
        if key in known:
            read += 1
            continue
        part = f"object {key[0]} {key[1]}" + (" (private data)" if key in private else " (referenced by nothing)")
        if isinstance(obj, pikepdf.Stream):
            if _no_text(obj):
                structural += 1
                continue
            try:
                body = obj.read_bytes()
            except pikepdf.PdfError:
                yield Incomplete("SG906", f"a stream no reader takes cannot be decoded: {part}", loc.with_(part=part))
                continue
            if key not in private and _drawing(body):
                structural += 1  # drawing instructions an update replaced: the revision reader compares them
                continue
            yield from catch_all.read_part(part, lambda b=body: b, source, ctx, loc, READER)
            continue
        texts = _strings(obj)
        if not texts:
            structural += 1
            continue
        ctx.covered(READER, catch_all=1)
        if key not in private and len(_INFO_KEYS & set(obj.keys())) >= 2:
            # document properties an incremental update replaced: the earlier revision's own
            # properties, judged as properties are (the revision itself is reported by pdf.py)
            yield Text(loc.with_(part=part), Visibility.METADATA, "\n".join(texts),
                       label="document properties of an earlier revision")
            continue
        yield Text(loc.with_(part=part), Visibility.OTHER_PART, "\n".join(texts), label=part)
    ctx.covered(READER, read=read, structural=structural)
