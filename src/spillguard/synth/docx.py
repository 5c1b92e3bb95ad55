"""Word documents with text in every place a reader may not see, for tests and the demo.

python-docx writes the package (body, tables, headers, footers, comments, properties, pictures);
the places it has no API for — tracked changes, hidden, white and tiny runs, alt text, embedded
files — are added here as the WordprocessingML elements Word itself writes.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Any

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from lxml import etree


def png(width: int = 1, height: int = 1) -> bytes:
    """A white RGB PNG, written from its definition (no imaging library needed)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    raw = b"".join(b"\x00" + b"\xff" * 3 * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class Memo:
    def __init__(self) -> None:
        self.doc = Document()
        self._ids = 100
        self._embedded: list[tuple[str, bytes]] = []
        #: extra or replaced package parts: name → (bytes, content type or None)
        self._parts: dict[str, tuple[bytes, str | None]] = {}
        self._rels: list[tuple[str, str]] = []  # (relationship type suffix, target)
        self._notes: dict[str, list[str]] = {"footnote": [], "endnote": []}

    def para(self, text: str = "") -> Any:
        return self.doc.add_paragraph(text)

    def _change(self, para: Any, tag: str, text: str, author: str) -> None:
        self._ids += 1
        change = OxmlElement(tag)
        change.set(qn("w:id"), str(self._ids))
        change.set(qn("w:author"), author)
        change.set(qn("w:date"), "2024-01-10T09:45:00Z")
        run = OxmlElement("w:r")
        t = OxmlElement("w:delText" if tag == "w:del" else "w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        run.append(t)
        change.append(run)
        para._p.append(change)

    def deleted(self, para: Any, text: str, author: str = "Reviewer") -> None:
        """A tracked deletion: invisible in the final view, still in the file."""
        self._change(para, "w:del", text, author)

    def inserted(self, para: Any, text: str, author: str = "Reviewer") -> None:
        self._change(para, "w:ins", text, author)

    def hidden(self, para: Any, text: str) -> None:
        para.add_run(text).font.hidden = True

    def white(self, para: Any, text: str) -> None:
        para.add_run(text).font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)

    def tiny(self, para: Any, text: str) -> None:
        para.add_run(text).font.size = Pt(1)

    def comment(self, para: Any, text: str, author: str = "Reviewer") -> None:
        self.doc.add_comment(para.runs or [para.add_run(" ")], text=text, author=author, initials="RV")

    def header(self, text: str) -> None:
        self.doc.sections[0].header.paragraphs[0].text = text

    def footer(self, text: str) -> None:
        self.doc.sections[0].footer.paragraphs[0].text = text

    def text_box(self, text: str) -> None:
        """A floating text box (VML, as Word writes for compatibility) anchored in a paragraph."""
        vml = "urn:schemas-microsoft-com:vml"
        run = OxmlElement("w:r")
        pict = OxmlElement("w:pict")
        shape = etree.SubElement(pict, f"{{{vml}}}shape", nsmap={"v": vml})
        shape.set("style", "position:absolute;width:200pt;height:40pt")
        box = etree.SubElement(shape, f"{{{vml}}}textbox")
        content = OxmlElement("w:txbxContent")
        content.append(self.doc.add_paragraph(text)._p)  # moved from the body into the box
        box.append(content)
        run.append(pict)
        self.para()._p.append(run)

    def note(self, para: Any, text: str, kind: str = "footnote") -> None:
        """A footnote or endnote: its reference in ``para``, its text in footnotes/endnotes.xml."""
        notes = self._notes[kind]
        notes.append(text)
        run = OxmlElement("w:r")
        ref = OxmlElement(f"w:{kind}Reference")
        ref.set(qn("w:id"), str(len(notes)))
        run.append(ref)
        para._p.append(run)

    def custom_xml(self, xml: str) -> None:
        """Replace the package's custom XML data item (SharePoint/records metadata lives here)."""
        self._parts["customXml/item1.xml"] = (xml.encode(), None)

    def table(self, rows: list[list[str]]) -> None:
        table = self.doc.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value

    def picture(self, alt_text: str, image: bytes | None = None) -> None:
        """A picture (a small PNG unless ``image`` is given) with its alt text."""
        self.doc.add_picture(io.BytesIO(image or png()))
        pr = self.doc.element.body.findall(".//" + qn("wp:docPr"))[-1]
        pr.set("descr", alt_text)

    def embed(self, name: str, data: bytes) -> None:
        """A file embedded in the package (as Word does for an inserted workbook object)."""
        self._embedded.append((name, data))

    def properties(self, **values: str) -> None:
        for key, value in values.items():
            setattr(self.doc.core_properties, key, value)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        data = out.getvalue()
        for kind, texts in self._notes.items():
            if texts:
                w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
                body = "".join(f'<w:{kind} w:id="{i}"><w:p><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p>'
                               f"</w:{kind}>" for i, t in enumerate(texts, start=1))
                part = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                        f'<w:{kind}s xmlns:w="{w}">{body}</w:{kind}s>')
                ctype = f"application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}s+xml"
                self._parts[f"word/{kind}s.xml"] = (part.encode(), ctype)
                self._rels.append((f"{kind}s", f"{kind}s.xml"))
        if self._parts:
            data = _add_parts(data, self._parts, self._rels)
        return _add_embeddings(data, self._embedded) if self._embedded else data


def _add_parts(package: bytes, parts: dict[str, tuple[bytes, str | None]], rels: list[tuple[str, str]]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename in parts:
                continue
            if info.filename == "[Content_Types].xml":
                extra = "".join(f'<Override PartName="/{name}" ContentType="{ctype}"/>'
                                for name, (_, ctype) in parts.items() if ctype)
                data = data.replace(b"</Types>", extra.encode() + b"</Types>")
            elif info.filename == "word/_rels/document.xml.rels":
                extra = "".join(f'<Relationship Id="rIdX{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
                                f'2006/relationships/{kind}" Target="{target}"/>'
                                for i, (kind, target) in enumerate(rels))
                data = data.replace(b"</Relationships>", extra.encode() + b"</Relationships>")
            dst.writestr(info, data)
        for name, (data, _) in parts.items():
            dst.writestr(name, data)
    return out.getvalue()


def _add_embeddings(package: bytes, files: list[tuple[str, bytes]]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Default Extension="xlsx" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet"/></Types>')
            elif info.filename == "word/_rels/document.xml.rels":
                extra = "".join(
                    f'<Relationship Id="rIdEmb{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
                    f'2006/relationships/package" Target="embeddings/{name}"/>' for i, (name, _) in enumerate(files))
                data = data.replace(b"</Relationships>", extra.encode() + b"</Relationships>")
            dst.writestr(info, data)
        for name, data in files:
            dst.writestr(f"word/embeddings/{name}", data)
    return out.getvalue()


__all__ = ["Memo", "png"]
