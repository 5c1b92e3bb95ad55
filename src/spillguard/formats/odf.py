"""OpenDocument files (odt, ods, odp, odg and their templates), read at the XML level with lxml.

The package's ``mimetype`` says what it is. Text documents and presentations are walked
paragraph by paragraph (odf_text): body, headers and footers, footnotes, text boxes, tables,
tracked changes (deleted text and inserted text, and their authors), hidden text, hidden
paragraphs and sections, camouflaged text, alt text, comments and their authors; per slide,
hidden slides, shapes placed off the slide and speaker notes. Spreadsheets are read by ods.
Metadata (meta.xml), embedded objects (charts with their data, sub-documents, OLE objects),
macros and every other part are accounted for; an encrypted package is SG902.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from spillguard.errors import EncryptedFile
from spillguard.formats import catch_all
from spillguard.formats.base import Context, Source
from spillguard.formats.cells import author_table, record_table
from spillguard.formats.odf_styles import Styles
from spillguard.formats.odf_text import (
    DRAW,
    OFFICE,
    PRES,
    Story,
    Walker,
    alt_texts,
    body_story,
    comments,
    off_page,
    tracked_changes,
)
from spillguard.formats.ods import read_sheets
from spillguard.formats.ooxml import SafeZip, local
from spillguard.formats.ooxml_package import scan_embedded
from spillguard.formats.pictures import pictures
from spillguard.model import Content, Incomplete, Location, Notice, Text, Visibility

NAME = "odf"
_MIME = "application/vnd.oasis.opendocument."
META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
CHART = "urn:oasis:names:tc:opendocument:xmlns:chart:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"

_STRUCTURAL = re.compile(
    r"^(mimetype|META-INF/manifest\.xml|settings\.xml|manifest\.rdf|layout-cache|Thumbnails/.*|"
    r"Pictures/.*|media/.*|Configurations2/.*|.*/settings\.xml|.*/styles\.xml|"
    r"ObjectReplacements/.*|Object \d+/(meta\.xml|Pictures/.*|Configurations2/.*|ObjectReplacements/.*))$"
)
_MACROS = ("Basic/", "Scripts/")
#: meta.xml fields that name a person (checked as a table) and free-text fields
_PEOPLE = ("initial-creator", "creator", "printed-by")
_TEXTS = ("title", "subject", "description", "keyword")


def sniff_package(z: SafeZip) -> str | None:
    """'text', 'spreadsheet', 'presentation'… for an OpenDocument package, else None."""
    if not z.has("mimetype"):
        return None
    mime = z.head("mimetype", 100).decode("ascii", "replace").strip()
    if not mime.startswith(_MIME):
        return None
    return mime[len(_MIME):].removesuffix("-template").split(".")[0]


def read_package(z: SafeZip, source: Source, ctx: Context, kind: str) -> Iterator[Content]:
    _refuse_encrypted(z)
    z.check_all_xml_prologs()
    loc = Location(file=source.name)
    handled: set[str] = {"content.xml", "styles.xml", "meta.xml"}
    yield from _meta(z, loc)
    styles_root = z.xml("styles.xml") if z.has("styles.xml") else None
    if not z.has("content.xml"):
        yield Incomplete("SG901", "the OpenDocument package has no content.xml", loc)
        return
    visible_sheets: set[str] = set()
    if kind == "spreadsheet":  # streamed: a sheet can be large
        yield from read_sheets(z, source, ctx, loc.with_(part="content.xml"), styles_root, visible_sheets)
        styles = Styles(styles_root)
    else:
        content = z.xml("content.xml")
        styles = Styles(styles_root, content)
        if kind in ("presentation", "graphics"):
            yield from _slides(content, styles, loc.with_(part="content.xml"))
        else:
            yield from _document(content, styles, loc.with_(part="content.xml"))
    if styles_root is not None:
        yield from _headers_footers(styles_root, styles, loc.with_(part="styles.xml"))
    yield from _objects(z, source, ctx, loc, handled, visible_sheets)
    yield from pictures(z.names, z.read, source, ctx, loc, ("Pictures/",), z.head)
    for folder in _MACROS:
        parts = [n for n in z.names if n.startswith(folder) and not n.endswith("/")]
        if parts:
            handled.update(parts)
            yield Notice("SG115", "The document carries macros", loc.with_(part=folder.rstrip("/")),
                         Visibility.EMBEDDED_OBJECT, "macro code can hold data and paths; publish without macros")
    rest = [p for p in z.names if p not in handled and not p.endswith("/")]
    known = [p for p in rest if _STRUCTURAL.match(p)]
    ctx.covered(NAME, read=len(handled & set(z.names)), structural=len(known))
    for part in rest:
        if not _STRUCTURAL.match(part):
            yield from catch_all.read_part(part, lambda p=part: z.read(p), source, ctx, loc, NAME)


def _refuse_encrypted(z: SafeZip) -> None:
    if z.has("META-INF/manifest.xml"):
        manifest = z.xml("META-INF/manifest.xml")
        if next(manifest.iter(f"{{{MANIFEST}}}encryption-data"), None) is not None:
            raise EncryptedFile("the OpenDocument file is encrypted (password-protected)")


def _meta(z: SafeZip, loc: Location) -> Iterator[Content]:
    if not z.has("meta.xml"):
        return
    people: dict[str, str] = {}
    texts: list[str] = []
    for el in z.xml("meta.xml").iter():
        name = local(el.tag)
        value = (el.text or "").strip()
        if not value or len(el):
            continue
        if name in _PEOPLE:
            if value not in people.values():  # the creator is often the initial creator too
                people[name] = value
        elif name in _TEXTS:
            texts.append(f"{name}: {value}")
        elif name == "user-defined":
            field = el.get(f"{{{META}}}name", "custom")
            people[field] = value
    where = loc.with_(part="meta.xml")
    if people:
        yield record_table(where, Visibility.METADATA, people)
    if texts:
        yield Text(where, Visibility.METADATA, "\n".join(texts))


def _document(root: etree._Element, styles: Styles, loc: Location,
              main: Visibility = Visibility.VISIBLE) -> Iterator[Content]:
    deletions, insertions, authors = tracked_changes(root, styles)
    walker = Walker(styles, deletions, insertions)
    body = next(root.iter(f"{{{OFFICE}}}body"), root)
    story = body_story(body, walker)
    for orphan in walker.deletions.values():  # deleted text whose mark is gone: after the body
        story.add({"deleted": orphan})
    yield from story.contents(loc, None, main)
    yield from comments(body, walker, loc)
    alt = alt_texts(body)
    if alt:
        yield Text(loc, Visibility.HIDDEN_TEXT, "\n".join(alt), "alt text")
    if authors:
        yield author_table(loc, "revision author", sorted(authors))


def _slides(root: etree._Element, styles: Styles, loc: Location) -> Iterator[Content]:
    walker = Walker(styles)
    for number, page in enumerate(root.iter(f"{{{DRAW}}}page"), start=1):
        where = loc.with_(page=number)
        hidden = page.get(f"{{{DRAW}}}style-name", "") in styles.hidden_pages
        size = styles.page_size.get(page.get(f"{{{DRAW}}}master-page-name", ""))
        notes = page.find(f"{{{PRES}}}notes")
        frames = [f for f in page.iter(f"{{{DRAW}}}frame")
                  if (notes is None or notes not in f.iterancestors()) and off_page(f, size)]
        skip = set(frames) | ({notes} if notes is not None else set())
        story = body_story(page, walker, skip)
        main = Visibility.HIDDEN_SLIDE if hidden else Visibility.VISIBLE
        yield from story.contents(where, f"slide {number}", main)
        off = Story()
        for frame in frames:
            for cat, lines in body_story(frame, walker).lines.items():
                off.lines["hidden" if cat == "visible" else cat].extend(lines)
        yield from off.contents(where, f"slide {number}, off-slide shapes")
        if notes is not None:
            notes_story = body_story(notes, walker)
            for cat, lines in notes_story.lines.items():
                if any(x.strip() for x in lines):
                    vis = Visibility.SPEAKER_NOTES if cat == "visible" else None
                    yield Text(where.with_(line=1), vis or Visibility.HIDDEN_TEXT, "\n".join(lines),
                               f"slide {number}, speaker notes")
        yield from comments(page, walker, where)
        alt = alt_texts(page)
        if alt:
            yield Text(where, Visibility.HIDDEN_TEXT, "\n".join(alt), f"slide {number}, alt text")


def _headers_footers(root: etree._Element, styles: Styles, loc: Location) -> Iterator[Content]:
    walker = Walker(styles)
    for mp in root.iter(f"{{{STYLE}}}master-page"):
        for el in mp:
            kind = local(el.tag)
            if kind in ("header", "footer", "header-left", "footer-left", "header-first", "footer-first"):
                story = body_story(el, walker)
                yield from story.contents(loc, kind.replace("-", " "))


def _objects(z: SafeZip, source: Source, ctx: Context, loc: Location, handled: set[str],
             visible_sheets: set[str]) -> Iterator[Content]:
    """``Object N/`` folders are sub-documents (charts with their data table, formulas,
    embedded spreadsheets); ``Object N`` files are OLE objects, scanned as files. A chart
    drawn from visible cells of this spreadsheet repeats them: it is not reported again."""
    folders = sorted({n.split("/", 1)[0] for n in z.names if re.match(r"Object \d+/", n)})
    for folder in folders:
        part = f"{folder}/content.xml"
        if not z.has(part):
            continue
        handled.add(part)
        where = loc.with_(part=part)
        root = z.xml(part)
        styles = Styles(z.xml(f"{folder}/styles.xml") if z.has(f"{folder}/styles.xml") else None, root)
        plot = next(root.iter(f"{{{CHART}}}plot-area"), None)
        if plot is not None:
            sources = _range_sheets(plot.get(f"{{{TABLE}}}cell-range-address", ""))
            if sources and sources <= visible_sheets:
                continue
        yield Notice("SG114", f"An embedded object travels inside the document: {folder}", where,
                     Visibility.EMBEDDED_OBJECT, "embedded objects are published with the document")
        vis = Visibility.CHART_CACHE if plot is not None else Visibility.EMBEDDED_OBJECT
        yield from _document(root, styles, where, vis)
    for name in sorted(n for n in z.names if re.fullmatch(r"Object \d+", n)):
        handled.add(name)
        where = loc.with_(part=name)
        yield Notice("SG114", f"An embedded object travels inside the document: {name}", where,
                     Visibility.EMBEDDED_OBJECT, "embedded objects are published with the document")
        yield from scan_embedded(source, ctx, where, name, lambda n=name: z.read(n))




def _range_sheets(address: str) -> set[str]:
    """``'Data'.A1:B5 Sheet2.C1:C5`` → {'Data', 'Sheet2'}."""
    out = set()
    for m in re.finditer(r"\$?(?:'((?:[^']|'')*)'|([^.\s':]+))\.\$?[A-Z]", address):
        out.add((m.group(1) or "").replace("''", "'") if m.group(1) is not None else m.group(2))
    return out
