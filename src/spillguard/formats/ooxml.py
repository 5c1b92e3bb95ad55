"""Shared zip + XML helpers for OOXML (and later ODF) containers.

Zip members are checked against size, ratio and count limits before anything is read, and
every XML part is parsed with entity resolution and network access off. OOXML never needs a
DTD, so a part that declares one is refused outright (SG904): that is how entity bombs
("billion laughs") and external-entity reads are stopped before a parser sees them.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from spillguard.config import Limits
from spillguard.errors import CorruptFile, EncryptedFile, InspectionIncomplete, ResourceLimit, UnsafeXml
from spillguard.formats.base import Source, delimited_blocks

MiB = 1024 * 1024
NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "cup": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "tc": "http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments",
}
#: entity declarations: what an entity bomb (billion laughs) needs. A document type declaration
#: alone is read (issue 30: an embedded XHTML page, an altChunk part): the DTD is never loaded
#: (``load_dtd=False``, ``no_network=True``) and no entity it could define is resolved
_DTD_MARKERS = (b"<!ENTITY", b"<!entity", b"<\x00!\x00E\x00N\x00T\x00I\x00T\x00Y")


def xml_error(exc: etree.XMLSyntaxError, part: str) -> InspectionIncomplete:
    """SG903 for libxml2's nesting-depth bound (256 levels, 2,048 for huge trees), else SG901."""
    if "Excessive depth" in (exc.msg or ""):
        return ResourceLimit(f"XML part is nested deeper than the XML parser allows (depth limit): {part}",
                             part=part)
    return CorruptFile(f"XML part is malformed: {part} ({exc.msg})", part=part)


def local(tag: object) -> str:
    """``{ns}name`` → ``name`` (comments and PIs have non-string tags)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def check_xml_prolog(data: bytes, part: str) -> None:
    head = data[:65536]
    if any(marker in head for marker in _DTD_MARKERS):
        raise UnsafeXml(f"XML part declares entities in a DTD (possible entity bomb): {part}",
                        part=part)


def parse_xml(data: bytes, part: str) -> etree._Element:
    """Parse one XML part safely. Raises UnsafeXml or CorruptFile, naming the part."""
    check_xml_prolog(data, part)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=True, remove_comments=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise xml_error(exc, part) from None
    if root is None:
        raise CorruptFile(f"XML part is empty: {part}", part=part)
    return root


class SafeZip:
    """A zip opened with limits checked up front; members are read with those limits."""

    def __init__(self, source: Source, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self._fh: BinaryIO = source.open()
        try:
            self.zf = zipfile.ZipFile(self._fh)
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            self._fh.close()
            raise CorruptFile(f"not a readable zip container ({exc})") from None
        if len(infos) > limits.max_members:
            self.close()
            raise ResourceLimit(f"{len(infos):,} members, more than the limit of "
                                f"{limits.max_members:,} (max_members)")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                self.close()
                raise EncryptedFile(f"zip member is encrypted: {info.filename}", part=info.filename)
            if info.file_size > limits.max_part_bytes:
                self.close()
                raise ResourceLimit(
                    f"member {info.filename} decompresses to {info.file_size / MiB:,.0f} MiB, "
                    f"over the limit of {limits.max_part_bytes / MiB:,.0f} MiB (max_part_bytes)", part=info.filename)
            if info.file_size > MiB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                self.close()
                raise ResourceLimit(
                    f"member {info.filename} expands {info.file_size // max(info.compress_size, 1):,}"
                    f"-fold (max_ratio; zip bomb?)", part=info.filename)
            total += info.file_size
        if total > limits.max_total_bytes:
            self.close()
            raise ResourceLimit(f"members decompress to {total / MiB:,.0f} MiB in all, over the "
                                f"limit of {limits.max_total_bytes / MiB:,.0f} MiB (max_total_bytes)")
        self.infos = {i.filename: i for i in infos}

    def close(self) -> None:
        try:
            self.zf.close()
        finally:
            self._fh.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def names(self) -> list[str]:
        return list(self.infos)

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        try:
            return self.zf.read(name)
        except KeyError:
            raise CorruptFile(f"missing part: {name}", part=name) from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise CorruptFile(f"part is corrupt or truncated: {name} ({exc})", part=name) from None
        except NotImplementedError as exc:
            raise CorruptFile(f"part uses an unsupported compression: {name} ({exc})",
                              part=name) from None

    def chunks(self, name: str, size: int = 16 * MiB) -> Iterator[bytes]:
        """Stream a member in chunks that end at a ``>`` (tags are never split)."""
        try:
            with self.zf.open(name) as f:
                yield from delimited_blocks(f, size, b">")
        except KeyError:
            raise CorruptFile(f"missing part: {name}", part=name) from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise CorruptFile(f"part is corrupt or truncated: {name} ({exc})", part=name) from None

    def head(self, name: str, n: int = 2048) -> bytes:
        try:
            with self.zf.open(name) as f:
                return f.read(n)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise CorruptFile(f"part is corrupt or truncated: {name} ({exc})", part=name) from None

    def xml(self, name: str) -> etree._Element:
        return parse_xml(self.read(name), name)

    def check_all_xml_prologs(self) -> None:
        """Refuse DTDs in every XML part, including those a third-party reader will parse."""
        for name in self.infos:
            if name.endswith((".xml", ".rels", ".vml")):
                check_xml_prolog(self.head(name), name)

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationships of ``part``: id → (type suffix, resolved target or external URL)."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_name):
            return {}
        out: dict[str, tuple[str, str]] = {}
        for rel in self.xml(rels_name):
            if local(rel.tag) != "Relationship":
                continue
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            if rel.get("TargetMode") != "External":
                target = posixpath.normpath(
                    target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                )
            out[rel.get("Id", "")] = (kind, target)
        return out
