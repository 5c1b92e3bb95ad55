"""Outlook messages (.msg, [MS-OXMSG]): an OLE compound file of MAPI properties, read with
olefile by the published layout (extract-msg, the usual library, is GPL: not a dependency).

The message's people (sender, display-to/cc/bcc and every recipient's name and address) and its
subject are read as headers, like an .eml's; the body once — the plain text, else the HTML,
else the compressed RTF (decompressed with compressed-rtf and read by the RTF reader, hidden
text and all); the transport headers (the Internet headers the message came with) as metadata.
Attachments are scanned with the whole registry; an attached message (an embedded ``.msg``
storage) is read the same way, nested; an attachment marked hidden (PR_ATTACHMENT_HIDDEN: no
mail client lists it) holds an embedded object, not plain view. Every other stream is a
property this reader does not need (flags, times, named-property maps): none holds text a
reader sees, except the string properties, all of which are read as metadata so that nothing
goes unread.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

import olefile

from spillguard.formats.base import Context, Source
from spillguard.model import Content, Incomplete, Location, Text, Visibility

#: property ids read for what they are; every other string property is read as metadata
_SUBJECT, _BODY, _HTML, _RTF, _HEADERS = 0x0037, 0x1000, 0x1013, 0x1009, 0x007D
_PEOPLE = {0x0C1A: "From", 0x5D01: "From", 0x0C1F: "From", 0x0042: "From", 0x0065: "From",
           0x0E04: "To", 0x0E03: "Cc", 0x0E02: "Bcc"}
_RECIPIENT = {0x3001: "name", 0x39FE: "address", 0x3003: "address"}
_ATTACH_NAME, _ATTACH_SHORT, _ATTACH_DATA, _ATTACH_HIDDEN = 0x3707, 0x3704, 0x3701, 0x7FFE
#: string properties that are codes, not words (message class, content ids, MIME types, ids)
_CODES = {0x001A, 0x3712, 0x370E, 0x3703, 0x1035, 0x1039, 0x1042, 0x0075, 0x0064, 0x0C1E, 0x3002,
          0x5FF6, 0x5FF7, 0x0070, 0x0E1D, 0x3FFA, 0x3FF8}
UNICODE, STRING8, BINARY, OBJECT = 0x001F, 0x001E, 0x0102, 0x000D


def is_message(streams: set[str]) -> bool:
    return "__properties_version1.0" in streams and any(s.startswith("__substg1.0_") for s in streams)


class Storage:
    """The properties of one storage (the message, a recipient, an attachment)."""

    def __init__(self, ole: olefile.OleFileIO, path: list[str], entries: list[list[str]] | None = None) -> None:
        self.ole, self.path = ole, path
        self.entries = entries if entries is not None else ole.listdir(streams=True, storages=True)
        self.streams: dict[tuple[int, int], list[str]] = {}
        self.children: list[str] = []
        depth = len(path)
        for entry in self.entries:
            if len(entry) != depth + 1 or entry[:depth] != path:
                continue
            name = entry[-1]
            if name.startswith("__substg1.0_") and len(name) == 20:
                try:
                    self.streams[(int(name[12:16], 16), int(name[16:20], 16))] = entry
                except ValueError:
                    continue
            else:
                self.children.append(name)

    def raw(self, pid: int, kind: int) -> bytes | None:
        entry = self.streams.get((pid, kind))
        if entry is None or self.ole.get_type(entry) != olefile.STGTY_STREAM:
            return None
        return self.ole.openstream(entry).read()

    def text(self, pid: int) -> str | None:
        data = self.raw(pid, UNICODE)
        if data is not None:
            return data.decode("utf-16-le", "replace").rstrip("\x00")
        data = self.raw(pid, STRING8)
        return data.decode("cp1252", "replace").rstrip("\x00") if data is not None else None

    def strings(self) -> Iterator[tuple[int, str]]:
        for (pid, kind) in sorted(self.streams):
            if kind in (UNICODE, STRING8):
                value = self.text(pid)
                if value and value.strip():
                    yield pid, value

    def flag(self, pid: int, header: int) -> bool:
        """A boolean fixed-length property from ``__properties_version1.0`` (16-byte entries)."""
        entry = [*self.path, "__properties_version1.0"]
        if not self.ole.exists("/".join(entry)):
            return False
        data = self.ole.openstream(entry).read()
        for at in range(header, len(data) - 15, 16):
            tag, _, value = struct.unpack_from("<IIQ", data, at)
            if tag == (pid << 16) | 0x000B:
                return bool(value & 0xFF)
        return False

    def sub(self, prefix: str) -> list[list[str]]:
        return [[*self.path, c] for c in sorted(self.children) if c.startswith(prefix)]


def read_message(ole: olefile.OleFileIO, source: Source, ctx: Context, path: list[str] | None = None,
                 loc: Location | None = None) -> Iterator[Content]:
    path = path or []
    loc = loc or Location(file=source.name)
    msg = Storage(ole, path)
    lines: list[str] = []
    seen: set[str] = set()
    for pid, name in sorted(_PEOPLE.items(), key=lambda kv: ("From", "To", "Cc", "Bcc").index(kv[1])):
        value = msg.text(pid)
        if value and value.strip() and value not in seen:
            seen.add(value)
            lines.append(f"{name}: {value.strip()}")
    for recipient in msg.sub("__recip_version1.0_#"):
        r = Storage(ole, recipient, msg.entries)
        parts = [v for pid in _RECIPIENT if (v := r.text(pid)) and v.strip()]
        if parts:
            lines.append("Recipient: " + " ".join(dict.fromkeys(p.strip() for p in parts)))
    subject = msg.text(_SUBJECT)
    if subject:
        lines.append(f"Subject: {subject.strip()}")
    if lines:
        yield Text(loc.with_(line=1), Visibility.VISIBLE, "\n".join(lines), "e-mail headers")
    yield from _body(msg, source, ctx, loc)
    headers = msg.text(_HEADERS)
    if headers and headers.strip():
        yield Text(loc.with_(part="transport headers"), Visibility.METADATA, headers, "Internet headers")
    known = {_SUBJECT, _BODY, _HEADERS, *_PEOPLE}
    other = [value.strip() for pid, value in msg.strings() if pid not in known and pid not in _CODES]
    if other:
        yield Text(loc.with_(part="message properties"), Visibility.METADATA, "\n".join(other),
                   "other message properties")
    for k, attach in enumerate(msg.sub("__attach_version1.0_#"), 1):
        yield from _attachment(Storage(ole, attach, msg.entries), k, source, ctx, loc)


def _body(msg: Storage, source: Source, ctx: Context, loc: Location) -> Iterator[Content]:
    text = msg.text(_BODY)
    if text and text.strip():
        yield Text(loc.with_(part="body"), Visibility.VISIBLE, text, "e-mail body")
        return
    html = msg.raw(_HTML, BINARY) or (msg.text(_HTML) or "").encode()
    if html.strip():
        from spillguard.formats.eml import _html_text

        yield Text(loc.with_(part="HTML body"), Visibility.VISIBLE, _html_text(html.decode("utf-8", "replace")),
                   "e-mail body")
        return
    packed = msg.raw(_RTF, BINARY)
    if packed:
        import compressed_rtf

        try:
            rtf = compressed_rtf.decompress(packed)
        except Exception as exc:  # the library raises bare Exceptions on a damaged stream
            yield Incomplete("SG901", f"the compressed RTF body cannot be decompressed ({type(exc).__name__})",
                             loc.with_(part="RTF body"))
            return
        yield from ctx.nested(Source(f"{source.name}!/RTF body", data=rtf, depth=source.depth + 1))


def _attachment(a: Storage, k: int, source: Source, ctx: Context, loc: Location) -> Iterator[Content]:
    name = (a.text(_ATTACH_NAME) or a.text(_ATTACH_SHORT) or f"attachment {k}").strip() or f"attachment {k}"
    where = loc.with_(part=f"attachment {name}")
    hidden = a.flag(_ATTACH_HIDDEN, 8)
    if source.depth + 1 > ctx.limits.max_depth:
        yield Incomplete("SG903", f"attachment nested deeper than {ctx.limits.max_depth} levels (max_depth)", where)
        return
    inner = a.streams.get((_ATTACH_DATA, OBJECT))
    if inner is not None and a.ole.get_type(inner) == olefile.STGTY_STORAGE:
        nested = Source(f"{source.name}!/{name}", depth=source.depth + 1, data=b"")
        contents = read_message(a.ole, nested, ctx, inner, Location(file=nested.name))
    else:
        data = a.raw(_ATTACH_DATA, BINARY)
        if not data:
            return
        contents = ctx.nested(Source(f"{source.name}!/{name}", data=data, depth=source.depth + 1))
    for content in contents:
        if hidden and getattr(content, "visibility", None) is Visibility.VISIBLE:
            content.visibility = Visibility.EMBEDDED_OBJECT
        yield content
