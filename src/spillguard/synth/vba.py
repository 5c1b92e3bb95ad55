"""A minimal VBA project (``vbaProject.bin``, [MS-OVBA]) with one module whose source is given,
for fixtures: oletools reads it back as Office does. The compression container holds literal
tokens only, which every MS-OVBA decompressor accepts."""

from __future__ import annotations

import struct

from spillguard.synth import cfb

#: literal bytes per compressed chunk: with one flag byte per eight they stay under 4,096
_CHUNK = 3584


def compress(data: bytes) -> bytes:
    """An MS-OVBA CompressedContainer of literal tokens."""
    out = bytearray(b"\x01")
    for start in range(0, max(len(data), 1), _CHUNK):
        piece = data[start:start + _CHUNK]
        body = bytearray()
        for i in range(0, len(piece), 8):
            body += b"\x00" + piece[i:i + 8]  # flag byte 0: eight literals follow
        out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body  # compressed, signature 0b011
    return bytes(out)


def _rec(rid: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _dir(module: str) -> bytes:
    name = module.encode()
    wide = module.encode("utf-16-le")
    d = (_rec(0x01, struct.pack("<I", 1)) + _rec(0x02, struct.pack("<I", 0x409)) + _rec(0x14, struct.pack("<I", 0x409))
         + _rec(0x03, struct.pack("<H", 1252)) + _rec(0x04, b"VBAProject")
         + _rec(0x05, b"") + _rec(0x40, b"") + _rec(0x06, b"") + _rec(0x3D, b"")
         + _rec(0x07, struct.pack("<I", 0)) + _rec(0x08, struct.pack("<I", 0))
         + struct.pack("<HIIH", 0x09, 4, 1, 0)
         + _rec(0x0C, b"") + _rec(0x3C, b"")
         + _rec(0x0F, struct.pack("<H", 1)) + _rec(0x13, struct.pack("<H", 0xFFFF))
         + _rec(0x19, name) + _rec(0x47, wide) + _rec(0x1A, name) + _rec(0x32, wide)
         + _rec(0x1C, b"") + _rec(0x48, b"") + _rec(0x31, struct.pack("<I", 0))
         + _rec(0x1E, struct.pack("<I", 0)) + _rec(0x2C, struct.pack("<H", 0xFFFF)) + _rec(0x21, b"")
         + _rec(0x2B, b"") + _rec(0x10, b""))
    return d


def project(source: str, module: str = "Module1") -> bytes:
    """``vbaProject.bin`` holding one standard module with ``source``."""
    code = f'Attribute VB_Name = "{module}"\r\n{source}'.encode("cp1252")
    listing = f'ID="{{00000000-0000-0000-0000-000000000000}}"\r\nModule={module}\r\nName="VBAProject"\r\n'.encode()
    return cfb.write({
        "PROJECT": listing,
        "PROJECTwm": module.encode() + b"\x00" + module.encode("utf-16-le") + b"\x00\x00\x00\x00",
        "VBA": {"dir": compress(_dir(module)), "_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x00\x00",
                module: compress(code)},
    })
