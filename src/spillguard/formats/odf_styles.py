"""OpenDocument styles that hide content: hidden tables and slides, hidden text, camouflaged
(white or tiny) text and cells. Read from ``styles.xml`` and the automatic styles of
``content.xml``; a style inherits what its parent hides."""

from __future__ import annotations

import re

from lxml import etree

STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
PRESENTATION = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"

_WHITE = {"#ffffff", "#fffffe", "#fefefe", "white"}
#: text this small (points) is not meant to be read
_TINY_PT = 2.0
_UNIT_CM = {"cm": 1.0, "mm": 0.1, "in": 2.54, "pt": 2.54 / 72, "pc": 2.54 / 6, "px": 2.54 / 96}


def length_cm(value: str | None) -> float | None:
    """``"21.59cm"`` / ``"8.5in"`` → centimetres (None when absent or not a length)."""
    m = re.fullmatch(r"\s*(-?[\d.]+)\s*([a-z]+)\s*", value or "")
    if not m or m.group(2) not in _UNIT_CM:
        return None
    try:
        return float(m.group(1)) * _UNIT_CM[m.group(2)]
    except ValueError:
        return None


def _points(value: str | None) -> float | None:
    cm = length_cm(value)
    return None if cm is None else cm / 2.54 * 72


class Styles:
    """What each named style does to the content that uses it."""

    def __init__(self, *roots: etree._Element | None) -> None:
        self.hidden_tables: set[str] = set()
        self.hidden_pages: set[str] = set()
        self.hidden_text: set[str] = set()
        self.camouflaged: set[str] = set()
        #: master page name → page width and height (cm), for shapes placed off the page
        self.page_size: dict[str, tuple[float, float]] = {}
        parents: dict[str, str] = {}
        layouts: dict[str, tuple[float, float]] = {}
        for root in roots:
            if root is None:
                continue
            for st in root.iter(f"{{{STYLE}}}style", f"{{{STYLE}}}default-style"):
                name = st.get(f"{{{STYLE}}}name", "")
                if st.get(f"{{{STYLE}}}parent-style-name"):
                    parents[name] = st.get(f"{{{STYLE}}}parent-style-name", "")
                self._judge(name, st)
            for pl in root.iter(f"{{{STYLE}}}page-layout"):
                props = pl.find(f"{{{STYLE}}}page-layout-properties")
                if props is not None:
                    w, h = length_cm(props.get(f"{{{FO}}}page-width")), length_cm(props.get(f"{{{FO}}}page-height"))
                    if w and h:
                        layouts[pl.get(f"{{{STYLE}}}name", "")] = (w, h)
            for mp in root.iter(f"{{{STYLE}}}master-page"):
                size = layouts.get(mp.get(f"{{{STYLE}}}page-layout-name", ""))
                if size:
                    self.page_size[mp.get(f"{{{STYLE}}}name", "")] = size
        for kind in (self.hidden_text, self.camouflaged, self.hidden_tables, self.hidden_pages):
            for name, parent in parents.items():
                seen = {name}
                while parent and parent not in seen:
                    if parent in kind:
                        kind.add(name)
                        break
                    seen.add(parent)
                    parent = parents.get(parent, "")

    def _judge(self, name: str, st: etree._Element) -> None:
        tp = st.find(f"{{{STYLE}}}table-properties")
        if tp is not None and tp.get(f"{{{TABLE}}}display") == "false":
            self.hidden_tables.add(name)
        dp = st.find(f"{{{STYLE}}}drawing-page-properties")
        if dp is not None and dp.get(f"{{{PRESENTATION}}}visibility") == "hidden":
            self.hidden_pages.add(name)
        text = st.find(f"{{{STYLE}}}text-properties")
        if text is None:
            return
        if text.get(f"{{{TEXT}}}display") in ("none", "condition"):
            self.hidden_text.add(name)
            return
        size = _points(text.get(f"{{{FO}}}font-size"))
        if size is not None and size <= _TINY_PT:
            self.camouflaged.add(name)
            return
        if (text.get(f"{{{FO}}}color") or "").lower() in _WHITE:
            backgrounds = [text.get(f"{{{FO}}}background-color")]
            for props in ("table-cell-properties", "paragraph-properties", "graphic-properties"):
                el = st.find(f"{{{STYLE}}}{props}")
                if el is not None:
                    backgrounds.append(el.get(f"{{{FO}}}background-color"))
                    backgrounds.append(el.get(f"{{{'urn:oasis:names:tc:opendocument:xmlns:drawing:1.0'}}}fill-color"))
            if all((b or "transparent").lower() in (*_WHITE, "transparent") for b in backgrounds):
                self.camouflaged.add(name)

    def category(self, name: str | None) -> str | None:
        if not name:
            return None
        if name in self.hidden_text:
            return "hidden"
        if name in self.camouflaged:
            return "camouflaged"
        return None
