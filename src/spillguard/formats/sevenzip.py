"""7-Zip archives (py7zr, LGPL-2.1+): declared sizes are checked against the limits first;
members are decompressed in memory (py7zr's own size cap set to the total limit) and scanned
one by one. An archive that needs a password is SG902."""

from __future__ import annotations

from collections.abc import Iterator

import py7zr
from py7zr.io import Py7zIO, WriterFactory

from spillguard.errors import CorruptFile, EncryptedFile, ResourceLimit
from spillguard.formats import archive, magic
from spillguard.formats.base import Context, Source
from spillguard.formats.ooxml import MiB
from spillguard.model import Content, Location

NAME = "7z"


sniff = magic.sevenzip


class _Capped(Py7zIO):
    """Collects one member, refusing to grow past the member limit (the header may lie)."""

    def __init__(self, name: str, limit: int) -> None:
        self.name, self.limit, self.buf = name, limit, bytearray()

    def write(self, s: bytes | bytearray) -> int:
        if len(self.buf) + len(s) > self.limit:
            raise ResourceLimit(f"member {self.name} decompresses past {self.limit / MiB:,.0f} MiB", part=self.name)
        self.buf += s
        return len(s)

    def read(self, size: int | None = None) -> bytes:
        return bytes(self.buf)

    def seek(self, offset: int, whence: int = 0) -> int:
        return 0

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return len(self.buf)


class _Factory(WriterFactory):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.products: dict[str, _Capped] = {}

    def create(self, filename: str) -> Py7zIO:
        self.products[filename] = _Capped(filename, self.limit)
        return self.products[filename]


def read(source: Source, ctx: Context) -> Iterator[Content]:
    loc = Location(file=source.name)
    factory = _Factory(ctx.limits.max_part_bytes)
    try:
        with source.open() as fh, py7zr.SevenZipFile(fh, mode="r", max_extract_size=ctx.limits.max_total_bytes) as z:
            if z.needs_password():
                raise EncryptedFile("the 7-Zip archive is encrypted (password-protected)")
            infos = [i for i in z.list() if not i.is_directory]
            archive.check_sizes([(i.filename, i.uncompressed or 0) for i in infos], source.size, ctx)
            z.extractall(factory=factory)
    except py7zr.DecompressionBombError:
        raise ResourceLimit("the 7-Zip archive decompresses past the total size limit (archive bomb?)") from None
    except py7zr.PasswordRequired:
        raise EncryptedFile("the 7-Zip archive is encrypted (password-protected)") from None
    except (py7zr.Bad7zFile, py7zr.DecompressionError, py7zr.UnsupportedCompressionMethodError,
            EOFError, OSError, ValueError, KeyError, IndexError) as exc:
        raise CorruptFile(f"the 7-Zip archive is corrupt or truncated ({type(exc).__name__})") from None
    for name in sorted(factory.products):
        data = bytes(factory.products.pop(name).buf)
        yield from archive.member(source, ctx, loc, name, lambda d=data: d)
