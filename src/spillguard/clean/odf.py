"""A publishable copy of an OpenDocument text or presentation (odt, odp): tracked changes
accepted (the deleted text kept in ``text:tracked-changes`` leaves the file), comments, hidden
text, hidden paragraphs and sections, camouflaged spans, alt text, speaker notes, hidden slides,
frames placed off the slide, embedded objects, macros, thumbnails and personal metadata removed.
The package is written again with ``mimetype`` first and stored, and a manifest that lists only
what is left. Spreadsheets (ods) are rebuilt from their visible cells (clean.ods)."""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree

from spillguard.clean.model import Cleaned, Options
from spillguard.clean.package import remove_keeping_tail
from spillguard.config import Config
from spillguard.formats.base import Source
from spillguard.formats.odf import MANIFEST, sniff_package
from spillguard.formats.odf_styles import SVG, TEXT, Styles
from spillguard.formats.odf_text import DRAW, OFFICE, PRES, off_page
from spillguard.formats.ooxml import SafeZip

_T = f"{{{TEXT}}}"
_ANNOTATIONS = (f"{{{OFFICE}}}annotation", f"{{{OFFICE}}}annotation-end", "{http://openoffice.org/2009/office}annotation")
_DROP_PREFIXES = ("Basic/", "Scripts/", "Thumbnails/", "Object ", "ObjectReplacements/", "Configurations2/")


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _content(root: etree._Element, styles: Styles, kind: str, removed: Counter[str]) -> None:
    for tc in list(root.iter(f"{_T}tracked-changes")):
        removed["tracked changes"] += len(tc)
        remove_keeping_tail(tc)
    for tag in ("change", "change-start", "change-end"):
        for el in list(root.iter(f"{_T}{tag}")):
            remove_keeping_tail(el)
    for el in list(root.iter(*_ANNOTATIONS)):
        if el.tag != f"{{{OFFICE}}}annotation-end":
            removed["comments"] += 1
        remove_keeping_tail(el)
    for el in list(root.iter(f"{_T}hidden-text")):
        removed["hidden text fields"] += 1
        remove_keeping_tail(el)
    for p in list(root.iter(f"{_T}p", f"{_T}h")):
        if any(h.get(f"{_T}is-hidden") == "true" for h in p.iterchildren(f"{_T}hidden-paragraph")):
            removed["hidden paragraphs"] += 1
            remove_keeping_tail(p)
    for sec in list(root.iter(f"{_T}section")):
        if sec.get(f"{_T}display") == "none" or sec.get(f"{_T}condition"):
            removed["hidden sections"] += 1
            remove_keeping_tail(sec)
    for el in list(root.iter(f"{_T}span", f"{_T}p", f"{_T}h")):
        what = styles.category(el.get(f"{_T}style-name"))
        if what is not None:
            removed["hidden text" if what == "hidden" else "camouflaged text"] += 1
            remove_keeping_tail(el)
    for el in list(root.iter(f"{{{SVG}}}title", f"{{{SVG}}}desc")):
        removed["alt texts"] += 1
        remove_keeping_tail(el)
    for frame in list(root.iter(f"{{{DRAW}}}frame")):
        if next(frame.iter(f"{{{DRAW}}}object", f"{{{DRAW}}}object-ole"), None) is not None:
            removed["embedded objects"] += 1
            remove_keeping_tail(frame)
    if kind in ("presentation", "graphics"):
        for page in list(root.iter(f"{{{DRAW}}}page")):
            if page.get(f"{{{DRAW}}}style-name", "") in styles.hidden_pages:
                removed["hidden slides"] += 1
                remove_keeping_tail(page)
                continue
            for notes in list(page.iter(f"{{{PRES}}}notes")):
                removed["speaker notes"] += 1
                remove_keeping_tail(notes)
            size = styles.page_size.get(page.get(f"{{{DRAW}}}master-page-name", ""))
            for frame in list(page.iter(f"{{{DRAW}}}frame")):
                if off_page(frame, size):
                    removed["off-slide frames"] += 1
                    remove_keeping_tail(frame)


def _meta(data: bytes, removed: Counter[str]) -> bytes:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    meta = root.find(f"{{{OFFICE}}}meta")
    if meta is not None:
        for el in list(meta):
            name = etree.QName(el).localname
            if name not in ("generator", "creation-date", "date", "document-statistic", "editing-cycles",
                            "editing-duration"):
                removed["metadata fields"] += 1
                meta.remove(el)
    return _xml(root)


def _manifest(data: bytes, kept: set[str]) -> bytes:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    for entry in list(root):
        path = entry.get(f"{{{MANIFEST}}}full-path", "")
        gone_file = path != "/" and not path.endswith("/") and path not in kept
        gone_folder = path != "/" and path.endswith("/") and not any(k.startswith(path) for k in kept)
        if gone_file or gone_folder:
            root.remove(entry)
    return _xml(root)


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    with SafeZip(Source(path.as_posix(), path=path), config.limits) as z:
        kind = sniff_package(z) or "text"
        if kind == "spreadsheet":
            from spillguard.clean import ods

            return ods.clean(path, out, opts, config)
        z.check_all_xml_prologs()
        styles_root = z.xml("styles.xml") if z.has("styles.xml") else None
        content = z.xml("content.xml")
        styles = Styles(styles_root, content)
        _content(content, styles, kind, result.removed)
        replace = {"content.xml": _xml(content)}
        if z.has("meta.xml"):
            replace["meta.xml"] = _meta(z.read("meta.xml"), result.removed)
        keep = [n for n in z.names if not n.endswith("/") and not n.startswith(_DROP_PREFIXES)]
        for n in z.names:
            if n.startswith(("Basic/", "Scripts/")) and not n.endswith("/"):
                result.removed["macro files"] += 1
        kept = set(keep)
        if z.has("META-INF/manifest.xml"):
            replace["META-INF/manifest.xml"] = _manifest(z.read("META-INF/manifest.xml"), kept)
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            if "mimetype" in kept:  # first and stored, as the format requires
                dst.writestr(zipfile.ZipInfo("mimetype"), z.read("mimetype"), compress_type=zipfile.ZIP_STORED)
            for name in keep:
                if name != "mimetype":
                    dst.writestr(name, replace.get(name) or z.read(name))
    result.removed = Counter({k: v for k, v in result.removed.items() if v})
    result.outputs.append(out.as_posix())
    return result
