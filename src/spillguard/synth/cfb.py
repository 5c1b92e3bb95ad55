"""A small writer of OLE compound files ([MS-CFB] version 3: 512-byte sectors, a mini stream
for streams under 4,096 bytes), for fixtures that no Python library writes — Outlook .msg
messages. olefile reads them back; the tests prove each fixture that way.

``tree`` maps a name to bytes (a stream) or to a dict (a storage), nested as deep as needed.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FAT_SECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NONE = 0xFFFFFFFF


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    start: int = END
    left: int = NONE
    right: int = NONE
    child: int = NONE


def _build(name: str, node: dict[str, object], kind: int) -> _Entry:
    entry = _Entry(name, kind)
    for key, value in node.items():
        entry.children.append(_build(key, value, 1) if isinstance(value, dict) else _Entry(key, 2, bytes(value)))
    return entry


def _flatten(root: _Entry) -> list[_Entry]:
    out: list[_Entry] = []

    def visit(e: _Entry) -> None:
        out.append(e)
        # children as a chain of right siblings, in the compound file's order (length, then upper case)
        kids = sorted(e.children, key=lambda c: (len(c.name), c.name.upper()))
        for k in kids:
            visit(k)
        if kids:
            e.child = out.index(kids[0])
            for a, b in itertools.pairwise(kids):
                a.right = out.index(b)

    visit(root)
    return out


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else END


def write(tree: dict[str, object]) -> bytes:
    entries = _flatten(_build("Root Entry", tree, 5))
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for e in entries:
        if e.kind != 2:
            continue
        if len(e.data) >= CUTOFF:
            big.append(e)
        elif e.data:
            e.start = len(mini) // MINI
            n = -(-len(e.data) // MINI)
            minifat.extend(e.start + i + 1 if i < n - 1 else END for i in range(n))
            mini += e.data.ljust(n * MINI, b"\x00")
    # sectors: directory, mini FAT, mini stream, big streams, then the FAT
    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        first = len(sectors)
        n = max(1, -(-len(data) // SECTOR))
        for i in range(n):
            sectors.append(data[i * SECTOR:(i + 1) * SECTOR].ljust(SECTOR, b"\x00"))
        fat.extend([0] * n)
        _chain(fat, first, n)
        return first

    directory_size = -(-len(entries) // 4) * 4
    dir_start = place(b"\x00" * (directory_size * 128))
    minifat_start = place(b"".join(struct.pack("<I", v) for v in minifat)) if minifat else END
    minifat_sectors = -(-len(minifat) * 4 // SECTOR) if minifat else 0
    root = entries[0]
    root.start = place(bytes(mini)) if mini else END
    root.data = bytes(mini)
    for e in big:
        e.start = place(e.data)
    # the FAT covers itself
    n_fat = 1
    while (len(sectors) + n_fat) > n_fat * (SECTOR // 4):
        n_fat += 1
    fat_start = len(sectors)
    fat.extend([FAT_SECT] * n_fat)
    fat += [FREE] * (n_fat * (SECTOR // 4) - len(fat))
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    for i in range(n_fat):
        sectors.append(fat_bytes[i * SECTOR:(i + 1) * SECTOR])
    if n_fat > 109:
        raise ValueError("fixture too large for a header-only DIFAT")
    # directory entries
    blob = bytearray()
    for e in entries:
        name = e.name.encode("utf-16-le")[:62]
        size = len(e.data) if e.kind in (2, 5) else 0
        blob += struct.pack("<64sHBBIII16sIQQIII", name.ljust(64, b"\x00"), len(name) + 2, e.kind, 1,
                            e.left, e.right, e.child, b"\x00" * 16, 0, 0, 0, e.start if size or e.kind == 5 else 0,
                            size, 0)
    for _ in range(directory_size - len(entries)):
        blob += struct.pack("<64sHBBIII16sIQQIII", b"", 0, 0, 0, NONE, NONE, NONE, b"\x00" * 16, 0, 0, 0, 0, 0, 0)
    for i in range(-(-len(blob) // SECTOR)):
        sectors[dir_start + i] = bytes(blob[i * SECTOR:(i + 1) * SECTOR]).ljust(SECTOR, b"\x00")
    difat = [fat_start + i for i in range(n_fat)] + [FREE] * (109 - n_fat)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00" * 16, 0x3E, 3,
                         0xFFFE, 9, 6, b"\x00" * 6, 0, n_fat, dir_start, 0, CUTOFF, minifat_start, minifat_sectors,
                         END, 0)
    header += b"".join(struct.pack("<I", v) for v in difat)
    return header + b"".join(sectors)
