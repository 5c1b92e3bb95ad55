"""Word documents (docx / docm), read at the WordprocessingML level with lxml.

Every story (body, headers, footers, footnotes, endnotes, comments, building blocks) is walked
run by run, and each run's text goes where a reader would (not) see it: plain view, tracked
changes (deleted and moved-away text, and inserted text), hidden text (``w:vanish``, directly or
through a style), camouflaged text (white on no or white highlight, or 2 pt and smaller). Body
tables become Tables (a roster pasted into a memo is a roster). Texts keep one line per
paragraph, so a detection's line is its paragraph number in that story.
Alt text, comments and their authors, tracked-change authors, document properties, custom XML,
embedded files (scanned with their own format) and macros are reported too; every other part is
accounted for (SG906 when not understood).
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

from spillguard.formats import ooxml_charts, ooxml_package, ooxml_props
from spillguard.formats.base import Context, Source
from spillguard.formats.cells import author_table, text_table
from spillguard.formats.ooxml import SafeZip, local
from spillguard.formats.pictures import pictures
from spillguard.model import Content, Location, Text, Visibility

NAME = "docx"
MAIN_PART = "word/document.xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"

_STRUCTURAL = re.compile(
    r"^(\[Content_Types\]\.xml|_rels/\.rels|.*_rels/.*\.rels|docProps/(thumbnail\.\w+)?|"
    r"word/(styles|stylesWithEffects|settings|webSettings|fontTable|numbering|commentsExtended|"
    r"commentsIds|commentsExtensible)\.xml|word/theme/.*|word/media/.*|word/glossary/(styles|"
    r"stylesWithEffects|settings|webSettings|fontTable|numbering)\.xml|word/printerSettings/.*|"
    r"customXml/itemProps\d*\.xml|docMetadata/LabelInfo\.xml|word/fonts/.*|word/ink/.*)$"
)
_UNREADABLE = {
    "word/activeX/": "an ActiveX control (binary)",
    "customUI/": "a custom ribbon definition",
}

#: run categories → visibility, in the order texts are yielded
CATEGORY = {
    "visible": Visibility.VISIBLE,
    "deleted": Visibility.TRACKED_CHANGE,
    "inserted": Visibility.TRACKED_CHANGE,
    "hidden": Visibility.HIDDEN_TEXT,
    "camouflaged": Visibility.CAMOUFLAGED,
}
LABEL = {"deleted": "deleted text", "inserted": "inserted text"}
_WHITE = {"FFFFFF", "FFFFFE", "FEFEFE", "white"}
#: 2 pt, in half-points: smaller text is not meant to be read
_TINY_HALF_POINTS = 4


def is_document(names: set[str]) -> bool:
    return MAIN_PART in names


@dataclass(slots=True)
class _Story:
    """The text of one story, per category, one list entry per paragraph."""

    lines: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    authors: set[str] = field(default_factory=set)
    alt_texts: list[str] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)


class _Styles:
    """Character and paragraph styles that hide or camouflage their text."""

    def __init__(self, z: SafeZip) -> None:
        self.hidden: set[str] = set()
        self.camouflaged: set[str] = set()
        if z.has("word/styles.xml"):
            for style in z.xml("word/styles.xml").iter(f"{_W}style"):
                rpr = style.find(f"{_W}rPr")
                sid = style.get(f"{_W}styleId", "")
                if rpr is not None and _on(rpr.find(f"{_W}vanish")):
                    self.hidden.add(sid)
                elif rpr is not None and _camouflaged(rpr):
                    self.camouflaged.add(sid)


def _on(el: etree._Element | None) -> bool:
    """A toggle property: present and not switched off (``w:val="0"/"false"``)."""
    return el is not None and el.get(f"{_W}val", "true") not in ("0", "false", "off")


def _camouflaged(rpr: etree._Element) -> bool:
    color = rpr.find(f"{_W}color")
    size = rpr.find(f"{_W}sz")
    if size is not None and size.get(f"{_W}val", "").isdigit() and int(size.get(f"{_W}val", "0")) <= _TINY_HALF_POINTS:
        return True
    if color is None or color.get(f"{_W}val", "").upper() not in {c.upper() for c in _WHITE}:
        return False
    highlight = rpr.find(f"{_W}highlight")
    shade = rpr.find(f"{_W}shd")
    dark_highlight = highlight is not None and highlight.get(f"{_W}val", "none") not in ("none", "white")
    dark_shade = shade is not None and shade.get(f"{_W}fill", "auto").upper() not in ("AUTO", "FFFFFF")
    return not (dark_highlight or dark_shade)


def _category(run: etree._Element, styles: _Styles, para_style: str | None) -> str:
    for anc in run.iterancestors():
        tag = local(anc.tag)
        if tag in ("del", "moveFrom"):
            return "deleted"
        if tag in ("ins", "moveTo"):
            return "inserted"
        if tag in ("p", "body", "txbxContent"):
            break
    rpr = run.find(f"{_W}rPr")
    style = None
    if rpr is not None:
        rstyle = rpr.find(f"{_W}rStyle")
        style = rstyle.get(f"{_W}val") if rstyle is not None else None
        if _on(rpr.find(f"{_W}vanish")) or _on(rpr.find(f"{_W}specVanish")):
            return "hidden"
        if _camouflaged(rpr):
            return "camouflaged"
    for sid in (style, para_style):
        if sid in styles.hidden:
            return "hidden"
        if sid in styles.camouflaged:
            return "camouflaged"
    return "visible"


def _run_text(run: etree._Element) -> str:
    bits = []
    for el in run:
        tag = local(el.tag)
        if tag in ("t", "delText"):
            bits.append(el.text or "")
        elif tag == "tab":
            bits.append("\t")
        elif tag in ("br", "cr"):
            bits.append(" ")
    return "".join(bits)


def _paragraph(p: etree._Element, styles: _Styles, story: _Story) -> dict[str, str]:
    ppr = p.find(f"{_W}pPr")
    pstyle_el = ppr.find(f"{_W}pStyle") if ppr is not None else None
    pstyle = pstyle_el.get(f"{_W}val") if pstyle_el is not None else None
    out: dict[str, list[str]] = defaultdict(list)
    for run in p.iter(f"{_W}r"):
        # runs of nested paragraphs (text boxes) belong to those paragraphs
        owner = next(a for a in run.iterancestors() if local(a.tag) == "p")
        if owner is not p or _in_fallback(run, p):
            continue
        text = _run_text(run)
        if not text:
            continue
        out[_category(run, styles, pstyle)].append(text)
    for change in p.iter(f"{_W}del", f"{_W}ins", f"{_W}moveFrom", f"{_W}moveTo"):
        author = change.get(f"{_W}author")
        if author:
            story.authors.add(author)
    return {k: "".join(v) for k, v in out.items()}


def _in_fallback(el: etree._Element, stop: etree._Element) -> bool:
    """Inside ``mc:Fallback``: a copy of a drawing's text for old readers (counted once)."""
    for anc in el.iterancestors():
        if anc is stop:
            return False
        if local(anc.tag) == "Fallback":
            return True
    return False


def _walk(root: etree._Element, styles: _Styles) -> _Story:
    story = _Story()
    # where each paragraph of a top-level table goes: (table, row, column)
    cell_of: dict[etree._Element, tuple[int, int, int]] = {}
    for tbl in root.iter(f"{_W}tbl"):
        if any(local(a.tag) == "tbl" for a in tbl.iterancestors()):
            continue  # nested tables are part of their cell's text
        rows: list[list[str]] = []
        for tr in tbl.iterchildren(f"{_W}tr"):
            rows.append([])
            for tc in tr.iterchildren(f"{_W}tc"):
                rows[-1].append("")
                for p in tc.iter(f"{_W}p"):
                    cell_of[p] = (len(story.tables), len(rows) - 1, len(rows[-1]) - 1)
        story.tables.append(rows)
    for p in root.iter(f"{_W}p"):
        if _in_fallback(p, root):
            continue
        parts = _paragraph(p, styles, story)
        where = cell_of.get(p)
        if where is not None:
            t, r, c = where
            cell = story.tables[t][r]
            cell[c] = " ".join(x for x in (cell[c], parts.pop("visible", "").strip()) if x)
        for cat in CATEGORY:
            story.lines[cat].append(parts.get(cat, ""))
    story.tables = [rows for rows in story.tables if any(any(c for c in row) for row in rows)]
    for pr in root.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"):
        for attr in ("descr", "title"):
            if (pr.get(attr) or "").strip():
                story.alt_texts.append(pr.get(attr, "").strip())
    return story


def _story_contents(story: _Story, loc: Location, label: str | None) -> Iterator[Content]:
    for cat, vis in CATEGORY.items():
        lines = story.lines.get(cat, [])
        if any(line.strip() for line in lines):
            what = LABEL.get(cat)
            full = ", ".join(x for x in (label, what) if x) or None
            yield Text(loc.with_(line=1), vis, "\n".join(lines), full)
    for i, rows in enumerate(story.tables):
        yield text_table(loc.with_(range=f"table {i + 1}"), Visibility.VISIBLE, rows)
    if story.alt_texts:
        yield Text(loc, Visibility.HIDDEN_TEXT, "\n".join(story.alt_texts), "alt text")
    if story.authors:
        yield author_table(loc, "revision author", sorted(story.authors))


def read_package(z: SafeZip, source: Source, ctx: Context) -> Iterator[Content]:
    z.check_all_xml_prologs()
    loc = Location(file=source.name)
    handled: set[str] = {MAIN_PART}
    styles = _Styles(z)
    yield from ooxml_props.properties(z, loc)
    handled.update(p for p in z.names if p.startswith("docProps/"))
    main = z.xml(MAIN_PART)
    yield from _story_contents(_walk(main, styles), loc.with_(part=MAIN_PART), None)
    yield from _fields_and_links(z, MAIN_PART, main, loc)
    stories = [(kind, target) for kind, target in z.rels(MAIN_PART).values()
               if kind in ("header", "footer", "footnotes", "endnotes", "glossaryDocument")]
    for kind, part in sorted(set(stories)):
        if not z.has(part) or part in handled:
            continue
        handled.add(part)
        vis_label = {"glossaryDocument": "building blocks"}.get(kind, kind)
        root = z.xml(part)
        story = _walk(root, styles)
        for content in _story_contents(story, loc.with_(part=part), vis_label):
            if kind == "glossaryDocument" and content.visibility is Visibility.VISIBLE:
                content.visibility = Visibility.HIDDEN_TEXT  # building blocks are not in the page
            yield content
        yield from _fields_and_links(z, part, root, loc)
    if z.has("word/settings.xml"):
        yield from _mail_merge(z, "word/settings.xml", loc)
    if z.has("word/comments.xml"):
        handled.add("word/comments.xml")
        yield from _comments(z, "word/comments.xml", loc, styles)
    if z.has("word/people.xml"):
        handled.add("word/people.xml")
        people = z.xml("word/people.xml").iter(f"{{{_W15}}}person")
        names = sorted({p.get(f"{{{_W15}}}author", "") for p in people} - {""})
        if names:
            yield author_table(loc.with_(part="word/people.xml"), "author", names)
    for part in sorted(ooxml_package.matching(z, r"customXml/item\d*\.xml")):
        handled.add(part)
        text = " ".join(t.strip() for t in z.xml(part).itertext() if t.strip())
        if text:
            yield Text(loc.with_(part=part), Visibility.METADATA, text, posixpath.basename(part))
    yield from ooxml_charts.read(z, "word/", loc, handled)
    yield from ooxml_package.embeddings(z, source, ctx, loc, handled, "word/embeddings/", "document")
    yield from ooxml_package.macros(z, "word/vbaProject.bin", loc, handled, "document")
    handled.update(ooxml_package.matching(z, r"word/vbaData\.xml"))
    yield from pictures(z.names, z.read, source, ctx, loc, ("word/media/",), z.head)
    yield from ooxml_package.diagrams(z, "word/", loc, handled)
    yield from ooxml_package.leftovers(z, source, ctx, loc, handled, _STRUCTURAL, _UNREADABLE, NAME)


_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _fields_and_links(z: SafeZip, part: str, root: etree._Element, loc: Location) -> Iterator[Content]:
    """Field codes (the page shows their result: ``MERGEFIELD``, ``HYPERLINK "…"``, ``INCLUDETEXT``)
    and hyperlink targets and tooltips, which no reader of the page sees."""
    codes: list[str] = []
    current: list[str] = []
    for el in root.iter(f"{_W}instrText", f"{_W}fldChar", f"{_W}fldSimple"):
        tag = local(el.tag)
        if tag == "instrText":
            current.append(el.text or "")
        elif tag == "fldSimple":
            codes.append(el.get(f"{_W}instr", ""))
        elif el.get(f"{_W}fldCharType") in ("separate", "end") and current:
            codes.append("".join(current))
            current = []
    if current:
        codes.append("".join(current))
    codes = [c.strip() for c in dict.fromkeys(codes) if c.strip()]
    if codes:
        yield Text(loc.with_(part=part), Visibility.FIELD_CODE, "\n".join(codes),
                   label=f"{len(codes)} field code{'s' if len(codes) != 1 else ''}")
    rels = z.rels(part)
    links: list[str] = []
    for link in root.iter(f"{_W}hyperlink"):
        target = rels.get(link.get(_R_ID, ""), ("", ""))[1]
        for value in (target, link.get(f"{_W}anchor", ""), link.get(f"{_W}tooltip", "")):
            value = unquote(value).strip()
            if value and value not in links:
                links.append(value)
    if links:
        yield Text(loc.with_(part=part), Visibility.HYPERLINK, "\n".join(links),
                   label=f"{len(links)} hyperlink target{'s' if len(links) != 1 else ''}")


def _mail_merge(z: SafeZip, part: str, loc: Location) -> Iterator[Content]:
    """A mail merge's data source, connection string and query (``w:mailMerge`` in the settings):
    they name the roster the letters were merged from, and sometimes hold its rows' keys."""
    merge = next(z.xml(part).iter(f"{_W}mailMerge"), None)
    if merge is None:
        return
    rels = z.rels(part)
    lines: list[str] = []
    for el in merge.iter():
        value = el.get(f"{_W}val")
        if local(el.tag) in ("dataSource", "headerSource", "src"):
            value = rels.get(el.get(_R_ID, ""), ("", ""))[1] or value
        if value and value.strip() and local(el.tag) not in ("mainDocumentType", "dataType", "type",
                                                             "activeRecord", "destination", "column",
                                                             "lid", "colDelim", "checkErrors"):
            lines.append(f"{local(el.tag)}: {unquote(value).strip()}")
    if lines:
        yield Text(loc.with_(part=part), Visibility.FIELD_CODE, "\n".join(dict.fromkeys(lines)),
                   label="mail-merge settings")


def _comments(z: SafeZip, part: str, loc: Location, styles: _Styles) -> Iterator[Content]:
    root = z.xml(part)
    comments = list(root.iter(f"{_W}comment"))
    texts = [" ".join(t for t in (_walk(c, styles).lines.get("visible", [])) if t).strip() for c in comments]
    authors = sorted({c.get(f"{_W}author", "") for c in comments} - {""})
    where = loc.with_(part=part)
    if any(texts):
        n = len([t for t in texts if t])
        yield Text(where.with_(line=1), Visibility.COMMENT, "\n".join(texts), f"{n} comment{'s' if n != 1 else ''}")
    if authors:
        yield author_table(where, "comment author", authors)
