"""XML data files (exports, feeds, SVG): elements become nested records — repeated siblings an
array of objects, attributes ``@name`` fields, text ``#text`` — so a list of ``<detainee>``
elements is a table whose columns are their leaf paths (records.py), and free text is text.
XML comments are text no reader sees. Parsed by lxml with entity resolution, DTD loading and
network access off; a document that declares entities is refused (SG904)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from spillguard.errors import CorruptFile, ResourceLimit, UnsafeXml
from spillguard.formats import records
from spillguard.formats.base import Context, Source
from spillguard.formats.ooxml import local
from spillguard.model import Content, Location, Text, Visibility

NAME = "xml"
_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml\b|<!--|<[A-Za-z_][\w.:-]*[\s>/])")


def sniff(head: bytes) -> bool:
    return bool(_START.match(head[:1024]))


def read(source: Source, ctx: Context) -> Iterator[Content]:
    raw = source.read_up_to(ctx.limits.max_part_bytes, "the XML file")
    if b"<!ENTITY" in raw or b"<!entity" in raw:
        raise UnsafeXml("the XML declares entities (possible entity bomb or external read)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=False, remove_pis=True)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        if "depth" in (exc.msg or "").lower():
            raise ResourceLimit("the XML is nested deeper than 256 levels") from None
        raise CorruptFile(f"not well-formed XML ({exc.msg})") from None
    if root is None:
        raise CorruptFile("the XML document is empty")
    loc = Location(file=source.name)
    try:
        value = {local(root.tag): _value(root)}
    except RecursionError:
        raise ResourceLimit("the XML is nested too deeply to read") from None
    yield from records.contents(value, loc, Visibility.VISIBLE, ctx.limits.batch_rows)
    comments = [" ".join((c.text or "").split()) for c in root.iter(etree.Comment)]
    comments += [" ".join((c.text or "").split()) for c in _siblings(root)]
    if any(comments):
        yield Text(loc.with_(line=1), Visibility.HIDDEN_TEXT, "\n".join(c for c in comments if c), "XML comments")


def _siblings(root: etree._Element) -> Iterator[etree._Element]:
    """Comments before and after the root element."""
    for el in (*root.itersiblings(preceding=True), *root.itersiblings()):
        if el.tag is etree.Comment:
            yield el


def _value(el: etree._Element) -> Any:
    children = [c for c in el if isinstance(c.tag, str)]
    text = " ".join(" ".join(t.split()) for t in (el.text, *(c.tail for c in el)) if t and t.strip())
    if not children and not el.attrib:
        return text
    out: dict[str, Any] = {f"@{local(k)}": v for k, v in el.attrib.items()}
    groups: dict[str, list[Any]] = {}
    for c in children:
        groups.setdefault(local(c.tag), []).append(_value(c))
    for name, values in groups.items():
        out[name] = values if len(values) > 1 else values[0]
    if text:
        out["#text"] = text
    return out
