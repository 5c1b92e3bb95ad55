"""EPUB books (EPUB 2 and 3): a zip of XHTML pages with an OPF package document.

The package document's metadata (creators, contributors, publisher, title, description…) is
read as document properties; every page of the spine (the reading order) is scanned by the HTML
reader as a page in plain view, with its own hidden places; pages, text files and data in the
manifest that the spine does not list are parts no reader pages to (embedded objects); the
navigation document and the NCX table of contents are visible; pictures are scanned for their
metadata (and a part among them that is no picture as the file it is). Any other part is
scanned with the whole registry: nothing goes unread. Content files listed in
``META-INF/encryption.xml`` (other than obfuscated fonts) are encrypted: SG902 each.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from urllib.parse import unquote

from spillguard.formats.base import Context, Source
from spillguard.formats.cells import record_table
from spillguard.formats.ooxml import SafeZip, local
from spillguard.formats.ooxml_package import scan_embedded
from spillguard.formats.pictures import pictures
from spillguard.model import Content, Incomplete, Location, Notice, Text, Visibility

MIME = "application/epub+zip"
PAGES = ("application/xhtml+xml", "text/html", "application/x-dtbook+xml")
_STRUCTURAL = ("text/css", "font/", "application/font", "application/vnd.ms-opentype", "application/x-font",
               "application/x-dtbncx+xml", "application/smil+xml", "application/javascript", "text/javascript")
_PEOPLE = ("creator", "contributor", "publisher", "rights")
_TEXT = ("title", "description", "subject", "source", "coverage", "relation")
#: obfuscated fonts are not encrypted content (EPUB OCF font obfuscation)
_FONT_OBFUSCATION = ("http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC")


def is_book(z: SafeZip) -> bool:
    return z.has("mimetype") and z.head("mimetype", 64).strip() == MIME.encode()


def rootfile(z: SafeZip) -> str | None:
    if not z.has("META-INF/container.xml"):
        return None
    for el in z.xml("META-INF/container.xml").iter("{*}rootfile"):
        path = el.get("full-path", "")
        if path and z.has(path):
            return path
    return None


def encrypted_parts(z: SafeZip) -> set[str]:
    if not z.has("META-INF/encryption.xml"):
        return set()
    out = set()
    for data in z.xml("META-INF/encryption.xml").iter("{*}EncryptedData"):
        method = next(data.iter("{*}EncryptionMethod"), None)
        ref = next(data.iter("{*}CipherReference"), None)
        if ref is None or (method is not None and method.get("Algorithm", "") in _FONT_OBFUSCATION):
            continue
        out.add(unquote(ref.get("URI", "")))
    return out


def read_package(z: SafeZip, source: Source, ctx: Context) -> Iterator[Content]:
    loc = Location(file=source.name)
    handled = {"mimetype", "META-INF/container.xml", "META-INF/encryption.xml"}
    opf = rootfile(z)
    manifest: dict[str, tuple[str, str, str]] = {}  # id → (part, media type, properties)
    spine: list[str] = []
    toc = ""
    if opf is not None:
        handled.add(opf)
        root = z.xml(opf)
        base = posixpath.dirname(opf)
        yield from _metadata(root, loc.with_(part=opf))
        for item in root.iter("{*}item"):
            part = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
            manifest[item.get("id", part)] = (part, item.get("media-type", ""), item.get("properties", ""))
        for spine_el in root.iter("{*}spine"):
            toc = spine_el.get("toc", "")
        spine = [ref.get("idref", "") for ref in root.iter("{*}itemref")]
    else:
        yield Incomplete("SG901", "the book's package document (META-INF/container.xml → OPF) is missing",
                         loc.with_(part="META-INF/container.xml"))
    encrypted = encrypted_parts(z)
    in_spine = {manifest[i][0] for i in spine if i in manifest}
    images = []
    for ident, (part, mime, props) in manifest.items():
        if not z.has(part):
            continue
        handled.add(part)
        where = loc.with_(part=part)
        if part in encrypted:
            yield Incomplete("SG902", f"the book's content is encrypted (DRM): {part}", where)
            continue
        if mime.startswith("image/"):
            images.append(part)
            continue
        if ident == toc or "nav" in props.split() or mime == "application/x-dtbncx+xml":
            text = _markup_text(z.read(part))
            if text:
                yield Text(where, Visibility.VISIBLE, text, "table of contents")
            continue
        if mime.startswith(_STRUCTURAL):
            continue
        if mime in PAGES and part in in_spine:
            yield from ctx.nested(Source(f"{source.name}!/{part}", data=z.read(part), depth=source.depth + 1))
            continue
        yield Notice("SG114", f"A part the book's reading order does not show: {part}", where,
                     Visibility.EMBEDDED_OBJECT, "files in the book's package are published with it")
        yield from scan_embedded(source, ctx, where, part, lambda p=part: z.read(p))
    yield from pictures(images, z.read, source, ctx, loc, ("",), z.head)
    for part in sorted(n for n in z.names if n not in handled and not n.endswith("/")):
        if part in encrypted:
            yield Incomplete("SG902", f"the book's content is encrypted (DRM): {part}", loc.with_(part=part))
            continue
        where = loc.with_(part=part)
        yield Notice("SG114", f"A file outside the book's manifest travels in it: {part}", where,
                     Visibility.EMBEDDED_OBJECT, "files in the book's package are published with it")
        yield from scan_embedded(source, ctx, where, part, lambda p=part: z.read(p))


def _markup_text(data: bytes) -> str:
    """The words of an XHTML or NCX part, by lxml's HTML parser: its doctype (every EPUB page has
    one) is read as markup, never resolved, and no entity is expanded."""
    from lxml import etree
    from lxml import html as lxml_html

    from spillguard.formats.html import html_parser

    raw, parser = html_parser(data)
    try:
        root = lxml_html.fromstring(raw, parser=parser)
    except (etree.ParserError, ValueError):
        return ""
    return " ".join(root.text_content().split())


def _metadata(root: object, where: Location) -> Iterator[Content]:
    people: dict[str, str] = {}
    texts: list[str] = []
    for md in root.iter("{*}metadata"):  # type: ignore[attr-defined]
        for el in md:
            name = local(el.tag)
            value = " ".join((el.text or "").split())
            if not value:
                continue
            prop = el.get("property", "")
            if name in _PEOPLE or prop.endswith("file-as"):  # "Gonzalez, Maria" sorts a creator
                key = name if name not in people else f"{name} {sum(k.startswith(name) for k in people) + 1}"
                people[key] = value
            elif name in _TEXT or (name == "meta" and prop != "dcterms:modified"
                                   and not value.replace("-", "").replace(":", "").isdigit()):
                texts.append(f"{prop or name}: {value}")
    if people:
        yield record_table(where, Visibility.METADATA, people)
    if texts:
        yield Text(where, Visibility.METADATA, "\n".join(texts), "book metadata")
