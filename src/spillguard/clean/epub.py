"""EPUB books are rebuilt from what a reader pages through: the spine's pages (XHTML, parsed as
XML with entities off, without their hidden elements, comments and data attributes), the
navigation document, style sheets, fonts and pictures (each picture through the image cleaner);
the package document keeps its title, language and identifier but loses its creators,
contributors, publisher and every other person-bearing field; parts the spine or the manifest
does not list are dropped and counted. An encrypted (DRM) book cannot be cleaned."""

from __future__ import annotations

import posixpath
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from spillguard.clean.html import strip_hidden
from spillguard.clean.model import Cleaned, Options
from spillguard.config import Config
from spillguard.formats.base import Source
from spillguard.formats.epub import PAGES, encrypted_parts, rootfile
from spillguard.formats.ooxml import SafeZip

_KEEP_META = {"title", "language", "identifier", "date", "modified"}
_KEEP_TYPES = ("text/css", "font/", "application/font", "application/vnd.ms-opentype", "application/x-font",
               "application/x-dtbncx+xml")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _page(data: bytes, opts: Options, config: Config, result: Cleaned) -> bytes:
    tree = etree.fromstring(data, _PARSER).getroottree()
    strip_hidden(tree.getroot(), opts, config, result)
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8", doctype=tree.docinfo.doctype or None)


def _picture(name: str, data: bytes, opts: Options, config: Config, result: Cleaned) -> bytes | None:
    from spillguard.clean import image

    with tempfile.TemporaryDirectory(prefix="spillguard-clean-") as tmp:
        src = Path(tmp) / "in" / posixpath.basename(name)
        src.parent.mkdir()
        src.write_bytes(data)
        try:
            done = image.clean(src, Path(tmp) / "out" / src.name, opts, config)
        except Exception:  # a picture Pillow cannot rewrite is dropped, never kept with its metadata
            result.removed["pictures that could not be cleaned (dropped)"] += 1
            return None
        result.removed.update(done.removed)
        return Path(done.outputs[0]).read_bytes() if done.outputs else None


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    with SafeZip(Source(path.as_posix(), path=path), config.limits) as z:
        if encrypted_parts(z):
            raise ValueError("the book's content is encrypted (DRM)")
        opf = rootfile(z)
        if opf is None:
            raise ValueError("the book has no package document")
        package = etree.fromstring(z.read(opf), _PARSER)
        base = posixpath.dirname(opf)
        spine = {ref.get("idref", "") for ref in package.iter("{*}itemref")}
        toc = next((s.get("toc", "") for s in package.iter("{*}spine")), "")
        keep: dict[str, bytes] = {}
        manifest = {posixpath.normpath(posixpath.join(base, unquote(i.get("href", ""))))
                    for i in package.iter("{*}item")}
        for item in list(package.iter("{*}item")):
            ident, mime, props = item.get("id", ""), item.get("media-type", ""), item.get("properties", "")
            part = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
            if not z.has(part):
                continue
            data = z.read(part)
            if mime in PAGES and (ident in spine or "nav" in props.split()):
                keep[part] = _page(data, opts, config, result)
            elif mime.startswith(_KEEP_TYPES) or ident == toc:
                keep[part] = data
            elif mime.startswith("image/") and (cleaned := _picture(part, data, opts, config, result)) is not None:
                keep[part] = cleaned
            else:
                item.getparent().remove(item)
                result.removed["parts the reading order does not show"] += 1
        for md in package.iter("{*}metadata"):
            for el in list(md):
                name = etree.QName(el).localname if isinstance(el.tag, str) else ""
                prop = el.get("property", "").rsplit(":", 1)[-1]
                if name not in _KEEP_META and prop not in _KEEP_META:
                    md.remove(el)
                    result.removed["book metadata fields"] += 1
        listed = {"mimetype", "META-INF/container.xml", opf, *manifest}
        result.removed["files outside the manifest"] += sum(1 for n in z.names if n not in listed
                                                           and not n.endswith("/"))
        container = z.read("META-INF/container.xml")
    out = out.with_suffix(".epub")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        dst.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        dst.writestr("META-INF/container.xml", container)
        dst.writestr(opf, etree.tostring(package, xml_declaration=True, encoding="utf-8"))
        for part, data in keep.items():
            dst.writestr(part, data)
    result.outputs.append(out.as_posix())
    result.kept["pages"] += sum(1 for p in keep if p.endswith((".xhtml", ".html", ".htm")))
    return result
