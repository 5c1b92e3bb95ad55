"""What a PDF page shows and what it only seems to hide, from PDFium's page objects.

Page objects are painted in order: a filled, opaque path or an image painted *after* a text
object covers that text on screen, but the text stays in the file and can be selected and
copied (the classic bad redaction). Each character is classified by its box against the boxes
of the objects painted after its own text object, and against redaction-like annotations
(unapplied Redact marks, filled squares, dark highlights), which are always painted on top.
Text in the colour of the fill painted under it (white on the white page, black on a black
box) and text in render mode 3 (invisible) are camouflaged.

Geometry only nominates: a box's bounds ignore its clip path, an image may be the scan that
shows the very words of an OCR layer, a logo may sit over a letterhead. Each nominated
character is confirmed on the rendered page: it is hidden only where the page shows nothing
there (the pixels under its box are one colour); where something shows, it is visible.
Annotation covers need no confirmation: a viewer can move or delete them.
"""

from __future__ import annotations

import bisect
import ctypes
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw

#: share of a character's box a cover must hide for the character to count as covered
COVERED = 0.6
#: channel value from which a colour counts as white
WHITE = 245
#: opacity from which a fill hides what is under it
OPAQUE = 250
#: largest channel difference at which text counts as the colour of the fill under it
SAME_COLOUR = 24
#: grey-level spread (5th to 95th percentile) under which a box on the rendered page shows nothing
UNIFORM = 20
#: grey level below which a uniform area is blacked out (an OCR layer's scan redacted)
DARK = 100
#: rendering resolution for the confirmation (pixels per point), capped by RENDER_PIXELS
RENDER_SCALE = 1.5
RENDER_PIXELS = 4_000_000
#: fewer letters or digits than this in an OCR layer's run over blank paper are OCR noise
OCR_NOISE = 3
#: what an OCR layer's text lies under when its scan is blacked out there
SCAN = "blacked-out scan"
#: text render mode that paints nothing (PDF 32000-1, 9.3.6)
INVISIBLE = 3
#: font size (points) under which text cannot be read on the page
TINY = 1.0
TINY_WAY = "text too small to read (under 1 pt)"

Box = tuple[float, float, float, float]  # left, bottom, right, top


@dataclass(frozen=True, slots=True)
class Cover:
    order: int  # painting order on the page (annotations: after everything)
    box: Box
    dark: bool
    what: str
    rgb: tuple[int, int, int] | None = None  # fill colour of a box (None: an image or annotation)


@dataclass(slots=True)
class PageText:
    """A page's characters, split by what a viewer sees: one string per class, aligned with
    the page text (characters of the other classes are blanked, line breaks kept)."""

    visible: str
    covered: str
    camouflaged: str
    covers: list[str]
    chars: int
    camouflage: list[str] = field(default_factory=list)  # how camouflaged text hides
    #: text the page paints nowhere because its layer is off, and text outside the crop box or
    #: clipped away
    layer_off: str = ""
    outside: str = ""
    #: the page's whole text, aligned with the classes: the labels beside a hidden run
    full: str = ""


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


def page_objects(page: pdfium.PdfPage, clipped: set[int] | None = None
                 ) -> tuple[dict[int, int], dict[int, int], list[Cover]]:
    """Text objects' painting order and render mode by handle, and every opaque fill that
    could hide text; with ``clipped``, the text objects painted through a clip path."""
    text_order: dict[int, int] = {}
    modes: dict[int, int] = {}
    covers: list[Cover] = []
    count = raw.FPDFPage_CountObjects(page.raw)
    for i in range(count):
        obj = raw.FPDFPage_GetObject(page.raw, i)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            text_order[_addr(obj)] = i
            modes[_addr(obj)] = raw.FPDFTextObj_GetTextRenderMode(obj)
            if clipped is not None and _addr(raw.FPDFPageObj_GetClipPath(obj)):
                clipped.add(_addr(obj))
        elif kind == raw.FPDF_PAGEOBJ_FORM:  # text inside a form XObject is painted with the form
            _form_text(obj, i, text_order, modes, 0)
        elif kind == raw.FPDF_PAGEOBJ_PATH and _filled(obj):
            r, g, b, a = _fill(obj)
            if a >= OPAQUE:
                covers.append(Cover(i, _bounds(obj), max(r, g, b) < 100, "filled box", (r, g, b)))
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            covers.append(Cover(i, _bounds(obj), True, "image"))
    return text_order, modes, covers


def _form_text(form: object, order: int, text_order: dict[int, int], modes: dict[int, int], depth: int) -> None:
    if depth > 8:
        return
    for k in range(raw.FPDFFormObj_CountObjects(form)):
        obj = raw.FPDFFormObj_GetObject(form, k)
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            text_order[_addr(obj)] = order
            modes[_addr(obj)] = raw.FPDFTextObj_GetTextRenderMode(obj)
        elif kind == raw.FPDF_PAGEOBJ_FORM:
            _form_text(obj, order, text_order, modes, depth + 1)


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


class _Rendered:
    """The page rendered once, on demand, in grey: does a box show anything?"""

    def __init__(self, page: pdfium.PdfPage) -> None:
        self.page = page
        self.pixels: np.ndarray | None = None
        self.failed = False

    def _render(self) -> np.ndarray | None:
        if self.pixels is None and not self.failed:
            width, height = self.page.get_size()
            scale = min(RENDER_SCALE, (RENDER_PIXELS / max(width * height, 1.0)) ** 0.5)
            try:
                bitmap = self.page.render(scale=scale, grayscale=True, draw_annots=False)
                grey = np.array(bitmap.to_numpy(), dtype=np.uint8)
                self.pixels = grey.reshape(bitmap.height, bitmap.width, -1)[..., 0]
                bitmap.close()
            except (pdfium.PdfiumError, ValueError, MemoryError):
                self.failed = True
        return self.pixels

    def _device(self, x: float, y: float, shape: tuple[int, ...]) -> tuple[int, int]:
        dx, dy = ctypes.c_int(), ctypes.c_int()
        raw.FPDF_PageToDevice(self.page.raw, 0, 0, shape[1], shape[0], 0, x, y, dx, dy)
        return dx.value, dy.value

    def level(self, box: Box) -> float | None:
        """The one grey level the rendered page shows inside ``box`` (page units), or None
        where something shows there. Where the page cannot be rendered, 0 (black): the
        geometry stands (fail closed: the text stays hidden)."""
        pixels = self._render()
        if pixels is None:
            return 0.0
        left, bottom, right, top = box
        inset_x, inset_y = (right - left) * 0.15, (top - bottom) * 0.15
        (x0, y0), (x1, y1) = (self._device(left + inset_x, bottom + inset_y, pixels.shape),
                              self._device(right - inset_x, top - inset_y, pixels.shape))
        xa, xb = sorted((max(0, min(x0, x1)), min(pixels.shape[1], max(x0, x1) + 1)))
        ya, yb = sorted((max(0, min(y0, y1)), min(pixels.shape[0], max(y0, y1) + 1)))
        region = pixels[ya:yb, xa:xb]
        if region.size == 0:
            return 0.0
        low, high = np.percentile(region, (5, 95))
        return float(high) if float(high - low) < UNIFORM else None

    def shows_nothing(self, box: Box) -> bool:
        return self.level(box) is not None


def _inside(box: Box, outer: Box) -> Box:
    return max(box[0], outer[0]), max(box[1], outer[1]), min(box[2], outer[2]), min(box[3], outer[3])


def _same(text: tuple[int, int, int], fill: tuple[int, int, int]) -> bool:
    return max(abs(a - b) for a, b in zip(text, fill, strict=True)) <= SAME_COLOUR


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _ocr_layer(level: float | None, scan: Cover, run: list[str]) -> tuple[str, Cover | str]:
    """An OCR layer's run of text (render mode 3 over its scan) by what the scan shows there:
    a blacked-out area hides it (a redacted scan whose text layer was kept); where the scan
    shows ink the layer is its words (visible); over blank paper a word or more is text that
    nothing shows (camouflaged), a stray character or two is OCR noise or a misplaced box."""
    if level is None:
        return "visible", ""
    if level < DARK:
        return "covered", scan
    if sum(ch.isalnum() for ch in run) >= OCR_NOISE:
        return "camouflaged", "invisible text over a blank part of its scan"
    return "visible", ""


def _outside(box: Box, crop: Box) -> bool:
    return box[2] <= crop[0] or box[0] >= crop[2] or box[3] <= crop[1] or box[1] >= crop[3]


def classify(page: pdfium.PdfPage, annotation_covers: list[Box], layered: bool = False) -> PageText:
    """``layered``: the document switches a layer off, so every run is checked on the rendered
    page (PDFium renders the default view, layers off left out)."""
    clipped: set[int] = set()
    text_order, modes, covers = page_objects(page, clipped)
    crop = tuple(page.get_cropbox())
    top = 1 << 30
    covers += [Cover(top, box, True, "redaction annotation") for box in annotation_covers]
    rendered = _Rendered(page)
    textpage = page.get_textpage()
    try:
        n = textpage.count_chars()
        chars: list[str] = []
        # per character: (class, cover or way, box, text object); runs of one nominee are confirmed together
        nominee: list[tuple[str, Cover | str, Box, int] | None] = []
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        for i in range(n):
            ch = chr(raw.FPDFText_GetUnicode(textpage.raw, i) or 32)
            chars.append(ch)
            if ch in "\r\n" or not ch.strip():
                nominee.append(None)
                continue
            box = textpage.get_charbox(i)
            handle = _addr(raw.FPDFText_GetTextObject(textpage.raw, i))
            order = text_order.get(handle, -1)
            hider = next((c for c in covers if c.order > order and _share(box, c.box) >= COVERED), None)
            if hider is not None:
                nominee.append(("covered", hider, _inside(box, hider.box), handle))
                continue
            under = [c for c in covers if c.order < order and _share(box, c.box) >= COVERED]
            colour = (r.value, g.value, b.value) if raw.FPDFText_GetFillColor(textpage.raw, i, r, g, b, a) else None
            backing = max(under, key=lambda c: c.order).rgb if under else (255, 255, 255)
            way = ""
            images = [c for c in under if c.what == "image"]
            if modes.get(handle) == INVISIBLE and images:  # an OCR layer: hidden only where its scan is blacked out
                scan = max(images, key=lambda c: c.order)
                nominee.append(("covered", Cover(scan.order, scan.box, True, SCAN), _inside(box, scan.box), handle))
                continue
            if modes.get(handle) == INVISIBLE:
                way = "invisible text (render mode 3)"
            elif colour is not None and backing is not None and _same(colour, backing):
                way = "white text" if min(colour) >= WHITE else "text in the colour of the box under it"
            elif colour is not None and min(colour) >= WHITE and not any(c.dark for c in under):
                way = "white text"
            elif 0 < raw.FPDFText_GetFontSize(textpage.raw, i) < TINY:
                way = TINY_WAY
            if way:
                nominee.append(("camouflaged", way, box, handle))
            elif _outside(box, crop):
                nominee.append(("outside", "outside the crop box", box, handle))
            elif layered or handle in clipped:
                nominee.append(("unpainted", "layer" if layered else "clip", box, handle))
            else:
                nominee.append(None)
        where = ["visible"] * n
        used: set[str] = set()
        ways: set[str] = set()
        i = 0
        while i < n:
            first = nominee[i]
            if first is None:
                i += 1
                continue
            j, boxes = i, []
            while j < n and ((nominee[j] is None and chars[j] == " ") or (nominee[j] is not None
                             and nominee[j][:2] == first[:2] and nominee[j][3] == first[3])):
                if nominee[j] is not None:
                    boxes.append(nominee[j][2])
                j += 1
            kind, why = first[0], first[1]
            annotation = isinstance(why, Cover) and why.order == top
            if isinstance(why, Cover) and why.what == SCAN:
                kind, why = _ocr_layer(rendered.level(_union(boxes)), why, chars[i:j])
            elif kind == "outside" or why == TINY_WAY:
                pass  # no viewer shows what lies beyond the crop box; nobody reads text under 1 pt
            elif kind == "unpainted":
                # painted nowhere: a layer switched off (or clipped away); else it shows
                kind = ("layer_off" if why == "layer" else "outside") if rendered.shows_nothing(_union(boxes)) \
                    else "visible"
            elif not (annotation or rendered.shows_nothing(_union(boxes))):
                kind = "visible"
            if kind != "visible":
                for k in range(i, j):
                    if nominee[k] is not None:
                        where[k] = kind
                if isinstance(why, Cover):
                    used.add(why.what)
                else:
                    ways.add(why)
            i = j
        # whitespace (line breaks) is kept in every class, so that lines stay aligned
        visible = [ch if w == "visible" else " " for ch, w in zip(chars, where, strict=True)]
        covered = [ch if w == "covered" or not ch.strip() else " " for ch, w in zip(chars, where, strict=True)]
        camouflaged = [ch if w == "camouflaged" or not ch.strip() else " " for ch, w in zip(chars, where, strict=True)]
        _uncover_stray_punctuation(visible, covered)
        layer_off = [ch if w == "layer_off" or not ch.strip() else " " for ch, w in zip(chars, where, strict=True)]
        outside = [ch if w == "outside" or not ch.strip() else " " for ch, w in zip(chars, where, strict=True)]
        ways -= {"layer", "clip", "outside the crop box"}
        return PageText("".join(visible), "".join(covered), "".join(camouflaged), sorted(used), n, sorted(ways),
                        "".join(layer_off), "".join(outside), "".join(chars))
    finally:
        textpage.close()
