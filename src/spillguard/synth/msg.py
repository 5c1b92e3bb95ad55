"""Outlook .msg messages ([MS-OXMSG]) written property by property into a compound file
(synth/cfb.py): subject, sender, recipients, bodies (plain, HTML, compressed RTF), transport
headers, attachments (files, hidden ones, and embedded messages)."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from spillguard.synth import cfb

UNICODE, BINARY, BOOLEAN, OBJECT = 0x001F, 0x0102, 0x000B, 0x000D


def _string(value: str) -> bytes:
    return value.encode("utf-16-le") + b"\x00\x00"


def _props(header: bytes, booleans: dict[int, bool], variable: dict[tuple[int, int], bytes]) -> bytes:
    out = bytearray(header)
    for pid, flag in booleans.items():
        out += struct.pack("<IIQ", (pid << 16) | BOOLEAN, 6, int(flag))
    for (pid, kind), data in variable.items():
        out += struct.pack("<IIII", (pid << 16) | kind, 6, len(data), 0)
    return bytes(out)


@dataclass
class Attachment:
    name: str
    data: bytes = b""
    hidden: bool = False
    message: Message | None = None  # an attached e-mail (embedded message)


@dataclass
class Message:
    subject: str = ""
    sender: str = ""
    sender_email: str = ""
    to: list[tuple[str, str]] = field(default_factory=list)  # (name, address)
    body: str = ""
    html: str = ""
    rtf: bytes = b""  # an RTF body (compressed here with compressed_rtf)
    headers: str = ""  # transport message headers
    attachments: list[Attachment] = field(default_factory=list)

    def _storage(self, top: bool) -> dict[str, object]:
        tree: dict[str, object] = {}
        variable: dict[tuple[int, int], bytes] = {}

        def put(pid: int, kind: int, data: bytes) -> None:
            tree[f"__substg1.0_{pid:04X}{kind:04X}"] = data
            variable[(pid, kind)] = data

        if self.subject:
            put(0x0037, UNICODE, _string(self.subject))
        if self.sender:
            put(0x0C1A, UNICODE, _string(self.sender))
        if self.sender_email:
            put(0x5D01, UNICODE, _string(self.sender_email))
        if self.to:
            put(0x0E04, UNICODE, _string("; ".join(n for n, _ in self.to)))
        if self.body:
            put(0x1000, UNICODE, _string(self.body))
        if self.html:
            put(0x1013, BINARY, self.html.encode("utf-8"))
        if self.rtf:
            import compressed_rtf

            put(0x1009, BINARY, compressed_rtf.compress(self.rtf, compressed=True))
        if self.headers:
            put(0x007D, UNICODE, _string(self.headers))
        for k, (name, address) in enumerate(self.to):
            tree[f"__recip_version1.0_#{k:08X}"] = {
                "__substg1.0_3001001F": _string(name), "__substg1.0_39FE001F": _string(address),
                "__properties_version1.0": _props(b"\x00" * 8, {}, {(0x3001, UNICODE): _string(name)}),
            }
        for k, a in enumerate(self.attachments):
            storage: dict[str, object] = {"__substg1.0_3707001F": _string(a.name)}
            if a.message is not None:
                inner = a.message._storage(top=False)
                storage["__substg1.0_3701000D"] = inner
            else:
                storage["__substg1.0_37010102"] = a.data
            storage["__properties_version1.0"] = _props(b"\x00" * 8, {0x7FFE: a.hidden}, {})
            tree[f"__attach_version1.0_#{k:08X}"] = storage
        n_r, n_a = len(self.to), len(self.attachments)
        header = struct.pack("<8sIIII8s", b"\x00" * 8, n_r, n_a, n_r, n_a, b"\x00" * 8) if top else \
            struct.pack("<8sIIII", b"\x00" * 8, n_r, n_a, n_r, n_a)
        tree["__properties_version1.0"] = _props(header, {}, variable)
        if top:
            tree["__nameid_version1.0"] = {"__substg1.0_00020102": b"", "__substg1.0_00030102": b"",
                                           "__substg1.0_00040102": b""}
        return tree

    def to_bytes(self) -> bytes:
        return cfb.write(self._storage(top=True))
