"""OLE compound files: an encrypted (password-protected) Office file is an OLE container
holding ``EncryptedPackage``; legacy .xls/.doc/.ppt are OLE too (the formats issue adds
them). Either way the content cannot be inspected here: fail closed with the reason."""

from __future__ import annotations

import struct
from collections.abc import Iterator

import olefile

from spillguard.errors import CorruptFile, EncryptedFile, UnsupportedFormat
from spillguard.formats.base import Context, Source
from spillguard.model import Content

NAME = "ole"
MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(head: bytes) -> bool:
    return head.startswith(MAGIC)


def read(source: Source, ctx: Context) -> Iterator[Content]:
    try:
        with source.open() as fh, olefile.OleFileIO(fh) as ole:
            streams = {"/".join(s) for s in ole.listdir(streams=True, storages=False)}
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise CorruptFile(f"OLE container is corrupt ({type(exc).__name__})") from None
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise EncryptedFile("the file is encrypted (password-protected Office document)")
    if "Workbook" in streams or "Book" in streams:
        raise UnsupportedFormat("legacy Excel 97-2003 workbook (.xls) is not supported yet")
    if "WordDocument" in streams:
        raise UnsupportedFormat("legacy Word document (.doc) is not supported yet")
    if "PowerPoint Document" in streams:
        raise UnsupportedFormat("legacy PowerPoint presentation (.ppt) is not supported yet")
    raise UnsupportedFormat("OLE compound file of an unknown kind")
    yield  # pragma: no cover - makes this a generator like every reader
