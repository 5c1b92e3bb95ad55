"""Rewriting an OOXML package: some parts dropped, some replaced; relationships and content
types that point at dropped parts go with them, so Office opens the copy without a repair."""

from __future__ import annotations

import posixpath
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree

from spillguard.formats.ooxml import SafeZip, parse_xml

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _source_of(rels: str) -> str:
    folder, base = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), base.removesuffix(".rels"))


def write(z: SafeZip, out: Path, drop: set[str], replace: dict[str, bytes]) -> None:
    """Copy the package to ``out`` without ``drop`` (and their .rels), with ``replace``d parts,
    relationships to dropped parts removed and their content-type overrides too."""
    drop = set(drop) | {_rels_name(p) for p in drop}
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in z.names:
            if name in drop or name.endswith("/"):
                continue
            data = replace.get(name)
            if data is None:
                data = z.read(name)
                if name.endswith(".rels"):
                    data = _prune_rels(data, name, drop)
                elif name == "[Content_Types].xml":
                    data = _prune_types(data, drop)
            dst.writestr(name, data)


def _prune_rels(data: bytes, name: str, drop: set[str]) -> bytes:
    root = parse_xml(data, name)
    base = posixpath.dirname(_source_of(name))
    for rel in list(root):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        resolved = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(base, target))
        if resolved in drop:
            root.remove(rel)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _prune_types(data: bytes, drop: set[str]) -> bytes:
    root = parse_xml(data, "[Content_Types].xml")
    for el in list(root):
        if el.get("PartName", "").lstrip("/") in drop:
            root.remove(el)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def strip_pictures(z: SafeZip, folder: str, replace: dict[str, bytes], removed: Counter[str]) -> None:
    """Pictures inside the package lose their EXIF, GPS, IPTC and XMP (the pixels stay)."""
    from spillguard.clean.image import WITH_METADATA, strip

    for name in z.names:
        if name.startswith(folder) and name.lower().endswith(WITH_METADATA):
            before = sum(removed.values())
            try:
                cleaned = strip(z.read(name), removed)
            except (OSError, ValueError, SyntaxError):
                continue  # a picture Pillow cannot read is left as it is; the re-scan says so
            if sum(removed.values()) > before:
                replace[name] = cleaned


def blank_properties(z: SafeZip, replace: dict[str, bytes], drop: set[str]) -> int:
    """Core properties without people or free text, app properties without company or manager,
    custom properties dropped. Returns how many values went."""
    gone = 0
    if z.has("docProps/core.xml"):
        root = z.xml("docProps/core.xml")
        for el in list(root):
            if (el.text or "").strip() and etree.QName(el).localname not in ("created", "modified"):
                gone += 1
                root.remove(el)
        replace["docProps/core.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if z.has("docProps/app.xml"):
        root = z.xml("docProps/app.xml")
        for el in list(root):
            personal = etree.QName(el).localname in ("Company", "Manager", "HyperlinkBase", "Template")
            if personal and (el.text or "").strip():
                gone += 1
                root.remove(el)
        replace["docProps/app.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if z.has("docProps/custom.xml"):
        gone += len(z.xml("docProps/custom.xml"))
        drop.add("docProps/custom.xml")
    return gone


def drop_alt_text(elements, removed: Counter[str]) -> None:
    """Alt text (``descr`` and ``title`` of drawing properties) goes: no reader sees it."""
    for pr in elements:
        for attr in ("descr", "title"):
            if pr.get(attr):
                del pr.attrib[attr]
                removed["alt texts"] += 1


def remove_keeping_tail(el: etree._Element) -> None:
    """Remove an element but keep the text that follows it in place."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)
