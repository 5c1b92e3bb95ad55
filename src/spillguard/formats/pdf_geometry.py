"""What a PDF page shows and what it only seems to hide, from PDFium's page objects.

Page objects are painted in order: a filled, opaque path or an image painted *after* a text
object covers that text on screen, but the text stays in the file and can be selected and
copied (the classic bad redaction). Each character is classified by its box against the boxes
of the objects painted after its own text object, and against redaction-like annotations
(unapplied Redact marks, filled squares, dark highlights), which are always painted on top.
White text with nothing dark painted under it is camouflaged.
"""

from __future__ import annotations

import bisect
import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

#: share of a character's box a cover must hide for the character to count as covered
COVERED = 0.6
#: channel value from which a colour counts as white
WHITE = 245
#: opacity from which a fill hides what is under it
OPAQUE = 250

Box = tuple[float, float, float, float]  # left, bottom, right, top


@dataclass(frozen=True, slots=True)
class Cover:
    order: int  # painting order on the page (annotations: after everything)
    box: Box
    dark: bool
    what: str


@dataclass(slots=True)
class PageText:
    """A page's characters, split by what a viewer sees: one string per class, aligned with
    the page text (characters of the other classes are blanked, line breaks kept)."""

    visible: str
    covered: str
    camouflaged: str
    covers: list[str]
    chars: int


def _addr(handle: object) -> int:
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


def _bounds(obj: object) -> Box:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
    return left.value, bottom.value, right.value, top.value


def _fill(obj: object) -> tuple[int, int, int, int]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not raw.FPDFPageObj_GetFillColor(obj, r, g, b, a):
        return 0, 0, 0, 0
    return r.value, g.value, b.value, a.value


def _filled(obj: object) -> bool:
    mode, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj, mode, stroke)
    return mode.value != 0


def page_objects(page: pdfium.PdfPage) -> tuple[dict[int, int], list[Cover]]:
    """Text objects' painting order by handle, and every opaque fill that could hide text."""
    text_order: dict[int, int] = {}
    covers: list[Cover] = []
    count = raw.FPDFPage_CountObjects(page.raw)
    for i in range(count):
        obj = raw.FPDFPage_GetObject(page.raw, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            text_order[_addr(obj)] = i
        elif kind == raw.FPDF_PAGEOBJ_PATH and _filled(obj):
            r, g, b, a = _fill(obj)
            if a >= OPAQUE:
                covers.append(Cover(i, _bounds(obj), max(r, g, b) < 100, "filled box"))
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            covers.append(Cover(i, _bounds(obj), True, "image"))
    return text_order, covers


def _share(inner: Box, outer: Box) -> float:
    width = min(inner[2], outer[2]) - max(inner[0], outer[0])
    height = min(inner[3], outer[3]) - max(inner[1], outer[1])
    area = (inner[2] - inner[0]) * (inner[3] - inner[1])
    if width <= 0 or height <= 0 or area <= 0:
        return 0.0
    return width * height / area


def _uncover_stray_punctuation(visible: list[str], covered: list[str]) -> None:
    """Punctuation sits low: a rule grazing the baseline "covers" full stops and commas but no
    letter. A covered punctuation mark counts only between covered letters or digits."""
    alnum = [i for i, ch in enumerate(covered) if ch.isalnum() or visible[i].isalnum()]
    for i, ch in enumerate(covered):
        if ch.strip() and not ch.isalnum():
            k = bisect.bisect_left(alnum, i)
            before = covered[alnum[k - 1]].isalnum() if k > 0 else False
            after = covered[alnum[k]].isalnum() if k < len(alnum) else False
            if not (before or after):
                visible[i], covered[i] = ch, " "


def classify(page: pdfium.PdfPage, annotation_covers: list[Box]) -> PageText:
    text_order, covers = page_objects(page)
    top = 1 << 30
    covers += [Cover(top, box, True, "redaction annotation") for box in annotation_covers]
    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
        visible, covered, camouflaged = [], [], []
        used: set[str] = set()
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        for i in range(n):
            ch = chr(raw.FPDFText_GetUnicode(textpage.raw, i) or 32)
            if ch in "\r\n" or not ch.strip():
                visible.append(ch)
                covered.append(ch)
                camouflaged.append(ch)
                continue
            box = textpage.get_charbox(i)
            order = text_order.get(_addr(raw.FPDFText_GetTextObject(textpage.raw, i)), -1)
            hider = next((c for c in covers if c.order > order and _share(box, c.box) >= COVERED), None)
            where = "visible"
            if hider is not None:
                where = "covered"
                used.add(hider.what)
            elif raw.FPDFText_GetFillColor(textpage.raw, i, r, g, b, a) and min(r.value, g.value, b.value) >= WHITE:
                backed = any(c.order < order and c.dark and _share(box, c.box) >= COVERED for c in covers)
                where = "visible" if backed else "camouflaged"
            for name, out in (("visible", visible), ("covered", covered), ("camouflaged", camouflaged)):
                out.append(ch if name == where else " ")
        _uncover_stray_punctuation(visible, covered)
        return PageText("".join(visible), "".join(covered), "".join(camouflaged), sorted(used), n)
    finally:
        textpage.close()
