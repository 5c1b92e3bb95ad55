"""OpenDocument files built with odfpy, with data in each place a reader may not see: hidden
sheets, rows and columns, camouflaged cells, annotations, tracked changes, hidden text and
sections, speaker notes, hidden slides, headers and footers, metadata."""

from __future__ import annotations

import io
from collections.abc import Sequence

from odf import dc, draw, meta, office, presentation, style, table, text
from odf.namespaces import TEXTNS, XMLNS
from odf.opendocument import (
    OpenDocument,
    OpenDocumentPresentation,
    OpenDocumentSpreadsheet,
    OpenDocumentText,
)


def _bytes(doc: OpenDocument) -> bytes:
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def _creator(doc: OpenDocument, creator: str | None, title: str | None) -> None:
    if creator:
        doc.meta.addElement(meta.InitialCreator(text=creator))
        doc.meta.addElement(dc.Creator(text=creator))
    if title:
        doc.meta.addElement(dc.Title(text=title))


def _annotation(author: str, body: str) -> office.Annotation:
    a = office.Annotation()
    a.addElement(dc.Creator(text=author))
    a.addElement(dc.Date(text="2026-11-02T09:00:00"))
    a.addElement(text.P(text=body))
    return a


class Sheets:
    """A spreadsheet: tables of rows; per table, hidden rows and columns, camouflaged cells and
    cell annotations."""

    def __init__(self, creator: str | None = None) -> None:
        self.doc = OpenDocumentSpreadsheet()
        _creator(self.doc, creator, None)
        hidden = style.Style(name="taHidden", family="table")
        hidden.addElement(style.TableProperties(display=False))
        white = style.Style(name="ceWhite", family="table-cell")
        white.addElement(style.TextProperties(color="#ffffff"))
        for s in (hidden, white):
            self.doc.automaticstyles.addElement(s)
        self.styles = {"hidden": hidden, "white": white}

    def table(self, name: str, rows: Sequence[Sequence[object]], *, hidden: bool = False,
              hidden_rows: Sequence[int] = (), filtered_rows: Sequence[int] = (),
              hidden_cols: Sequence[int] = (), white_cells: Sequence[tuple[int, int]] = (),
              notes: Sequence[tuple[int, int, str, str]] = ()) -> Sheets:
        """``rows`` 0-based; ``notes`` are (row, col, author, text) annotations."""
        t = table.Table(name=name, stylename=self.styles["hidden"] if hidden else None) if hidden else \
            table.Table(name=name)
        width = max(len(r) for r in rows)
        for j in range(width):
            t.addElement(table.TableColumn(visibility="collapse") if j in hidden_cols else table.TableColumn())
        by_cell = {(r, c): (a, b) for r, c, a, b in notes}
        for i, row in enumerate(rows):
            vis = "collapse" if i in hidden_rows else "filter" if i in filtered_rows else None
            tr = table.TableRow(visibility=vis) if vis else table.TableRow()
            for j, value in enumerate(row):
                kw = {"stylename": self.styles["white"]} if (i, j) in white_cells else {}
                if value is None or value == "":
                    cell = table.TableCell(**kw)
                elif isinstance(value, int | float):
                    cell = table.TableCell(valuetype="float", value=value, **kw)
                    cell.addElement(text.P(text=str(value)))
                else:
                    cell = table.TableCell(valuetype="string", **kw)
                    cell.addElement(text.P(text=str(value)))
                if (i, j) in by_cell:
                    cell.addElement(_annotation(*by_cell[(i, j)]))
                tr.addElement(cell)
            t.addElement(tr)
        self.doc.spreadsheet.addElement(t)
        return self

    def to_bytes(self) -> bytes:
        return _bytes(self.doc)


class Letter:
    """A text document: paragraphs, and text in each hidden place."""

    def __init__(self, creator: str | None = None, title: str | None = None) -> None:
        self.doc = OpenDocumentText()
        _creator(self.doc, creator, title)
        self._changes = 0
        hidden = style.Style(name="spHidden", family="text")
        hidden.addElement(style.TextProperties(display="none"))
        white = style.Style(name="spWhite", family="text")
        white.addElement(style.TextProperties(color="#ffffff"))
        tiny = style.Style(name="spTiny", family="text")
        tiny.addElement(style.TextProperties(fontsize="1pt"))
        hidden_section = style.Style(name="seHidden", family="section")
        for s in (hidden, white, tiny, hidden_section):
            self.doc.automaticstyles.addElement(s)
        self.styles = {"hidden": hidden, "white": white, "tiny": tiny}
        self._tracked: office.Element | None = None

    def para(self, body: str) -> text.P:
        p = text.P(text=body)
        self.doc.text.addElement(p)
        return p

    def span(self, p: text.P, kind: str, body: str) -> Letter:
        """``kind``: hidden, white or tiny (a styled span inside the paragraph)."""
        p.addElement(text.Span(stylename=self.styles[kind], text=body))
        return self

    def hidden_paragraph(self, body: str) -> Letter:
        p = text.P()
        p.addElement(text.HiddenParagraph(condition="ooow:1", ishidden="true"))
        p.addText(body)
        self.doc.text.addElement(p)
        return self

    def hidden_section(self, body: str) -> Letter:
        sec = text.Section(name="Internal", display="none")
        sec.addElement(text.P(text=body))
        self.doc.text.addElement(sec)
        return self

    def comment(self, p: text.P, author: str, body: str) -> Letter:
        p.addElement(_annotation(author, body))
        return self

    def footnote(self, p: text.P, body: str) -> Letter:
        note = text.Note(id="ftn1", noteclass="footnote")
        note.addElement(text.NoteCitation(text="1"))
        nb = text.NoteBody()
        nb.addElement(text.P(text=body))
        note.addElement(nb)
        p.addElement(note)
        return self

    def _region(self, kind: str, author: str) -> str:
        if self._tracked is None:
            self._tracked = text.TrackedChanges()
            self.doc.text.insertBefore(self._tracked, self.doc.text.firstChild) if self.doc.text.firstChild \
                else self.doc.text.addElement(self._tracked)
        self._changes += 1
        cid = f"ct{self._changes}"
        region = text.ChangedRegion(qattributes={(XMLNS, "id"): cid, (TEXTNS, "id"): cid})
        change = text.Deletion() if kind == "deletion" else text.Insertion()
        info = office.ChangeInfo()
        info.addElement(dc.Creator(text=author))
        info.addElement(dc.Date(text="2026-11-02T09:00:00"))
        change.addElement(info)
        region.addElement(change)
        self._tracked.addElement(region)
        self._last_change = change
        return cid

    def deleted(self, p: text.P, body: str, author: str = "Records Unit") -> Letter:
        """Text deleted with change tracking on: kept in the file, not shown."""
        cid = self._region("deletion", author)
        self._last_change.addElement(text.P(text=body))
        p.addElement(text.Change(changeid=cid))
        return self

    def inserted(self, p: text.P, body: str, author: str = "Records Unit") -> Letter:
        cid = self._region("insertion", author)
        p.addElement(text.ChangeStart(changeid=cid))
        p.addText(body)
        p.addElement(text.ChangeEnd(changeid=cid))
        return self

    def header(self, body: str) -> Letter:
        layout = style.PageLayout(name="pm1")
        self.doc.automaticstyles.addElement(layout)
        master = style.MasterPage(name="Standard", pagelayoutname=layout)
        h = style.Header()
        h.addElement(text.P(text=body))
        master.addElement(h)
        self.doc.masterstyles.addElement(master)
        return self

    def table(self, rows: Sequence[Sequence[str]]) -> Letter:
        t = table.Table(name="Table1")
        t.addElement(table.TableColumn(numbercolumnsrepeated=max(len(r) for r in rows)))
        for row in rows:
            tr = table.TableRow()
            for value in row:
                cell = table.TableCell(valuetype="string")
                cell.addElement(text.P(text=value))
                tr.addElement(cell)
            t.addElement(tr)
        self.doc.text.addElement(t)
        return self

    def to_bytes(self) -> bytes:
        return _bytes(self.doc)


class Slides:
    """A presentation: slides of text boxes, speaker notes, hidden slides."""

    def __init__(self, creator: str | None = None) -> None:
        self.doc = OpenDocumentPresentation()
        _creator(self.doc, creator, None)
        layout = style.PageLayout(name="PM1")
        layout.addElement(style.PageLayoutProperties(pagewidth="28cm", pageheight="21cm"))
        self.doc.automaticstyles.addElement(layout)
        self.master = style.MasterPage(name="Default", pagelayoutname=layout)
        self.doc.masterstyles.addElement(self.master)
        hidden = style.Style(name="dpHidden", family="drawing-page")
        hidden.addElement(style.DrawingPageProperties(visibility="hidden"))
        self.doc.automaticstyles.addElement(hidden)
        self.hidden_style = hidden
        self.n = 0

    def slide(self, body: str, *, notes: str | None = None, hidden: bool = False,
              comment: tuple[str, str] | None = None, off_slide: bool = False) -> Slides:
        self.n += 1
        kw = {"stylename": self.hidden_style} if hidden else {}
        page = draw.Page(name=f"page{self.n}", masterpagename=self.master, **kw)
        x = "40cm" if off_slide else "2cm"
        frame = draw.Frame(width="20cm", height="3cm", x=x, y="2cm")
        box = draw.TextBox()
        box.addElement(text.P(text=body))
        frame.addElement(box)
        page.addElement(frame)
        if comment:
            page.addElement(_annotation(*comment), check_grammar=False)  # as LibreOffice writes it
        if notes:
            n = presentation.Notes()
            nf = draw.Frame(width="20cm", height="10cm", x="2cm", y="12cm")
            nb = draw.TextBox()
            nb.addElement(text.P(text=notes))
            nf.addElement(nb)
            n.addElement(nf)
            page.addElement(n)
        self.doc.presentation.addElement(page)
        return self

    def to_bytes(self) -> bytes:
        return _bytes(self.doc)
