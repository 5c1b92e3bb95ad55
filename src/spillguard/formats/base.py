"""What a format reader gets: a Source, and a Context for limits and recursion."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from spillguard.config import Limits
from spillguard.model import Content


@dataclass(slots=True)
class Source:
    """A file to inspect: on disk (``path``) or in memory (``data``, e.g. a zip member)."""

    name: str
    path: Path | None = None
    data: bytes | None = None
    depth: int = 0

    @property
    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.path is not None  # one of the two is always set by construction
        return self.path.stat().st_size

    def open(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return self.path.open("rb")

    def read_up_to(self, limit: int, what: str) -> bytes:
        """The whole file, refusing one over ``limit`` bytes (SG903) without reading past it."""
        with self.open() as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            from spillguard.errors import ResourceLimit

            raise ResourceLimit(f"{what} is over {limit:,} bytes")
        return data

    def head(self, n: int = 8192) -> bytes:
        if self.data is not None:
            return self.data[:n]
        with self.open() as f:
            return f.read(n)


@dataclass(slots=True)
class Context:
    limits: Limits
    #: scan a nested file (archive member, embedded object) with the whole registry
    nested: Callable[[Source], Iterator[Content]]
    #: parts of containers read, by reader: dedicated ("read"), known to hold nothing
    #: ("structural") and read as text by the catch-all ("catch_all"), for the report
    coverage: dict[str, dict[str, int]] = field(default_factory=dict)
    #: pictures read by OCR so far in the top-level file (bounded by ``limits.ocr_pictures``)
    ocr_pictures: int = 0

    def covered(self, reader: str, **counts: int) -> None:
        mine = self.coverage.setdefault(reader, {})
        for key, n in counts.items():
            mine[key] = mine.get(key, 0) + n


def delimited_blocks(fh: BinaryIO, size: int, delimiter: bytes) -> Iterator[bytes]:
    """A stream in blocks of about ``size`` bytes, each ending at ``delimiter`` (the last one
    excepted), so that no record or tag is split between blocks."""
    carry = b""
    while True:
        block = fh.read(size)
        if not block:
            if carry:
                yield carry
            return
        block = carry + block
        cut = block.rfind(delimiter) + 1
        carry = block[cut:]
        if cut:
            yield block[:cut]


class Format(Protocol):
    """One module per format exposes these (see ARCHITECTURE.md)."""

    NAME: str

    def sniff(self, head: bytes) -> bool: ...

    def read(self, source: Source, ctx: Context) -> Iterator[Content]: ...
