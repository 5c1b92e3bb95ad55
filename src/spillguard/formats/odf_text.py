"""The text of OpenDocument text documents and presentations, paragraph by paragraph, routed
to where a reader would (not) see it.

Each paragraph (``text:p`` / ``text:h``) belongs to one story — the body, a slide, speaker notes,
comments, footnotes, a header — and each piece of its text to one category: visible, deleted
or inserted with change tracking, hidden (``text:display="none"`` styles, hidden paragraphs,
hidden text fields, hidden sections), or camouflaged (white or tiny). Tables are tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from spillguard.formats.cells import author_table, text_table
from spillguard.formats.docx import CATEGORY, LABEL
from spillguard.formats.odf_styles import SVG, TEXT, Styles, length_cm
from spillguard.model import Content, Location, Text, Visibility

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
PRES = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
DC = "http://purl.org/dc/elements/1.1/"
_T = f"{{{TEXT}}}"

_PARAGRAPHS = (f"{_T}p", f"{_T}h")
#: elements whose paragraphs are a story of their own, never part of the paragraph around them
_OWN_STORY = {f"{{{OFFICE}}}annotation", f"{_T}note", f"{{{DRAW}}}frame", f"{_T}tracked-changes",
              f"{{{PRES}}}notes", f"{{{TABLE}}}table", "{http://openoffice.org/2009/office}annotation"}
_SKIP = {f"{{{OFFICE}}}annotation-end", f"{_T}note-citation", f"{{{DC}}}creator", f"{{{DC}}}date",
         f"{{{SVG}}}title", f"{{{SVG}}}desc", f"{{{OFFICE}}}change-info"}


@dataclass(slots=True)
class Story:
    lines: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    tables: list[list[list[str]]] = field(default_factory=list)

    def add(self, parts: dict[str, str]) -> None:
        for cat in CATEGORY:
            self.lines[cat].append(parts.get(cat, ""))

    def contents(self, loc: Location, label: str | None, main: Visibility = Visibility.VISIBLE) -> Iterator[Content]:
        for cat, vis in CATEGORY.items():
            lines = self.lines.get(cat, [])
            if any(line.strip() for line in lines):
                what = LABEL.get(cat)
                full = ", ".join(x for x in (label, what) if x) or None
                yield Text(loc.with_(line=1), main if cat == "visible" else vis, "\n".join(lines), full)
        for i, rows in enumerate(self.tables):
            yield text_table(loc.with_(range=f"table {i + 1}"), main, rows)


class Walker:
    """Walks the paragraphs under one root in document order, keeping the tracked-change state."""

    def __init__(self, styles: Styles, deletions: dict[str, str] | None = None,
                 insertions: set[str] | None = None) -> None:
        self.styles = styles
        self.insertions = insertions or set()
        #: deleted text by change id; what the walk places at its mark is removed
        self.deletions = dict(deletions or {})
        self.open_insertions: set[str] = set()

    def paragraph(self, p: etree._Element, base: str = "visible") -> dict[str, str]:
        out: dict[str, list[str]] = defaultdict(list)
        hidden_para = any(
            h.get(f"{_T}is-hidden") == "true" for h in p.iterchildren(f"{_T}hidden-paragraph"))
        if hidden_para or self.styles.category(p.get(f"{_T}style-name")) == "hidden":
            base = "hidden"
        elif self.styles.category(p.get(f"{_T}style-name")) == "camouflaged" and base == "visible":
            base = "camouflaged"
        self._inline(p, base, out)
        return {k: "".join(v) for k, v in out.items()}

    def _inline(self, el: etree._Element, cat: str, out: dict[str, list[str]]) -> None:
        def current() -> str:
            return "inserted" if cat == "visible" and self.open_insertions else cat

        if el.text:
            out[current()].append(el.text)
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _OWN_STORY:
                pass
            elif tag == f"{_T}s":
                out[current()].append(" " * int(child.get(f"{_T}c", "1") or 1))
            elif tag in (f"{_T}tab", f"{_T}line-break"):
                out[current()].append(" ")
            elif tag == f"{_T}change-start":
                cid = child.get(f"{_T}change-id", "")
                if cid in self.insertions:
                    self.open_insertions.add(cid)
            elif tag == f"{_T}change":
                gone = self.deletions.pop(child.get(f"{_T}change-id", ""), "")
                if gone:
                    out["deleted"].append(f" {gone} ")
            elif tag == f"{_T}change-end":
                self.open_insertions.discard(child.get(f"{_T}change-id", ""))
            elif tag == f"{_T}hidden-text":
                if child.get(f"{_T}is-hidden") != "false":
                    out["hidden"].append(" " + (child.get(f"{_T}string-value") or "") + " ")
            elif tag in _SKIP:
                pass
            else:
                sub = self.styles.category(child.get(f"{_T}style-name"))
                self._inline(child, sub if sub and cat in ("visible", "inserted") else cat, out)
            if child.tail:
                out[current()].append(child.tail)


def tracked_changes(root: etree._Element, styles: Styles) -> tuple[dict[str, str], set[str], set[str]]:
    """Deleted text by change id (kept in ``text:tracked-changes``; the body marks where it
    was), the ids of insertions, and the authors of every change."""
    insertions: set[str] = set()
    deletions: dict[str, str] = {}
    authors: set[str] = set()
    walker = Walker(styles)
    for region in root.iter(f"{_T}changed-region"):
        cid = region.get(f"{_T}id") or region.get("{http://www.w3.org/XML/1998/namespace}id") or ""
        for info in region.iter(f"{{{OFFICE}}}change-info"):
            authors.update((c.text or "").strip() for c in info.iter(f"{{{DC}}}creator") if (c.text or "").strip())
        if region.find(f"{_T}insertion") is not None:
            insertions.add(cid)
        deletion = region.find(f"{_T}deletion")
        if deletion is not None:
            texts = (" ".join(v for v in walker.paragraph(p).values() if v) for p in deletion.iter(*_PARAGRAPHS))
            deletions[cid] = " ".join(t for t in texts if t.strip())
    return deletions, insertions, authors


def table_rows(tbl: etree._Element, walker: Walker, story: Story) -> list[list[str]]:
    """The visible text of each cell; hidden or tracked text in cells goes to ``story``."""
    rows: list[list[str]] = []
    for tr in tbl.iter(f"{{{TABLE}}}table-row"):
        if _owner_table(tr) is not tbl:
            continue
        row: list[str] = []
        for tc in tr:
            if tc.tag not in (f"{{{TABLE}}}table-cell", f"{{{TABLE}}}covered-table-cell"):
                continue
            bits = []
            for p in tc.iter(*_PARAGRAPHS):
                if _owner_table(p) is tbl:
                    parts = walker.paragraph(p)
                    bits.append(parts.pop("visible", "").strip())
                    if any(parts.values()):
                        story.add(parts)
            text = " ".join(b for b in bits if b)
            repeat = min(int(tc.get(f"{{{TABLE}}}number-columns-repeated", "1") or 1), 64)
            row.extend([text] * (repeat if text else 1))
        while row and not row[-1]:
            row.pop()
        if row:
            rows.append(row)
    return rows


def _owner_table(el: etree._Element) -> etree._Element | None:
    return next((a for a in el.iterancestors(f"{{{TABLE}}}table")), None)


def comments(root: etree._Element, walker: Walker, loc: Location) -> Iterator[Content]:
    notes = list(root.iter(f"{{{OFFICE}}}annotation", "{http://openoffice.org/2009/office}annotation"))
    texts = [" ".join(walker.paragraph(p).get("visible", "") for p in a.iter(*_PARAGRAPHS)).strip() for a in notes]
    authors = sorted({(c.text or "").strip() for a in notes for c in a.iterchildren(f"{{{DC}}}creator")} - {""})
    if any(texts):
        n = len([t for t in texts if t])
        yield Text(loc.with_(line=1), Visibility.COMMENT, "\n".join(t for t in texts if t),
                   f"{n} comment{'s' if n != 1 else ''}")
    if authors:
        yield author_table(loc, "comment author", authors)


def alt_texts(root: etree._Element) -> list[str]:
    return [(el.text or "").strip() for el in root.iter(f"{{{SVG}}}title", f"{{{SVG}}}desc") if (el.text or "").strip()]


def _inside(el: etree._Element, stop: etree._Element, tags: set[str]) -> bool:
    for anc in el.iterancestors():
        if anc is stop:
            return False
        if anc.tag in tags:
            return True
    return False


def body_story(root: etree._Element, walker: Walker, skip: set[etree._Element] | None = None) -> Story:
    """Paragraphs and top-level tables under ``root`` that belong to it: not those of comments,
    speaker notes, tracked deletions, or the elements in ``skip`` (e.g. off-slide frames)."""
    story = Story()
    stop = _OWN_STORY - {f"{{{DRAW}}}frame", f"{{{TABLE}}}table", f"{_T}note"}
    skip = skip or set()
    for el in root.iter(*_PARAGRAPHS, f"{{{TABLE}}}table"):
        if _inside(el, root, stop) or any(a in skip for a in el.iterancestors()):
            continue
        if el.tag == f"{{{TABLE}}}table":
            if not _inside(el, root, {f"{{{TABLE}}}table"}):
                rows = table_rows(el, walker, story)
                if rows:
                    story.tables.append(rows)
            continue
        if _inside(el, root, {f"{{{TABLE}}}table"}):
            continue  # table cells are read with their table
        base = "hidden" if any(s.get(f"{_T}display") == "none" or s.get(f"{_T}condition")
                               for s in el.iterancestors(f"{_T}section")) else "visible"
        story.add(walker.paragraph(el, base))
    return story


def off_page(frame: etree._Element, size: tuple[float, float] | None) -> bool:
    """A frame placed wholly outside the page (a slide's shape parked beside it)."""
    if size is None:
        return False
    x, y = length_cm(frame.get(f"{{{SVG}}}x")), length_cm(frame.get(f"{{{SVG}}}y"))
    w, h = length_cm(frame.get(f"{{{SVG}}}width")) or 0.0, length_cm(frame.get(f"{{{SVG}}}height")) or 0.0
    if x is None or y is None:
        return False
    return x >= size[0] or y >= size[1] or x + w <= 0 or y + h <= 0
