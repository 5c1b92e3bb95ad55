"""A publishable copy of a PowerPoint deck: hidden slides, speaker notes, comments and their
authors, hidden and off-slide shapes, alt text, embedded objects, macros and personal
properties removed; what the slides show stays."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lxml import etree

from spillguard.clean import package
from spillguard.clean.model import Cleaned, Options
from spillguard.config import Config
from spillguard.formats.base import Source
from spillguard.formats.ooxml import SafeZip, local
from spillguard.formats.pptx import _P, MAIN_PART, Presentation

_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_DROP_PREFIXES = ("ppt/notesSlides/", "ppt/comments/", "ppt/commentAuthors.xml", "ppt/authors.xml",
                  "ppt/embeddings/", "ppt/vbaProject.bin", "customXml/", "ppt/activeX/")
_SHAPES = ("sp", "graphicFrame", "grpSp", "pic", "cxnSp")


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _clean_shapes(tree: etree._Element, pres: Presentation, removed: Counter[str]) -> None:
    for shape in list(tree.iterchildren()):
        if local(shape.tag) not in _SHAPES:
            continue
        pr = next(shape.iter(f"{_P}cNvPr"), None)
        hidden = pr is not None and pr.get("hidden") in ("1", "true")
        ole = next(shape.iter(f"{_P}oleObj"), None) is not None
        if hidden or pres.off_slide(shape) or ole:
            tree.remove(shape)
            removed["embedded objects" if ole else "hidden shapes" if hidden else "off-slide shapes"] += 1
            continue
        if local(shape.tag) == "grpSp":
            _clean_shapes(shape, pres, removed)
    package.drop_alt_text(tree.iter(f"{_P}cNvPr"), removed)


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    with SafeZip(Source(path.as_posix(), path=path), config.limits) as z:
        z.check_all_xml_prologs()
        pres = Presentation(z)
        replace: dict[str, bytes] = {}
        drop = {n for n in z.names if n.startswith(_DROP_PREFIXES)}
        for name in drop:
            if name.startswith("ppt/notesSlides/notesSlide"):
                result.removed["speaker notes"] += 1
            elif name.startswith("ppt/comments/"):
                result.removed["comment parts"] += 1
            elif name.startswith("ppt/embeddings/"):
                result.removed["embedded files"] += 1
        main = z.xml(MAIN_PART)
        rels = z.rels(MAIN_PART)
        for sid in list(main.iter(f"{_P}sldId")):
            _, target = rels.get(sid.get(_R_ID, ""), ("", ""))
            if target and z.has(target) and z.xml(target).get("show") in ("0", "false"):
                sid.getparent().remove(sid)
                drop.add(target)
                result.removed["hidden slides"] += 1
        replace[MAIN_PART] = _xml(main)
        for part in pres.slides:
            if part in drop:
                continue
            root = z.xml(part)
            tree = root.find(f"{_P}cSld/{_P}spTree")
            if tree is not None:
                _clean_shapes(tree, pres, result.removed)
            replace[part] = _xml(root)
        result.removed["document property values"] += package.blank_properties(z, replace, drop)
        package.strip_pictures(z, "ppt/media/", replace, result.removed)
        package.write(z, out, drop, replace)
    result.removed = Counter({k: v for k, v in result.removed.items() if v})
    result.outputs.append(out.as_posix())
    return result
