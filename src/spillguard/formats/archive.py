"""Zip bundles (a release published as one archive): every member is scanned with the
whole registry, with the depth, count and size limits of the SafeZip it came from.
Members are read in memory, never extracted: a path-traversal name cannot write anywhere,
and is reported."""

from __future__ import annotations

from collections.abc import Iterator

from spillguard.formats.base import Context, Source
from spillguard.formats.ooxml import SafeZip
from spillguard.model import Content, Incomplete, Location, Notice, Visibility


def read_zip(z: SafeZip, source: Source, ctx: Context) -> Iterator[Content]:
    loc = Location(file=source.name)
    for name in z.names:
        if name.endswith("/"):
            continue
        where = loc.with_(part=name)
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
            yield Notice("SG114", "Archive member with a path-traversal name", where, Visibility.EMBEDDED_OBJECT,
                         "names that climb out of the extraction folder are an attack on whoever unpacks it")
        if source.depth + 1 > ctx.limits.max_depth:
            yield Incomplete("SG903", f"archive nested deeper than {ctx.limits.max_depth} levels", where)
            continue
        yield from ctx.nested(Source(f"{source.name}!/{name}", data=z.read(name), depth=source.depth + 1))
