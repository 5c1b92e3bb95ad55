"""HTML pages: what a visitor sees, and what the page carries that a visitor does not.

Parsed by lxml's HTML parser (network off). Visible text and tables are read as such;
HTML comments, elements hidden by ``hidden``, ``display:none`` or ``visibility:hidden``,
hidden inputs, ``data-*`` attributes and inline JSON in ``<script>`` are read as the hidden
places they are. Links to documents (spreadsheets, PDFs, Word files...) are listed as an info
notice, for the site monitor.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lxml import etree
from lxml import html as lxml_html

from spillguard.errors import CorruptFile
from spillguard.formats import records, scripts
from spillguard.formats.base import Context, Source
from spillguard.formats.cells import record_table, text_table
from spillguard.formats.textfile import detect_encoding
from spillguard.model import Content, Location, Notice, Text, Visibility

NAME = "html"

_HEAD = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                   re.IGNORECASE | re.DOTALL)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_DOCUMENT_LINK = re.compile(r"\.(?:xlsx?|xlsm|csv|tsv|docx?|pptx?|pdf|odt|ods|odp|json|xml|zip|txt)(?:[?#].*)?$",
                            re.IGNORECASE)
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
          "footer", "td", "th", "dd", "dt", "blockquote", "pre", "table", "ul", "ol", "title"}
_SKIP = {"script", "style", "head"}
#: elements whose content a browser does not render (a template is cloned by script, noscript
#: shows only without script): read as hidden text
_UNRENDERED = {"template", "noscript"}
#: ``<meta>`` names that hold a person (checked as a names column, the name as its header)
_META_PEOPLE = {"author", "creator", "dc.creator", "dc.contributor", "dcterms.creator", "article:author",
                "twitter:creator", "owner", "reply-to", "designer", "copyright"}
#: ``<meta>`` names that never hold personal data
_META_SYSTEM = {"generator", "viewport", "robots", "charset", "theme-color", "format-detection", "referrer",
                "color-scheme", "og:type", "og:locale", "twitter:card", "msapplication-tilecolor"}


def sniff(head: bytes) -> bool:
    return bool(_HEAD.match(head.lstrip(b"\xef\xbb\xbf")))


def html_parser(raw: bytes) -> tuple[bytes, lxml_html.HTMLParser]:
    """The page's bytes and a parser for them (network off), in the detected encoding. A Python
    codec that libxml2 does not know by that name (``iso8859_2``) is decoded here instead."""
    encoding = detect_encoding(raw[:65536]) or "utf-8"
    try:
        return raw, lxml_html.HTMLParser(encoding=encoding, no_network=True, remove_comments=False, remove_pis=True,
                                         huge_tree=False)
    except LookupError:
        return raw.decode(encoding, "replace").encode("utf-8"), lxml_html.HTMLParser(
            encoding="utf-8", no_network=True, remove_comments=False, remove_pis=True, huge_tree=False)


def read(source: Source, ctx: Context) -> Iterator[Content]:
    raw = source.read_up_to(ctx.limits.max_part_bytes, "the HTML page")
    raw, parser = html_parser(raw)
    try:
        root = lxml_html.fromstring(raw, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise CorruptFile(f"the HTML cannot be parsed ({type(exc).__name__})") from None
    loc = Location(file=source.name)
    page = _Page()
    page.walk(root, hidden=False)
    if any(line.strip() for line in page.visible):
        yield Text(loc.with_(line=1), Visibility.VISIBLE, "\n".join(page.visible), None)
    for i, rows in enumerate(page.tables):
        vis = Visibility.HIDDEN_TEXT if page.table_hidden[i] else Visibility.VISIBLE
        yield text_table(loc.with_(range=f"table {i + 1}", line=rows[1]), vis, rows[0])
    for label, (vis, lines, line) in page.places.items():
        if any(x.strip() for x in lines):
            yield Text(loc.with_(line=line), vis, "\n".join(lines), label)
    for line, payload in page.json_blocks:
        try:
            value = json.loads(payload)
        except (ValueError, RecursionError):
            continue  # a script, not data: nothing a visitor could download as records
        yield from records.contents(value, loc.with_(line=line, part="inline JSON"), Visibility.HIDDEN_TEXT,
                                    ctx.limits.batch_rows)
    if page.meta_people:
        yield record_table(loc.with_(part="meta"), Visibility.METADATA, page.meta_people)
    if page.meta_text:
        yield Text(loc.with_(part="meta"), Visibility.METADATA, "\n".join(page.meta_text))
    if page.links:
        shown = ", ".join(page.links[:5]) + (" …" if len(page.links) > 5 else "")
        yield Notice("SG503", f"Links to {len(page.links)} document{'s' if len(page.links) != 1 else ''}",
                     loc, Visibility.VISIBLE, f"documents this page publishes (for the site monitor): {shown}")


class _Page:
    def __init__(self) -> None:
        self.visible: list[str] = [""]
        self.tables: list[tuple[list[list[str]], int | None]] = []
        self.table_hidden: list[bool] = []
        self.places: dict[str, tuple[Visibility, list[str], int | None]] = {}
        self.json_blocks: list[tuple[int | None, str]] = []
        self.links: list[str] = []
        self.meta_people: dict[str, str] = {}
        self.meta_text: list[str] = []

    def _place(self, label: str, vis: Visibility, text: str, line: int | None) -> None:
        entry = self.places.setdefault(label, (vis, [], line))
        entry[1].append(" ".join(text.split()))

    def walk(self, el: etree._Element, hidden: bool) -> None:
        if isinstance(el, etree._Comment):
            self._place("HTML comments", Visibility.COMMENT, el.text or "", el.sourceline)
            return
        if not isinstance(el.tag, str):
            return
        tag = el.tag.lower()
        for name, value in el.attrib.items():
            if name.startswith("data-") and value.strip():
                self._place("data attributes", Visibility.HIDDEN_TEXT, value, el.sourceline)
        if tag == "a" and _DOCUMENT_LINK.search(el.get("href", "")):
            self.links.append(el.get("href", ""))
        if tag == "input" and el.get("type", "").lower() == "hidden":
            if el.get("value", "").strip():
                self._place("hidden inputs", Visibility.HIDDEN_TEXT, el.get("value", ""), el.sourceline)
            return
        if tag == "script":
            kind = el.get("type", "").lower()
            if "json" in kind and (el.text or "").strip():
                self.json_blocks.append((el.sourceline, el.text or ""))
            elif (el.text or "").strip():
                # a script's data (an array of people, a message) is in its string literals
                for literal in scripts.js_literals(el.text or ""):
                    self._place("script string literals", Visibility.HIDDEN_TEXT, literal, el.sourceline)
            return
        if tag in _UNRENDERED:
            hidden = True
        if tag in _SKIP:
            if tag == "head":
                for child in el:
                    if isinstance(child.tag, str) and child.tag.lower() == "title":
                        self.visible.append(child.text_content().strip())
                    elif isinstance(child.tag, str) and child.tag.lower() == "meta":
                        self._meta(child)
                    elif isinstance(child, etree._Comment) or child.tag == "script":
                        self.walk(child, hidden)
            return
        hidden = hidden or el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style", "")))
        if tag == "table":
            rows = [[" ".join(c.text_content().split()) for c in tr if isinstance(c.tag, str)
                     and c.tag.lower() in ("td", "th")] for tr in el.iter("tr")]
            rows = [r for r in rows if any(r)]
            if rows:
                self.tables.append((rows, el.sourceline))
                self.table_hidden.append(hidden)
            for c in el.iter():
                if isinstance(c, etree._Comment):
                    self.walk(c, hidden)
            return
        target = self._target(hidden, el.sourceline)
        if tag in _BLOCK:
            target.append("")
        if el.text:
            target[-1] += el.text
        for child in el:
            self.walk(child, hidden)
            if child.tail:
                self._target(hidden, child.sourceline)[-1] += child.tail
        if tag in _BLOCK:
            target.append("")

    def _meta(self, el: etree._Element) -> None:
        """``<meta name="author" content="…">``: the page's properties, which no visitor sees."""
        name = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip()
        content = " ".join((el.get("content") or "").split())
        if not name or not content:
            return
        if name.lower() in _META_PEOPLE:
            self.meta_people[name] = content
        elif name.lower() not in _META_SYSTEM:
            self.meta_text.append(f"{name}: {content}")

    def _target(self, hidden: bool, line: int | None) -> list[str]:
        if not hidden:
            return self.visible
        entry = self.places.setdefault("hidden elements", (Visibility.HIDDEN_TEXT, [""], line))
        return entry[1]
