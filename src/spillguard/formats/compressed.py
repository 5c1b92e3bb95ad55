"""Single compressed streams (gzip, bzip2, xz; stdlib): decompressed in memory in 1 MiB steps,
stopping as soon as the output passes the member size limit or the expansion ratio, then
scanned as the file they hold (a ``.tar.gz`` becomes a tar, a ``.csv.gz`` a CSV)."""

from __future__ import annotations

import bz2
import gzip
import lzma
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from spillguard.errors import CorruptFile, ResourceLimit
from spillguard.formats.base import Context, Source
from spillguard.formats.ooxml import MiB
from spillguard.model import Content, Incomplete, Location

NAME = "compressed"
_KINDS = (
    (b"\x1f\x8b", "gzip", ".gz"),
    (b"BZh", "bzip2", ".bz2"),
    (b"\xfd7zXZ\x00", "xz", ".xz"),
)


def _kind(head: bytes) -> tuple[str, str] | None:
    return next(((what, ext) for magic, what, ext in _KINDS if head.startswith(magic)), None)



def sniff(head: bytes) -> bool:
    return _kind(head) is not None


def _opener(what: str, fh: BinaryIO) -> BinaryIO:
    if what == "gzip":
        return gzip.GzipFile(fileobj=fh)  # type: ignore[return-value]
    if what == "bzip2":
        return bz2.BZ2File(fh)  # type: ignore[return-value]
    return lzma.LZMAFile(fh)  # type: ignore[return-value]


def decompress(source: Source, ctx: Context, what: str) -> bytes:
    packed = max(source.size, 1)
    limits = ctx.limits
    out = bytearray()
    try:
        with source.open() as fh, _opener(what, fh) as stream:
            while block := stream.read(MiB):
                out += block
                if len(out) > limits.max_part_bytes:
                    raise ResourceLimit(f"the {what} stream decompresses to more than "
                                        f"{limits.max_part_bytes / MiB:,.0f} MiB (max_part_bytes)")
                if len(out) > MiB and len(out) > limits.max_ratio * packed:
                    raise ResourceLimit(f"the {what} stream expands more than {limits.max_ratio:,}-fold "
                                        f"(max_ratio; compression bomb?)")
    except (EOFError, OSError, zlib.error, lzma.LZMAError, ValueError) as exc:
        raise CorruptFile(f"the {what} stream is corrupt or truncated ({type(exc).__name__})") from None
    return bytes(out)


def read(source: Source, ctx: Context) -> Iterator[Content]:
    """The stream's content goes under the same name (``release.tar.gz!/roster.csv``, not
    ``release.tar.gz!/release.tar!/roster.csv``), one nesting level down."""
    kind = _kind(source.head(8))
    assert kind is not None
    if source.depth + 1 > ctx.limits.max_depth:
        yield Incomplete("SG903", f"archive nested deeper than {ctx.limits.max_depth} levels (max_depth)",
                         Location(file=source.name))
        return
    yield from ctx.nested(Source(source.name, data=decompress(source, ctx, kind[0]), depth=source.depth + 1))
