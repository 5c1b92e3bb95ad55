"""A publishable copy of a Word document: tracked changes accepted (deleted text leaves the
file), comments, hidden and camouflaged runs, alt text, embedded objects, building blocks,
custom XML, macros and personal properties removed. The parts are edited with lxml and the
package rewritten with its relationships and content types kept consistent."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lxml import etree

from spillguard.clean import package
from spillguard.clean.model import Cleaned, Options
from spillguard.config import Config
from spillguard.formats.base import Source
from spillguard.formats.docx import MAIN_PART, W, _category, _Styles
from spillguard.formats.ooxml import SafeZip

_W = f"{{{W}}}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_STORIES = ("header", "footer", "footnotes", "endnotes")
_DROP_PREFIXES = ("word/comments", "word/people.xml", "word/embeddings/", "word/vbaProject.bin", "word/vbaData.xml",
                  "customXml/", "word/glossary/", "word/activeX/")


def _accept_changes(root: etree._Element, removed: Counter[str]) -> None:
    for el in list(root.iter(f"{_W}del", f"{_W}moveFrom")):
        text = "".join(t.text or "" for t in el.iter(f"{_W}delText", f"{_W}t"))
        if text.strip():
            removed["deleted text (tracked changes)"] += 1
        el.getparent().remove(el)
    for el in list(root.iter(f"{_W}ins", f"{_W}moveTo")):
        parent = el.getparent()
        if parent is None or (el.tag == f"{_W}ins" and parent.tag == f"{_W}rPr"):
            continue  # a paragraph mark's insertion flag: nothing to unwrap
        index = parent.index(el)
        for child in reversed(list(el)):
            parent.insert(index, child)
        parent.remove(el)
        removed["insertions accepted"] += 1
    for tag in ("rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange",
                "numberingChange", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd"):
        for el in list(root.iter(f"{_W}{tag}")):
            el.getparent().remove(el)
    for mark in list(root.iter(f"{_W}ins", f"{_W}del")):  # paragraph-mark revision flags inside rPr
        mark.getparent().remove(mark)


def _strip_runs(root: etree._Element, styles: _Styles, removed: Counter[str]) -> None:
    for tag in ("commentRangeStart", "commentRangeEnd"):
        for el in list(root.iter(f"{_W}{tag}")):
            el.getparent().remove(el)
    for run in list(root.iter(f"{_W}r")):
        parent = run.getparent()
        if parent is None:
            continue
        if run.find(f"{_W}commentReference") is not None:
            parent.remove(run)
            continue
        if run.find(f"{_W}object") is not None:
            parent.remove(run)
            removed["embedded objects"] += 1
            continue
        para = next((a for a in run.iterancestors(f"{_W}p")), None)
        ppr = para.find(f"{_W}pPr") if para is not None else None
        pstyle = ppr.find(f"{_W}pStyle") if ppr is not None else None
        kind = _category(run, styles, pstyle.get(f"{_W}val") if pstyle is not None else None)
        if kind in ("hidden", "camouflaged"):
            has_text = any((t.text or "").strip() for t in run.iter(f"{_W}t"))
            parent.remove(run)
            if has_text:
                removed["hidden text runs" if kind == "hidden" else "camouflaged text runs"] += 1
    package.drop_alt_text(root.iter(f"{_WP}docPr"), removed)


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    with SafeZip(Source(path.as_posix(), path=path), config.limits) as z:
        z.check_all_xml_prologs()
        styles = _Styles(z)
        replace: dict[str, bytes] = {}
        drop = {n for n in z.names if n.startswith(_DROP_PREFIXES)}
        for name in drop:
            if name.startswith("word/comments") and name.endswith("comments.xml"):
                result.removed["comments"] += len(z.xml(name))
            elif name.startswith("word/embeddings/"):
                result.removed["embedded files"] += 1
            elif name.startswith("customXml/item") and not name.startswith("customXml/itemProps"):
                result.removed["custom XML parts"] += 1
            elif name == "word/vbaProject.bin":
                result.removed["macro projects"] += 1
        stories = [MAIN_PART, *sorted(t for k, t in z.rels(MAIN_PART).values() if k in _STORIES and z.has(t))]
        for part in stories:
            root = z.xml(part)
            _accept_changes(root, result.removed)
            _strip_runs(root, styles, result.removed)
            replace[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        result.removed["document property values"] += package.blank_properties(z, replace, drop)
        package.strip_pictures(z, "word/media/", replace, result.removed)
        if z.has("word/settings.xml"):  # stop tracking; forget the attached template's path
            root = z.xml("word/settings.xml")
            for tag in ("trackRevisions", "attachedTemplate", "rsids"):
                for el in list(root.iter(f"{_W}{tag}")):
                    el.getparent().remove(el)
            replace["word/settings.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                                          standalone=True)
        package.write(z, out, drop, replace)
    result.removed = Counter({k: v for k, v in result.removed.items() if v})
    result.outputs.append(out.as_posix())
    return result
