"""PowerPoint presentations (pptx / pptm), read at the PresentationML level with lxml.

Per slide: the text of its shapes (one line per paragraph; ``page`` is the slide number),
its tables as Tables, and what a viewer does not see — hidden shapes, shapes placed off the
slide, alt text — as hidden text; hidden slides (``show="0"``) as a whole; speaker notes;
comments (legacy and modern) and their authors. Document properties, embedded files (scanned
with their own format) and macros are reported too; every other part is accounted for.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from urllib.parse import unquote

from lxml import etree

from spillguard.formats import ooxml_charts, ooxml_package, ooxml_props
from spillguard.formats.base import Context, Source
from spillguard.formats.cells import author_table, text_table
from spillguard.formats.ooxml import SafeZip, local
from spillguard.formats.pictures import pictures
from spillguard.model import Content, Location, Table, Text, Visibility

NAME = "pptx"
MAIN_PART = "ppt/presentation.xml"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"

_STRUCTURAL = re.compile(
    r"^(\[Content_Types\]\.xml|_rels/\.rels|.*_rels/.*\.rels|docProps/(thumbnail\.\w+)?|"
    r"ppt/(presProps|viewProps|tableStyles|revisionInfo)\.xml|ppt/theme/.*|ppt/media/.*|"
    r"ppt/(slideLayouts|slideMasters|notesMasters|handoutMasters)/_rels/.*|"
    r"ppt/tags/.*|ppt/ink/.*|ppt/drawings/vmlDrawing\d*\.vml|ppt/printerSettings/.*|ppt/fonts/.*|ppt/changesInfos/.*|"
    r"customXml/itemProps\d*\.xml|docMetadata/LabelInfo\.xml)$"
)
_UNREADABLE = {
    "ppt/activeX/": "an ActiveX control (binary)",
    "customUI/": "a custom ribbon definition",
}
#: the default slide size (16:9, in EMU) when presentation.xml gives none
_DEFAULT_SIZE = (12_192_000, 6_858_000)


def is_presentation(names: set[str]) -> bool:
    return MAIN_PART in names


def _paragraphs(el: etree._Element) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(f"{_A}t")) for p in el.iter(f"{_A}p")]


def _emu(value: str | None) -> int | None:
    """A coordinate in EMU, or None when the attribute is damaged."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class Presentation:
    def __init__(self, z: SafeZip) -> None:
        self.z = z
        root = z.xml(MAIN_PART)
        size = root.find(f"{_P}sldSz")
        cx, cy = (_emu(size.get("cx")), _emu(size.get("cy"))) if size is not None else (None, None)
        self.size = (cx or _DEFAULT_SIZE[0], cy or _DEFAULT_SIZE[1])
        rels = z.rels(MAIN_PART)
        self.slides: list[str] = []
        for sid in root.iter(f"{_P}sldId"):
            rid = sid.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id", "")
            kind, target = rels.get(rid, ("", ""))
            if kind == "slide" and z.has(target):
                self.slides.append(target)

    def off_slide(self, shape: etree._Element) -> bool:
        off = next(shape.iter(f"{_A}off"), None)
        ext = next(shape.iter(f"{_A}ext"), None)
        if off is None or ext is None:
            return False
        x, y, cx, cy = (_emu(off.get("x", "0")), _emu(off.get("y", "0")), _emu(ext.get("cx", "0")),
                        _emu(ext.get("cy", "0")))
        if x is None or y is None or cx is None or cy is None:
            return False  # unreadable geometry: its text is read as on the slide, not skipped
        return x >= self.size[0] or y >= self.size[1] or x + cx <= 0 or y + cy <= 0


def _slide(pres: Presentation, part: str, number: int, loc: Location) -> Iterator[Content]:
    root = pres.z.xml(part)
    hidden_slide = root.get("show") in ("0", "false")
    where = loc.with_(part=part, page=number)
    shown: list[str] = []
    unseen: list[str] = []
    alt: list[str] = []
    tables: list[Table] = []
    tree = root.find(f"{_P}cSld/{_P}spTree")
    shapes = list(tree) if tree is not None else []
    for shape in _flatten(shapes):
        pr = next(shape.iter(f"{_P}cNvPr"), None)
        if pr is not None:
            alt.extend(v.strip() for v in (pr.get("descr"), pr.get("title")) if v and v.strip())
        gone = (pr is not None and pr.get("hidden") in ("1", "true")) or pres.off_slide(shape)
        tbl = next(shape.iter(f"{_A}tbl"), None)
        if tbl is not None and not gone:
            rows = [[" ".join(x for x in _paragraphs(tc) if x).strip() for tc in tr.iter(f"{_A}tc")]
                    for tr in tbl.iter(f"{_A}tr")]
            rows = [r for r in rows if any(r)]
            if rows:
                tables.append(text_table(where.with_(range=f"table {len(tables) + 1}"), Visibility.VISIBLE, rows))
            continue
        body = next(shape.iter(f"{_P}txBody"), None)
        if body is None and tbl is None:
            continue
        (unseen if gone else shown).extend(_paragraphs(tbl if tbl is not None else body))
    main = Visibility.HIDDEN_SLIDE if hidden_slide else Visibility.VISIBLE
    if any(x.strip() for x in shown):
        yield Text(where.with_(line=1), main, "\n".join(shown), f"slide {number}")
    for table in tables:
        table.visibility = main
        yield table
    if any(x.strip() for x in unseen):
        yield Text(where.with_(line=1), Visibility.HIDDEN_TEXT, "\n".join(unseen),
                   f"slide {number}, hidden or off-slide shapes")
    if alt:
        yield Text(where, Visibility.HIDDEN_TEXT, "\n".join(alt), f"slide {number}, alt text")


def _flatten(shapes: list[etree._Element]) -> Iterator[etree._Element]:
    """Shapes, with group shapes opened (a group's hidden flag hides its members)."""
    for shape in shapes:
        if local(shape.tag) == "grpSp":
            pr = next(shape.iter(f"{_P}cNvPr"), None)
            if pr is not None and pr.get("hidden") in ("1", "true"):
                for inner in shape.iterchildren():
                    if local(inner.tag) in ("sp", "graphicFrame", "grpSp", "pic"):
                        ipr = next(inner.iter(f"{_P}cNvPr"), None)
                        if ipr is not None:
                            ipr.set("hidden", "1")
            yield from _flatten([c for c in shape.iterchildren() if local(c.tag) in ("sp", "graphicFrame",
                                                                                       "grpSp", "pic", "cxnSp")])
        elif isinstance(shape.tag, str):
            yield shape


def read_package(z: SafeZip, source: Source, ctx: Context) -> Iterator[Content]:
    z.check_all_xml_prologs()
    loc = Location(file=source.name)
    handled: set[str] = {MAIN_PART}
    pres = Presentation(z)
    yield from ooxml_props.properties(z, loc)
    handled.update(p for p in z.names if p.startswith("docProps/"))
    for number, part in enumerate(pres.slides, start=1):
        handled.add(part)
        yield from _slide(pres, part, number, loc)
        for kind, target in z.rels(part).values():
            if not z.has(target) or target in handled:
                continue
            if kind == "notesSlide":
                handled.add(target)
                yield from _notes_part(z, target, number, loc)
            elif kind in ("comments", "comment"):
                handled.add(target)
                yield from _comments_part(z, target, number, loc)
    # slides no presentation.xml entry points to are still published with the file
    for part in sorted(ooxml_package.matching(z, r"ppt/slides/slide\d+\.xml") - handled):
        handled.add(part)
        yield from _slide(pres, part, 0, loc)  # slide 0: not in the slide list
    for part in sorted(ooxml_package.matching(z, r"ppt/(commentAuthors|authors)\.xml")):
        handled.add(part)
        names = sorted({a.get("name", "") for a in z.xml(part) if isinstance(a.tag, str)} - {""})
        if names:
            yield author_table(loc.with_(part=part), "comment author", names)
    # notes and comments of no listed slide still travel with the file
    for part in sorted(ooxml_package.matching(z, r"ppt/notesSlides/notesSlide\d+\.xml") - handled):
        handled.add(part)
        yield from _notes_part(z, part, 0, loc)
    for part in sorted(ooxml_package.matching(z, r"ppt/comments/[^/]+\.xml") - handled):
        handled.add(part)
        yield from _comments_part(z, part, 0, loc)
    for part in sorted(ooxml_package.matching(z, r"customXml/item\d*\.xml")):
        handled.add(part)
        text = " ".join(t.strip() for t in z.xml(part).itertext() if t.strip())
        if text:
            yield Text(loc.with_(part=part), Visibility.METADATA, text, posixpath.basename(part))
    yield from _templates(z, pres, loc, handled)
    for part in [*pres.slides, *sorted(ooxml_package.matching(z, r"ppt/slides/slide\d+\.xml") - set(pres.slides))]:
        yield from _links(z, part, loc)
    yield from ooxml_charts.read(z, "ppt/", loc, handled)
    yield from ooxml_package.embeddings(z, source, ctx, loc, handled, "ppt/embeddings/", "presentation")
    yield from ooxml_package.macros(z, "ppt/vbaProject.bin", loc, handled, "presentation")
    yield from pictures(z.names, z.read, source, ctx, loc, ("ppt/media/",), z.head)
    yield from ooxml_package.diagrams(z, "ppt/", loc, handled)
    yield from ooxml_package.leftovers(z, source, ctx, loc, handled, _STRUCTURAL, _UNREADABLE, NAME)


_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _templates(z: SafeZip, pres: Presentation, loc: Location, handled: set[str]) -> Iterator[Content]:
    """Slide masters and layouts. Their own shapes' text shows on every slide built on a layout in
    use (a banner, a footer line); placeholder prompts and every text of a layout or master no
    slide uses are published with the file but shown nowhere."""
    used: set[str] = set()
    for slide in pres.slides:
        used.update(t for k, t in z.rels(slide).values() if k == "slideLayout")
    for layout in list(used):
        used.update(t for k, t in z.rels(layout).values() if k == "slideMaster")
    parts = ooxml_package.matching(z, r"ppt/(slideLayouts/slideLayout|slideMasters/slideMaster|"
                                      r"notesMasters/notesMaster|handoutMasters/handoutMaster)\d+\.xml")
    for part in sorted(parts):
        handled.add(part)
        shown: list[str] = []
        unseen: list[str] = []
        for shape in z.xml(part).iter(f"{_P}sp"):
            body = next(shape.iter(f"{_P}txBody"), None)
            if body is None:
                continue
            placeholder = next(shape.iter(f"{_P}ph"), None) is not None
            (unseen if placeholder or part not in used else shown).extend(_paragraphs(body))
        kind = "slide master" if "Master" in part else "slide layout"
        if any(x.strip() for x in shown):
            yield Text(loc.with_(part=part, line=1), Visibility.VISIBLE, "\n".join(shown), f"{kind} in use")
        if any(x.strip() for x in unseen):
            yield Text(loc.with_(part=part, line=1), Visibility.SLIDE_TEMPLATE, "\n".join(unseen),
                       f"{kind}{'' if part in used else ' no slide uses'}")
        yield from _links(z, part, loc)


def _links(z: SafeZip, part: str, loc: Location) -> Iterator[Content]:
    """Hyperlink targets and tooltips of a slide's (or layout's) shapes and text runs."""
    rels = z.rels(part)
    links: list[str] = []
    for link in z.xml(part).iter(f"{_A}hlinkClick", f"{_A}hlinkHover"):
        kind, target = rels.get(link.get(_R_ID, ""), ("", ""))
        for value in (target if kind == "hyperlink" else "", link.get("tooltip", "")):
            value = unquote(value).strip()
            if value and value not in links:
                links.append(value)
    if links:
        yield Text(loc.with_(part=part), Visibility.HYPERLINK, "\n".join(links),
                   label=f"{len(links)} hyperlink target{'s' if len(links) != 1 else ''}")


def _notes_part(z: SafeZip, part: str, number: int, loc: Location) -> Iterator[Content]:
    notes = _notes(z.xml(part))
    if any(x.strip() for x in notes):
        yield Text(loc.with_(part=part, page=number or None, line=1), Visibility.SPEAKER_NOTES,
                   "\n".join(notes), f"slide {number}" if number else None)


def _comments_part(z: SafeZip, part: str, number: int, loc: Location) -> Iterator[Content]:
    texts = [" ".join(t.text or "" for t in c.iter("{*}text", f"{_A}t")).strip()
             for c in z.xml(part) if local(c.tag) == "cm"]
    if any(texts):
        yield Text(loc.with_(part=part, page=number or None, line=1), Visibility.COMMENT, "\n".join(texts),
                   f"slide {number}" if number else None)


def _notes(root: etree._Element) -> list[str]:
    """The notes page's paragraphs: its body and the header, footer and date printed with the
    notes (not the slide image or the slide number)."""
    out: list[str] = []
    for sp in root.iter(f"{_P}sp"):
        ph = next(sp.iter(f"{_P}ph"), None)
        if ph is not None and ph.get("type") in ("sldNum", "sldImg"):
            continue
        body = next(sp.iter(f"{_P}txBody"), None)
        if body is not None:
            out.extend(_paragraphs(body))
    return out
