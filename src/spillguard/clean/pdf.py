"""True redaction of PDFs: what a box only seemed to hide leaves the file; the box stays.

Per page (PDFium through pypdfium2): every character the scanner finds under a box painted after
it, under a redaction-like annotation, or camouflaged (white on nothing dark) is taken out —
its text object is removed and the characters of that object a reader does see are set again
in their places (a standard font, same size and colour). Pictures and vector drawings painted
under a later box go too. Redaction annotations are burned in as black boxes. The file is then
written anew (no incremental update: earlier revisions are gone) and pikepdf strips
annotations, attachments, form fields and values, bookmarks, scripts and metadata.
"""

from __future__ import annotations

import ctypes
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as raw

from spillguard.clean.model import Cleaned, Options
from spillguard.config import Config
from spillguard.formats.pdf import _annotation_covers
from spillguard.formats.pdf_geometry import Box, Cover, _addr, _bounds, _share, classify, page_objects


@dataclass(slots=True)
class _Run:
    text: str
    x: float
    y: float
    size: float
    rgba: tuple[int, int, int, int]


def _runs(textpage: pdfium.PdfTextPage, indices: list[int], keep: set[int]) -> list[_Run]:
    """Consecutive kept characters of one text object, as runs to set again."""
    runs: list[_Run] = []
    current: list[int] = []

    def flush() -> None:
        chars = "".join(chr(raw.FPDFText_GetUnicode(textpage.raw, i) or 32) for i in current)
        if chars.strip():
            first = next(i for i in current if chr(raw.FPDFText_GetUnicode(textpage.raw, i) or 32).strip())
            x, y = ctypes.c_double(), ctypes.c_double()
            raw.FPDFText_GetCharOrigin(textpage.raw, first, x, y)
            r, g, b, a = (ctypes.c_uint() for _ in range(4))
            raw.FPDFText_GetFillColor(textpage.raw, first, r, g, b, a)
            lead = current.index(first)
            runs.append(_Run(chars[lead:].rstrip(), x.value, y.value, raw.FPDFText_GetFontSize(textpage.raw, first),
                             (r.value, g.value, b.value, a.value or 255)))
        current.clear()

    for i in indices:
        if i in keep:
            current.append(i)
        elif current:
            flush()
    if current:
        flush()
    return runs


def _set_text(doc: pdfium.PdfDocument, page: pdfium.PdfPage, run: _Run) -> None:
    obj = raw.FPDFPageObj_NewTextObj(doc.raw, b"Helvetica", ctypes.c_float(run.size or 10.0))
    encoded = (run.text + "\x00").encode("utf-16-le")
    buf = (ctypes.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded)
    raw.FPDFText_SetText(obj, buf)
    raw.FPDFPageObj_SetFillColor(obj, *run.rgba)
    raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, run.x, run.y)
    raw.FPDFPage_InsertObject(page.raw, obj)


def _burn_in(page: pdfium.PdfPage, box: Box) -> None:
    rect = raw.FPDFPageObj_CreateNewRect(box[0], box[1], box[2] - box[0], box[3] - box[1])
    raw.FPDFPageObj_SetFillColor(rect, 0, 0, 0, 255)
    raw.FPDFPath_SetDrawMode(rect, raw.FPDF_FILLMODE_ALTERNATE, 0)
    raw.FPDFPage_InsertObject(page.raw, rect)


def _redact_page(doc: pdfium.PdfDocument, page: pdfium.PdfPage, annotation_boxes: list[Box],
                 removed: Counter[str]) -> None:
    seen = classify(page, annotation_boxes)
    gone = {i for i, (c, w) in enumerate(zip(seen.covered, seen.camouflaged, strict=True)) if c.strip() or w.strip()}
    _, _, covers = page_objects(page)
    covers = covers + [Cover(1 << 30, box, True, "redaction annotation") for box in annotation_boxes]
    textpage = page.get_textpage()
    try:
        by_object: dict[int, list[int]] = {}
        handles: dict[int, object] = {}
        for i in range(textpage.count_chars()):
            obj = raw.FPDFText_GetTextObject(textpage.raw, i)
            if obj:
                by_object.setdefault(_addr(obj), []).append(i)
                handles[_addr(obj)] = obj
        hit = {a for a, idx in by_object.items() if any(i in gone for i in idx)}
        runs = [r for a in hit for r in _runs(textpage, by_object[a], set(by_object[a]) - gone)]
        removed["characters under redaction boxes"] += sum(1 for i in gone if seen.covered[i].strip())
        removed["camouflaged characters"] += sum(1 for i in gone if seen.camouflaged[i].strip())
    finally:
        textpage.close()
    # pictures and drawings painted under a later box
    buried = []
    for i in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind not in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_PATH):
            continue
        box = _bounds(obj)
        later = [c for c in covers if c.order > i and c.dark]
        under = any(_share(box, c.box) >= 0.9 for c in later)  # wholly under a box
        touched = kind == raw.FPDF_PAGEOBJ_IMAGE and any(_share(c.box, box) > 0 for c in later)  # pixels under one
        if under or touched:
            buried.append((kind, obj))
    for a in hit:
        raw.FPDFPage_RemoveObject(page.raw, handles[a])
        raw.FPDFPageObj_Destroy(handles[a])
    for kind, obj in buried:
        raw.FPDFPage_RemoveObject(page.raw, obj)
        raw.FPDFPageObj_Destroy(obj)
        removed["pictures under redaction boxes" if kind == raw.FPDF_PAGEOBJ_IMAGE else
                "drawings under redaction boxes"] += 1
    for run in runs:
        _set_text(doc, page, run)
    for box in annotation_boxes:
        _burn_in(page, box)
        removed["redaction marks burned in"] += 1
    if hit or buried or annotation_boxes:
        raw.FPDFPage_GenerateContent(page.raw)


def _strip(data: bytes, removed: Counter[str]) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            annots = page.obj.get("/Annots")
            if annots is not None:
                removed["annotations"] += len(annots)
                del page.obj["/Annots"]
            if "/Metadata" in page.obj:
                del page.obj["/Metadata"]
        root = pdf.Root
        if "/AcroForm" in root:
            removed["form fields"] += len(root.AcroForm.get("/Fields", []))
            del root["/AcroForm"]
        names = root.get("/Names")
        if names is not None:
            for key, what in (("/EmbeddedFiles", "attachments"), ("/JavaScript", "scripts")):
                if key in names:
                    removed[what] += max(1, len(names[key].get("/Names", [])) // 2)
                    del names[key]
        for key, what in (("/Outlines", "bookmarks"), ("/Metadata", "XMP metadata"), ("/OpenAction", "open actions")):
            if key in root:
                removed[what] += 1
                del root[key]
        if len(pdf.docinfo):
            removed["document information fields"] += len(pdf.docinfo)
            for key in list(pdf.docinfo.keys()):
                del pdf.docinfo[key]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    data = path.read_bytes()
    revisions = data.count(b"%%EOF")
    with pikepdf.open(io.BytesIO(data)) as structure:
        boxes = [_annotation_covers(p) for p in structure.pages]
    doc = pdfium.PdfDocument(data)
    try:
        for index in range(len(doc)):
            page = doc[index]
            try:
                _redact_page(doc, page, boxes[index] if index < len(boxes) else [], result.removed)
            finally:
                page.close()
        buf = io.BytesIO()
        doc.save(buf, flags=raw.FPDF_NO_INCREMENTAL)
        result.kept["pages"] = len(doc)
    finally:
        doc.close()
    if revisions > 1:
        result.removed["earlier revisions"] += revisions - 1
    cleaned = _strip(buf.getvalue(), result.removed)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(cleaned)
    result.outputs.append(out.as_posix())
    result.removed = Counter({k: v for k, v in result.removed.items() if v})
    return result
