"""Archive members (zip bundles here; tar, 7z and compressed streams use the same helper):
every member is scanned with the whole registry, within the depth, count and size limits.
Members are read in memory, never extracted: a path-traversal name cannot write anywhere,
and is reported."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from spillguard.errors import ResourceLimit
from spillguard.formats.base import Context, Source
from spillguard.formats.ooxml import MiB, SafeZip
from spillguard.model import Content, Incomplete, Location, Notice, Visibility


def read_zip(z: SafeZip, source: Source, ctx: Context) -> Iterator[Content]:
    loc = Location(file=source.name)
    for name in z.names:
        if not name.endswith("/"):
            yield from member(source, ctx, loc, name, lambda n=name: z.read(n))


def traversal(name: str) -> bool:
    return name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/")


def member(source: Source, ctx: Context, loc: Location, name: str, data: Callable[[], bytes]) -> Iterator[Content]:
    """One member: a traversal name is reported, too deep is SG903, the rest is scanned."""
    where = loc.with_(part=name)
    if traversal(name):
        yield Notice("SG114", "Archive member with a path-traversal name", where, Visibility.EMBEDDED_OBJECT,
                     "names that climb out of the extraction folder are an attack on whoever unpacks it")
    if source.depth + 1 > ctx.limits.max_depth:
        yield Incomplete("SG903", f"archive nested deeper than {ctx.limits.max_depth} levels (max_depth)", where)
        return
    yield from ctx.nested(Source(f"{source.name}!/{name}", data=data(), depth=source.depth + 1))


def check_sizes(sizes: list[tuple[str, int]], packed: int, ctx: Context, count: int | None = None) -> None:
    """Declared member sizes against the limits, before anything is decompressed."""
    limits = ctx.limits
    if (count or len(sizes)) > limits.max_members:
        raise ResourceLimit(f"more than {limits.max_members:,} members, the limit (max_members)")
    total = 0
    for name, size in sizes:
        if size > limits.max_part_bytes:
            raise ResourceLimit(f"member {name} decompresses to {size / MiB:,.0f} MiB, over the limit of "
                                f"{limits.max_part_bytes / MiB:,.0f} MiB (max_part_bytes)", part=name)
        total += size
    if total > limits.max_total_bytes:
        raise ResourceLimit(f"members decompress to {total / MiB:,.0f} MiB in all, over the limit of "
                            f"{limits.max_total_bytes / MiB:,.0f} MiB (max_total_bytes)")
    if total > MiB and total > limits.max_ratio * max(packed, 1):
        raise ResourceLimit(f"the archive expands {total // max(packed, 1):,}-fold (max_ratio; archive bomb?)")
