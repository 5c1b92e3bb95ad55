"""PowerPoint decks with text in every place a viewer may not see, for tests and the demo.

python-pptx writes slides, text boxes, tables, speaker notes and properties; hidden slides,
hidden shapes and off-slide shapes are attributes set on its elements; legacy comments and
embedded files, which it has no API for, are added to the package as PowerPoint writes them.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from pptx import Presentation
from pptx.util import Emu, Inches

_PML = "http://schemas.openxmlformats.org/presentationml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class Deck:
    def __init__(self) -> None:
        self.prs = Presentation()
        # python-pptx's template names its own author as last modifier: start blank
        self.prs.core_properties.last_modified_by = ""
        self.prs.core_properties.author = ""
        self._comments: list[tuple[int, str, str]] = []
        self._embedded: list[tuple[str, bytes]] = []

    def slide(self, text: str = "", *, hidden: bool = False) -> Any:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])  # blank
        if text:
            self.text(slide, text)
        if hidden:
            slide._element.set("show", "0")
        return slide

    def text(self, slide: Any, text: str, *, left: int = Inches(1), top: int = Inches(1)) -> Any:
        box = slide.shapes.add_textbox(left, top, Inches(6), Inches(1))
        box.text_frame.text = text
        return box

    def hidden_shape(self, slide: Any, text: str) -> None:
        box = self.text(slide, text)
        box._element.nvSpPr.cNvPr.set("hidden", "1")

    def off_slide(self, slide: Any, text: str) -> None:
        self.text(slide, text, left=Emu(self.prs.slide_width + Inches(1)))

    def alt_text(self, slide: Any, text: str) -> None:
        box = self.text(slide, "Figure")
        box._element.nvSpPr.cNvPr.set("descr", text)

    def notes(self, slide: Any, text: str) -> None:
        slide.notes_slide.notes_text_frame.text = text

    def table(self, slide: Any, rows: list[list[str]]) -> None:
        shape = slide.shapes.add_table(len(rows), len(rows[0]), Inches(0.5), Inches(0.5), Inches(9),
                                       Inches(0.3) * len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                shape.table.cell(r, c).text = value

    def comment(self, slide_number: int, text: str, author: str) -> None:
        self._comments.append((slide_number, text, author))

    def embed(self, name: str, data: bytes) -> None:
        self._embedded.append((name, data))

    def properties(self, **values: str) -> None:
        for key, value in values.items():
            setattr(self.prs.core_properties, key, value)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.prs.save(out)
        data = out.getvalue()
        return _add_parts(data, self._comments, self._embedded) if self._comments or self._embedded else data


def _add_parts(package: bytes, comments: list[tuple[int, str, str]], files: list[tuple[str, bytes]]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(package))
    authors = sorted({a for _, _, a in comments})
    extra: dict[str, bytes] = {}
    slide_rels: dict[str, list[str]] = {}
    for i, (number, text, author) in enumerate(comments, start=1):
        part = f"ppt/comments/comment{i}.xml"
        extra[part] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<p:cmLst xmlns:p="{_PML}">'
                       f'<p:cm authorId="{authors.index(author)}" dt="2024-01-10T09:45:00.000" idx="{i}">'
                       f'<p:pos x="10" y="10"/><p:text>{_esc(text)}</p:text></p:cm></p:cmLst>').encode()
        slide_rels.setdefault(f"ppt/slides/_rels/slide{number}.xml.rels", []).append(
            f'<Relationship Id="rIdCm{i}" Type="{_REL}/comments" Target="../comments/comment{i}.xml"/>')
    if authors:
        lst = "".join(f'<p:cmAuthor id="{i}" name="{_esc(a)}" initials="X" lastIdx="1" clrIdx="{i}"/>'
                      for i, a in enumerate(authors))
        extra["ppt/commentAuthors.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                           f'<p:cmAuthorLst xmlns:p="{_PML}">{lst}</p:cmAuthorLst>').encode()
    for name, data in files:
        extra[f"ppt/embeddings/{name}"] = data
    types = "".join(f'<Override PartName="/{p}" ContentType="application/vnd.openxmlformats-officedocument.'
                    f'presentationml.comments+xml"/>' for p in extra if p.startswith("ppt/comments/"))
    if authors:
        types += ('<Override PartName="/ppt/commentAuthors.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.presentationml.commentAuthors+xml"/>')
    if files:
        types += ('<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.'
                  'spreadsheetml.sheet"/>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", types.encode() + b"</Types>")
            elif info.filename in slide_rels:
                data = data.replace(b"</Relationships>", "".join(slide_rels[info.filename]).encode()
                                    + b"</Relationships>")
            elif info.filename == "ppt/_rels/presentation.xml.rels" and authors:
                data = data.replace(b"</Relationships>", f'<Relationship Id="rIdCmA" Type="{_REL}/commentAuthors" '
                                    f'Target="commentAuthors.xml"/></Relationships>'.encode())
            dst.writestr(info, data)
        for name, data in extra.items():
            dst.writestr(name, data)
    return out.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
