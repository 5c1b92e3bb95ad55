"""Tar archives (stdlib tarfile, read from memory or disk, never extracted): member sizes and
count are checked against the limits from the headers before any member is read; links and
devices are reported, not followed."""

from __future__ import annotations

import tarfile
from collections.abc import Iterator

from spillguard.errors import CorruptFile
from spillguard.formats import archive
from spillguard.formats.base import Context, Source
from spillguard.model import Content, Location, Notice, Visibility

NAME = "tar"


def sniff(head: bytes) -> bool:
    return len(head) >= 262 and head[257:262] == b"ustar"


def read(source: Source, ctx: Context) -> Iterator[Content]:
    loc = Location(file=source.name)
    try:
        with source.open() as fh, tarfile.open(fileobj=fh, mode="r:") as tf:
            members = []
            for m in tf:  # headers only; stop early on an archive of countless members
                members.append(m)
                if len(members) > ctx.limits.max_members:
                    break
            files = [m for m in members if m.isfile()]
            archive.check_sizes([(m.name, m.size) for m in files], source.size, ctx, count=len(members))
            for m in members:
                if m.issym() or m.islnk():
                    yield Notice("SG503", "Archive member is a link", loc.with_(part=m.name),
                                 Visibility.EMBEDDED_OBJECT, "links are not followed; where they point is outside "
                                 "this scan")
                    if archive.traversal(m.linkname):
                        yield Notice("SG114", "Archive link points outside the archive", loc.with_(part=m.name),
                                     Visibility.EMBEDDED_OBJECT, "a link that climbs out of the extraction folder "
                                     "is an attack on whoever unpacks it")
            for m in files:
                def data(m: tarfile.TarInfo = m) -> bytes:
                    f = tf.extractfile(m)
                    if f is None:
                        raise CorruptFile(f"tar member cannot be read: {m.name}", part=m.name)
                    return f.read()
                yield from archive.member(source, ctx, loc, m.name, data)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise CorruptFile(f"the tar archive is corrupt or truncated ({type(exc).__name__})") from None
