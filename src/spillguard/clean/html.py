"""HTML pages: comments, hidden elements (``hidden``, ``display:none``, ``visibility:hidden``),
hidden inputs, ``data-*`` attributes and inline JSON data blocks are removed. In strict mode,
identifying detections in the page's text (names, A-numbers, birth dates, contact details) are
replaced by ``[removed]``, text node by text node. The page is written back as UTF-8."""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from spillguard.clean.model import Cleaned, Options
from spillguard.clean.package import remove_keeping_tail
from spillguard.clean.text import redact
from spillguard.config import Config
from spillguard.formats.html import _HIDDEN_STYLE, html_parser


def _redact(text: str | None, config: Config, result: Cleaned) -> str | None:
    return redact(text, config, result.removed) if text and text.strip() else text


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    raw = path.read_bytes()
    raw, parser = html_parser(raw)
    root = lxml_html.fromstring(raw, parser=parser)
    doc = root.getroottree()
    strip_hidden(root, opts, config, result)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(etree.tostring(doc, method="html", encoding="utf-8", doctype=doc.docinfo.doctype or None))
    result.outputs.append(out.as_posix())
    return result


def strip_hidden(root: etree._Element, opts: Options, config: Config, result: Cleaned) -> None:
    """Remove from a page (HTML, or XHTML parsed as XML) what a visitor does not see: comments,
    hidden elements and inputs, inline JSON, data attributes; in strict mode, identifying
    detections in the text."""
    for comment in list(root.iter(etree.Comment)):
        parent = comment.getparent()
        if parent is not None:
            remove_keeping_tail(comment)
            result.removed["HTML comments"] += 1
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        tag = etree.QName(el).localname.lower()
        hidden = el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style", "")))
        if tag == "input" and el.get("type", "").lower() == "hidden":
            remove_keeping_tail(el)
            result.removed["hidden inputs"] += 1
        elif tag == "script" and "json" in el.get("type", "").lower():
            remove_keeping_tail(el)
            result.removed["inline JSON blocks"] += 1
        elif hidden:
            remove_keeping_tail(el)
            result.removed["hidden elements"] += 1
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name in [n for n in el.attrib if n.startswith("data-")]:
            del el.attrib[name]
            result.removed["data attributes"] += 1
        if opts.mode == "strict" and el.tag not in ("script", "style"):
            el.text = _redact(el.text, config, result)
            el.tail = _redact(el.tail, config, result)

