"""OLE compound files (olefile): legacy Office documents and encrypted OOXML.

An encrypted (password-protected) Office file is an OLE container holding ``EncryptedPackage``:
SG902. A legacy Excel workbook (.xls) is read by the xls module. Legacy Word (.doc) and
PowerPoint (.ppt) documents have no maintained pure-Python reader: LibreOffice converts them to
docx / pptx (formats/convert.py), which the docx and pptx readers read — tracked changes,
comments, hidden text, speaker notes and embedded objects included; every location says
"converted". Without LibreOffice their summary properties are read and the body is reported as
not supported (SG905, naming the package to install), so the file fails closed.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator

import olefile

from spillguard.errors import CorruptFile, EncryptedFile, UnsupportedFormat
from spillguard.formats import catch_all, convert, magic, msg, xls
from spillguard.formats.base import Context, Source
from spillguard.formats.cells import record_table
from spillguard.model import Content, Incomplete, Location, Text, Visibility

NAME = "ole"
#: summary-information fields that name a person, and free-text ones
_PEOPLE = ("author", "last_saved_by", "manager")
_TEXTS = ("title", "subject", "keywords", "comments", "company", "category")


#: streams the conversion reads: the text, tables and pictures of the document, its embedded
#: objects (``ObjectPool``) and property sets
_WORD = re.compile(r"WordDocument|[01]Table|Data|ObjectPool(/.*)?|\x05(Summary|DocumentSummary)Information")
_POWERPOINT = re.compile(r"PowerPoint Document|Current User|Pictures|\x05(Summary|DocumentSummary)Information")


sniff = magic.ole


def read(source: Source, ctx: Context) -> Iterator[Content]:
    try:
        with source.open() as fh:
            data = fh.read()
        with olefile.OleFileIO(data) as ole:
            streams = {"/".join(s) for s in ole.listdir(streams=True, storages=False)}
            meta = ole.get_metadata()
    except (OSError, ValueError, IndexError, struct.error, TypeError, OverflowError, KeyError) as exc:
        raise CorruptFile(f"OLE container is corrupt ({type(exc).__name__})") from None
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise EncryptedFile("the file is encrypted (password-protected Office document)")
    loc = Location(file=source.name)
    if msg.is_message(streams):
        yield from _message(data, source, ctx)
        return
    if "Workbook" in streams or "Book" in streams:
        yield from properties(meta, loc)
        yield from xls.read_workbook(data, source, ctx, streams)
        return
    kind = ("legacy Word document (.doc)" if "WordDocument" in streams else
            "legacy PowerPoint presentation (.ppt)" if "PowerPoint Document" in streams else None)
    if kind is None:
        # an OLE object of a class no reader knows (a Visio drawing, a Photo Editor picture, an
        # equation): its properties and every stream are read by the catch-all, which fails
        # closed only on a stream still compressed or encrypted after the known decodings
        yield from properties(meta, loc)
        yield from catch_all.ole_leftovers(data, streams, lambda s: False, source, ctx, loc, NAME)
        return
    target = "docx" if "WordDocument" in streams else "pptx"
    try:
        converted = convert.convert(data, ".doc" if target == "docx" else ".ppt", target,
                                    ctx.limits.convert_seconds, kind)
    except UnsupportedFormat as exc:
        yield from properties(meta, loc)
        yield Incomplete(exc.rule, exc.reason, loc.with_(part=kind))
        return
    yield from _converted(converted, target, source, ctx)
    # what LibreOffice's conversion carries over; any other stream is read by the catch-all
    converted_streams = _WORD if target == "docx" else _POWERPOINT
    yield from catch_all.ole_leftovers(data, streams, converted_streams.fullmatch, source, ctx, loc,
                                       "doc" if target == "docx" else "ppt")


def _message(data: bytes, source: Source, ctx: Context) -> Iterator[Content]:
    """An Outlook message (formats/msg.py); a storage damaged past what olefile reads is SG901."""
    try:
        with olefile.OleFileIO(data) as o:
            yield from msg.read_message(o, source, ctx)
    except (OSError, ValueError, IndexError, struct.error, TypeError, OverflowError, KeyError) as exc:
        raise CorruptFile(f"the Outlook message's storage is corrupt ({type(exc).__name__})") from None


def _converted(data: bytes, target: str, source: Source, ctx: Context) -> Iterator[Content]:
    """The converted package read by its reader, each location marked as converted."""
    from spillguard.formats import docx, pptx
    from spillguard.formats.ooxml import SafeZip

    twin = Source(source.name, data=data, depth=source.depth)
    with SafeZip(twin, ctx.limits) as z:
        reader = docx.read_package if target == "docx" else pptx.read_package
        for content in reader(z, twin, ctx):
            where = getattr(content, "location", None)
            if where is not None and where.file == source.name:
                content.location = where.with_(part=f"converted {target}: {where.part}" if where.part
                                               else f"converted {target}")
            yield content


def properties(meta: olefile.OleMetadata, loc: Location) -> Iterator[Content]:
    where = loc.with_(part="SummaryInformation")
    people: dict[str, str] = {}
    for name in _PEOPLE:
        value = _text(getattr(meta, name, None))
        if value and value not in people.values():
            people[name] = value
    if people:
        yield record_table(where, Visibility.METADATA, people)
    texts = [f"{n}: {v}" for n in _TEXTS if (v := _text(getattr(meta, n, None)))]
    if texts:
        yield Text(where, Visibility.METADATA, "\n".join(texts))


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("cp1252", "replace")
    if isinstance(value, str):
        value = value.replace("\x00", "").strip()
        return value or None
    return None
