"""PDF pages written operator by operator (pikepdf), so that painting order — text, then a box
over it — is exactly what a test needs; incremental updates are saved by PDFium."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as raw

Color = tuple[float, float, float]
BLACK: Color = (0.0, 0.0, 0.0)
WHITE: Color = (1.0, 1.0, 1.0)


@dataclass
class Page:
    ops: list[str] = field(default_factory=list)
    annots: list[tuple[str, tuple[float, float, float, float], Color | None, str]] = field(default_factory=list)
    #: grey images by resource name: (width, height, pixels)
    images: dict[str, tuple[int, int, bytes]] = field(default_factory=dict)
    #: the crop box (left, bottom, right, top), when the visible page is smaller than the media box
    crop: tuple[float, float, float, float] | None = None

    def in_layer(self, layer: str, x: float, y: float, text: str, size: float = 11) -> Page:
        """Text marked as belonging to the optional-content group ``layer`` (see Pdf.layers)."""
        self.ops.append(f"/OC /{layer} BDC")
        self.text(x, y, text, size=size)
        self.ops.append("EMC")
        return self

    def op(self, operators: str) -> Page:
        """Raw content-stream operators (clip paths, render modes…)."""
        self.ops.append(operators)
        return self

    def image(self, x: float, y: float, w: float, h: float, size: tuple[int, int], pixels: bytes) -> Page:
        """An 8-bit grey image (``size`` = width, height in pixels) painted at x, y, w × h points."""
        name = f"Im{len(self.images) + 1}"
        self.images[name] = (size[0], size[1], pixels)
        self.ops.append(f"q {w} 0 0 {h} {x} {y} cm /{name} Do Q")
        return self

    def invisible_text(self, x: float, y: float, text: str, size: float = 11) -> Page:
        """Text in render mode 3, painted nowhere (an OCR layer)."""
        hexed = text.encode("cp1252", errors="replace").hex()
        self.ops.append(f"BT 3 Tr /F1 {size} Tf {x} {y} Td <{hexed}> Tj ET")
        return self

    def text(self, x: float, y: float, text: str, color: Color = BLACK, size: float = 11) -> Page:
        hexed = text.encode("cp1252", errors="replace").hex()
        self.ops.append(f"BT {color[0]} {color[1]} {color[2]} rg /F1 {size} Tf {x} {y} Td <{hexed}> Tj ET")
        return self

    def box(self, x: float, y: float, w: float, h: float, color: Color = BLACK) -> Page:
        """A filled rectangle, painted after whatever came before it."""
        self.ops.append(f"{color[0]} {color[1]} {color[2]} rg {x} {y} {w} {h} re f")
        return self

    def underline(self, x: float, y: float, w: float) -> Page:
        self.ops.append(f"0 0 0 RG 0.8 w {x} {y - 2} m {x + w} {y - 2} l S")
        return self

    def annotation(self, kind: str, rect: tuple[float, float, float, float], color: Color | None = None,
                   contents: str = "") -> Page:
        self.annots.append((kind, rect, color, contents))
        return self


class Pdf:
    def __init__(self) -> None:
        self.pages: list[Page] = []
        self.info: dict[str, str] = {}
        self.attachments: dict[str, bytes] = {}
        #: form text fields (name → value) and bookmark titles
        self.fields: dict[str, str] = {}
        #: form fields flagged hidden (annotation flag 2)
        self.hidden_fields: dict[str, str] = {}
        self.bookmarks: list[str] = []
        #: optional-content groups (layers) by name: shown (True) or switched off (False)
        self.layers: dict[str, bool] = {}

    def page(self) -> Page:
        self.pages.append(Page())
        return self.pages[-1]

    def to_bytes(self) -> bytes:
        pdf = pikepdf.new()
        font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                  BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding)
        groups = {name: pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name=pikepdf.String(name)))
                  for name in self.layers}
        if groups:
            pdf.Root.OCProperties = pikepdf.Dictionary(
                OCGs=pikepdf.Array(list(groups.values())),
                D=pikepdf.Dictionary(Order=pikepdf.Array(list(groups.values())),
                                     OFF=pikepdf.Array([groups[n] for n, on in self.layers.items() if not on])))
        for spec in self.pages:
            page = pdf.add_blank_page(page_size=(612, 792))
            page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
            if spec.images:
                page.obj.Resources.XObject = pikepdf.Dictionary({
                    f"/{name}": pdf.make_stream(pixels, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                                                Width=w, Height=h, ColorSpace=pikepdf.Name.DeviceGray,
                                                BitsPerComponent=8)
                    for name, (w, h, pixels) in spec.images.items()})
            page.obj.Contents = pdf.make_stream("\n".join(spec.ops).encode())
            if spec.crop is not None:
                page.obj.CropBox = pikepdf.Array(list(spec.crop))
            if self.layers:
                page.obj.Resources.Properties = pikepdf.Dictionary({f"/{n}": ocg for n, ocg in groups.items()})
            annots = []
            for kind, rect, color, contents in spec.annots:
                annot = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name(f"/{kind}"),
                                           Rect=pikepdf.Array(list(rect)))
                if color is not None:
                    key = "/C" if kind == "Highlight" else "/IC"
                    annot[key] = pikepdf.Array(list(color))
                if contents:
                    annot.Contents = pikepdf.String(contents)
                    annot.T = pikepdf.String("Reviewer")
                annots.append(pdf.make_indirect(annot))
            if annots:
                page.obj.Annots = pikepdf.Array(annots)
        for key, value in self.info.items():
            pdf.docinfo[f"/{key}"] = value
        for name, data in self.attachments.items():
            pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, data, filename=name)
        if self.fields or self.hidden_fields:
            fields = [pdf.make_indirect(pikepdf.Dictionary(FT=pikepdf.Name.Tx, T=pikepdf.String(name),
                                                           V=pikepdf.String(value)))
                      for name, value in self.fields.items()]
            fields += [pdf.make_indirect(pikepdf.Dictionary(FT=pikepdf.Name.Tx, T=pikepdf.String(name),
                                                            V=pikepdf.String(value), F=2))
                       for name, value in self.hidden_fields.items()]
            pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(fields))
        if self.bookmarks:
            with pdf.open_outline() as outline:
                outline.root.extend(pikepdf.OutlineItem(title, 0) for title in self.bookmarks)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def remove_text_incrementally(data: bytes, page_index: int, containing: str) -> bytes:
    """Delete the text objects of a page that contain ``containing`` and save the change as an
    incremental update: the earlier revision stays in the file, as editors leave it."""
    document = pdfium.PdfDocument(data)
    page = document[page_index]
    textpage = page.get_textpage()
    for obj in list(page.get_objects()):
        if obj.type == raw.FPDF_PAGEOBJ_TEXT:
            size = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            buffer = (raw.FPDF_WCHAR * size)()
            raw.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, size)
            text = bytes(buffer).decode("utf-16-le").rstrip("\x00")
            if containing in text:
                page.remove_obj(obj)
    textpage.close()
    page.gen_content()
    out = io.BytesIO()
    document.save(out, flags=raw.FPDF_INCREMENTAL)
    page.close()
    document.close()
    return out.getvalue()
