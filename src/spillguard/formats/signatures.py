"""Formats recognised by their magic bytes but not read yet: fail closed with the reason."""

from __future__ import annotations

from collections.abc import Iterator

from spillguard.errors import UnsupportedFormat
from spillguard.formats.base import Context, Source
from spillguard.model import Content

NAME = "recognised"

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"Rar!\x1a\x07", "RAR archive"),
)


def _kind(head: bytes) -> str | None:
    return next((what for magic, what in SIGNATURES if head.startswith(magic)), None)


def sniff(head: bytes) -> bool:
    return _kind(head) is not None


def read(source: Source, ctx: Context) -> Iterator[Content]:
    raise UnsupportedFormat(f"{_kind(source.head(16))} is not supported yet")
    yield  # pragma: no cover
