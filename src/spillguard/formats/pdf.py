"""PDF documents.

PDFium (pypdfium2) reads each page's text with its geometry and painting order, so text hidden
under a box painted after it — a bad redaction — is told apart from what a reader sees
(``pdf_geometry``). pikepdf (qpdf) reads the structure: redaction-like annotations, comments
and their authors, form field values, bookmarks, Info and XMP metadata, attached files
(scanned with their own format). Earlier revisions kept by incremental updates are opened
one by one and the text the latest revision no longer shows is reported. Pages with no text
layer are listed (info): scans cannot be read for text without OCR.
"""

from __future__ import annotations

import io
import re
import warnings
import zlib
from collections.abc import Callable, Iterator

import pikepdf
import polars as pl
import pypdfium2 as pdfium

from spillguard.errors import CorruptFile, EncryptedFile, ResourceLimit
from spillguard.formats import magic, pdf_objects, pdf_ocr
from spillguard.formats.base import Context, Source
from spillguard.formats.cells import author_table
from spillguard.formats.pdf_geometry import classify
from spillguard.model import Content, Incomplete, Location, Notice, Table, Text, Visibility

NAME = "pdf"
#: at most this many earlier revisions are opened
MAX_REVISIONS = 20
_PERSON_KEYS = ("/Author", "dc:creator", "pdf:Author", "xmp:Author", "/LastModifiedBy", "dc:contributor",
                "photoshop:CaptionWriter", "photoshop:AuthorsPosition")
_TEXT_KEYS = ("/Title", "/Subject", "/Keywords", "dc:title", "dc:description", "dc:subject", "pdf:Keywords",
              "dc:rights", "photoshop:Credit", "photoshop:Headline", "photoshop:Source", "photoshop:Instructions",
              "photoshop:City", "photoshop:State", "photoshop:Country", "xmpRights:Owner")
#: XMP namespaces pikepdf reports as ``{uri}name``, by the prefixes the keys above use
_XMP_PREFIXES = {
    "http://purl.org/dc/elements/1.1/": "dc", "http://ns.adobe.com/pdf/1.3/": "pdf",
    "http://ns.adobe.com/xap/1.0/": "xmp", "http://ns.adobe.com/photoshop/1.0/": "photoshop",
    "http://ns.adobe.com/xap/1.0/rights/": "xmpRights",
}


def _xmp_key(key: str) -> str:
    """``{http://purl.org/dc/elements/1.1/}creator`` → ``dc:creator``."""
    if key.startswith("{") and "}" in key:
        uri, name = key[1:].split("}", 1)
        return f"{_XMP_PREFIXES[uri]}:{name}" if uri in _XMP_PREFIXES else name
    return key
_DARK = 0.35


sniff = magic.pdf


def read(source: Source, ctx: Context) -> Iterator[Content]:
    data = source.read_up_to(ctx.limits.max_file_bytes, "the PDF")
    loc = Location(file=source.name)
    try:
        structure = pikepdf.open(io.BytesIO(data), password="")
    except pikepdf.PasswordError:
        raise EncryptedFile("the PDF is password-protected") from None
    except pikepdf.PdfError as exc:
        raise CorruptFile(f"the PDF cannot be parsed ({type(exc).__name__})") from None
    with structure:
        linearized = bool(structure.is_linearized)
        _within_limits(structure, ctx)
        document = _open_pdfium(data)
        try:
            yield from _pages(document, structure, loc, ctx)
            latest = _lines(document)
        finally:
            document.close()
        yield from _metadata(structure, loc)
        yield from _annotations(structure, loc)
        yield from _forms_and_outline(structure, loc)
        yield from _javascript(structure, loc)
        yield from _attachments(structure, source, ctx, loc)
        yield from pdf_objects.leftovers(structure, source, ctx, loc)
    yield from _revisions(data, latest, loc, linearized)


def _within_limits(structure: pikepdf.Pdf, ctx: Context) -> None:
    """SG903 before any page is decoded: too many objects, or a Flate stream that inflates past
    ``pdf_stream_bytes`` (inflated in steps, never whole). Other filters are bounded by the file
    size limit only."""
    limits = ctx.limits
    count = len(structure.objects)
    if count > limits.pdf_objects:
        raise ResourceLimit(f"the PDF has {count:,} objects, over the limit of {limits.pdf_objects:,} (pdf_objects)")
    for obj in structure.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Filter") != pikepdf.Name.FlateDecode:
            continue
        inflate = zlib.decompressobj()
        raw = obj.read_raw_bytes()
        size = 0
        while raw and size <= limits.pdf_stream_bytes:
            try:
                size += len(inflate.decompress(raw, 1 << 20))
            except zlib.error:
                break  # a damaged stream: PDFium and the page reader say what they can
            raw = inflate.unconsumed_tail
        if size > limits.pdf_stream_bytes:
            raise ResourceLimit(f"a stream of the PDF inflates past the limit of {limits.pdf_stream_bytes:,} bytes "
                                "(pdf_stream_bytes; PDF bomb?)")


def _open_pdfium(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data, password="")
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedFile("the PDF is password-protected") from None
        raise CorruptFile(f"the PDF's pages cannot be read ({exc})") from None


def _annotation_covers(page: pikepdf.Page) -> list[tuple[float, float, float, float]]:
    """Boxes of annotations that paint over text: unapplied Redact marks, filled squares,
    dark highlights."""
    out = []
    for annot in page.obj.get("/Annots", []) or []:
        try:
            kind = str(annot.get("/Subtype", ""))
            rect = [float(x) for x in annot.get("/Rect", [])]
        except (TypeError, ValueError, pikepdf.PdfError):
            continue
        if len(rect) != 4:
            continue
        box = (min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3]))
        fill = annot.get("/IC") if kind in ("/Square", "/Redact") else annot.get("/C") if kind == "/Highlight" else None
        if kind == "/Redact" or (fill is not None and (_dark(fill) or (kind == "/Square" and _opaque(annot)))):
            out.append(box)
    return out


def _opaque(annot: pikepdf.Dictionary) -> bool:
    """A filled square of any colour hides what is under it, unless drawn see-through (/CA)."""
    try:
        return float(annot.get("/CA", 1)) >= 0.98 and len(annot.get("/IC")) > 0
    except (TypeError, ValueError, pikepdf.PdfError):
        return False


def _dark(color: object) -> bool:
    try:
        values = [float(v) for v in color]  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return False
    if len(values) == 1:
        return values[0] <= _DARK
    if len(values) == 3:
        return max(values) <= _DARK
    if len(values) == 4:  # CMYK
        return values[3] >= 1 - _DARK
    return False


def _pages(document: pdfium.PdfDocument, structure: pikepdf.Pdf, loc: Location, ctx: Context) -> Iterator[Content]:
    scanned: list[int] = []
    layered = _layers_off(structure)
    for index in range(len(document)):
        number = index + 1
        try:
            page = document[index]
        except pdfium.PdfiumError:  # a damaged page: said, and the other pages are still read
            yield Incomplete(CorruptFile.rule, f"page {number} of the PDF cannot be loaded",
                             loc.with_(page=number, part=f"page {number}"))
            continue
        try:
            covers = _annotation_covers(structure.pages[index]) if index < len(structure.pages) else []
            text = classify(page, covers, layered)
        finally:
            page.close()
        where = loc.with_(page=number, line=1)
        if text.chars == 0 or (not text.visible.strip() and not text.covered.strip()):
            scanned.append(number)
        if text.visible.strip():
            yield Text(where, Visibility.VISIBLE, _lines_of(text.visible), f"page {number}")
        # a hidden run is read beside the page's own words ("Nationality: [box]"): the labels
        # around it are context for the detectors, only what is hidden makes the finding
        full = _breaks(text.full)
        for run, vis, label in ((text.covered, Visibility.UNDER_REDACTION, f"under {' and '.join(text.covers)}"),
                                (text.camouflaged, Visibility.CAMOUFLAGED, " and ".join(text.camouflage)),
                                (text.layer_off, Visibility.LAYER_OFF, "a layer switched off"),
                                (text.outside, Visibility.OUTSIDE_PAGE, "outside the crop box or clipped away")):
            if run.strip():
                yield Text(where, vis, _breaks(run), f"page {number}, {label}", context=full)
    if scanned and ctx.limits.ocr_pages > 0 and pdf_ocr.available():
        unread: list[int] = []
        for k, number in enumerate(scanned):
            text = None
            if k < ctx.limits.ocr_pages:  # the rest stay reported as unread
                text = pdf_ocr.read_page(document, number - 1, ctx.limits.ocr_seconds_per_page)
            if text and text.strip():
                yield Text(loc.with_(page=number, line=1), Visibility.VISIBLE, _lines_of(text),
                           f"page {number}, read by OCR")
            else:
                unread.append(number)
        scanned = unread
    if scanned:
        shown = ", ".join(map(str, scanned[:10])) + (" …" if len(scanned) > 10 else "")
        yield Notice("SG123", f"{len(scanned)} page{'s' if len(scanned) != 1 else ''} without a text layer",
                     loc, Visibility.VISIBLE, f"pages {shown} hold no text to inspect (scans?); OCR them or "
                     "review them by eye")


def _breaks(text: str) -> str:
    """PDFium's CR LF line ends as LF, nothing else changed (the classes stay aligned)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _lines_of(text: str) -> str:
    """PDFium ends lines with CR LF: one line per line, trailing blanks dropped."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def _lines(document: pdfium.PdfDocument) -> set[str]:
    """Every non-blank line of the document's text, whitespace-normalised (for revisions)."""
    out: set[str] = set()
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        try:
            out.update(" ".join(x.split()) for x in _lines_of(textpage.get_text_range()).split("\n") if x.strip())
        finally:
            textpage.close()
            page.close()
    return out


def _metadata(pdf: pikepdf.Pdf, loc: Location) -> Iterator[Content]:
    values: dict[str, str] = {}
    for key, value in (pdf.docinfo.items() if pdf.trailer.get("/Info") is not None else []):
        text = str(value).strip()
        if text:
            values[str(key)] = text
    try:
        with warnings.catch_warnings(), pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            warnings.simplefilter("ignore")  # pikepdf warns (to stderr) about fields it cannot sync
            for key, value in xmp.items():
                text = (", ".join(map(str, value)) if isinstance(value, list | set) else str(value)).strip()
                if text:
                    values[_xmp_key(key)] = text
    except (pikepdf.PdfError, ValueError, KeyError, TypeError):
        pass  # malformed XMP: the Info dictionary still counts
    where = loc.with_(part="metadata")
    people = {k: v for k, v in values.items() if k in _PERSON_KEYS}
    if people:
        headers = list(people)
        frame = pl.DataFrame({f"c{j}": [people[h]] for j, h in enumerate(headers)},
                             schema={f"c{j}": pl.Utf8 for j in range(len(headers))})
        yield Table(where, Visibility.METADATA, [h.lstrip("/") for h in headers], iter([frame]))
    texts = [f"{k.lstrip('/')}: {values[k]}" for k in _TEXT_KEYS if k in values]
    if texts:
        yield Text(where, Visibility.METADATA, "\n".join(texts))


def _annotations(pdf: pikepdf.Pdf, loc: Location) -> Iterator[Content]:
    notes: list[str] = []
    authors: set[str] = set()
    pages: list[int] = []
    for number, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots", []) or []:
            try:
                contents = str(annot.get("/Contents", "")).strip()
                author = str(annot.get("/T", "")).strip()
            except (pikepdf.PdfError, ValueError):
                continue
            if contents:
                notes.append(contents)
                pages.append(number)
            if author:
                authors.add(author)
    if notes:
        yield Text(loc.with_(part="annotations", page=pages[0], line=1), Visibility.COMMENT, "\n".join(notes),
                   f"{len(notes)} annotation{'s' if len(notes) != 1 else ''}")
    if authors:
        yield author_table(loc.with_(part="annotations"), "annotation author", sorted(authors))


def _forms_and_outline(pdf: pikepdf.Pdf, loc: Location) -> Iterator[Content]:
    fields: list[str] = []
    hidden: list[str] = []
    form = pdf.Root.get("/AcroForm")
    if form is not None:
        stack = list(form.get("/Fields", []) or [])
        seen = 0
        while stack and seen < 100_000:
            seen += 1
            field = stack.pop()
            try:
                value = field.get("/V")
                name = str(field.get("/T", "field"))
            except (pikepdf.PdfError, AttributeError):
                continue
            if value is not None and str(value).strip() and not str(value).startswith("/"):
                (hidden if _hidden_field(field) else fields).append(f"{name}: {value}")
            stack.extend(field.get("/Kids", []) or [])
    if fields:
        yield Text(loc.with_(part="form fields", line=1), Visibility.VISIBLE, "\n".join(fields), "form fields")
    if hidden:
        yield Text(loc.with_(part="form fields", line=1), Visibility.HIDDEN_FIELD, "\n".join(hidden),
                   "hidden form fields")
    titles: list[str] = []
    try:
        with pdf.open_outline() as outline:
            stack = list(outline.root)
            while stack and len(titles) < 100_000:
                item = stack.pop()
                titles.append(item.title)
                stack.extend(item.children)
    except pikepdf.PdfError:
        pass
    if any(t.strip() for t in titles):
        yield Text(loc.with_(part="bookmarks", line=1), Visibility.VISIBLE, "\n".join(titles), "bookmarks")


def _hidden_field(field: pikepdf.Object) -> bool:
    """A field whose widget(s) carry the annotation flag Hidden (bit 2) or NoView (bit 6)."""
    widgets = [field, *[k for k in (field.get("/Kids", []) or []) if k.get("/T") is None]]
    try:
        flags = [int(w.get("/F", 0)) for w in widgets if w.get("/Subtype") == "/Widget" or w is field]
    except (TypeError, ValueError, pikepdf.PdfError):
        return False
    return bool(flags) and all(f & (2 | 32) for f in flags)


def _layers_off(pdf: pikepdf.Pdf) -> bool:
    """Whether the document's default view switches an optional-content group (a layer) off."""
    try:
        config = pdf.Root.get("/OCProperties", {}).get("/D", {})
        return bool(config.get("/OFF")) or str(config.get("/BaseState", "")) == "/OFF"
    except (AttributeError, pikepdf.PdfError):
        return False


#: actions visited at most (a chain of /Next actions, a name tree) per file
_MAX_ACTIONS = 10_000


def _js_code(action: object) -> str:
    """The code of one JavaScript action (its /JS a string or a stream).

    Raises:
        pikepdf.PdfError: the code's stream cannot be decoded (the caller fails closed).
    """
    if not isinstance(action, pikepdf.Dictionary) or action.get("/S") != "/JavaScript":
        return ""
    code = action.get("/JS")
    if isinstance(code, pikepdf.Stream):
        return code.read_bytes().decode("latin-1")
    return str(code) if code is not None else ""


def _actions(pdf: pikepdf.Pdf) -> Iterator[object]:
    """Every action a reader's viewer may run: the document's JavaScript name tree, its open
    action and additional actions, each page's and each annotation's, and their /Next chains."""
    todo: list[object] = []
    names = pdf.Root.get("/Names")
    tree = names.get("/JavaScript") if isinstance(names, pikepdf.Dictionary) else None
    nodes = [tree] if tree is not None else []
    while nodes and len(todo) < _MAX_ACTIONS:
        node = nodes.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        pairs = list(node.get("/Names", []) or [])
        todo.extend(pairs[1::2])
        nodes.extend(node.get("/Kids", []) or [])
    todo.append(pdf.Root.get("/OpenAction"))
    todo.extend((pdf.Root.get("/AA") or {}).values() if isinstance(pdf.Root.get("/AA"), pikepdf.Dictionary) else [])
    for page in pdf.pages:
        aa = page.obj.get("/AA")
        todo.extend(aa.values() if isinstance(aa, pikepdf.Dictionary) else [])
        for annot in page.obj.get("/Annots", []) or []:
            if isinstance(annot, pikepdf.Dictionary):
                todo.append(annot.get("/A"))
                aa = annot.get("/AA")
                todo.extend(aa.values() if isinstance(aa, pikepdf.Dictionary) else [])
    seen = 0
    while todo and seen < _MAX_ACTIONS:
        action = todo.pop()
        seen += 1
        if isinstance(action, pikepdf.Dictionary):
            yield action
            nxt = action.get("/Next")
            todo.extend(nxt if isinstance(nxt, pikepdf.Array) else [nxt] if nxt is not None else [])


def _javascript(pdf: pikepdf.Pdf, loc: Location) -> Iterator[Content]:
    """The string literals of the document's JavaScript: what a script shows or carries (an
    alert, an array of records) is text no reader of the page sees."""
    from spillguard.formats import scripts

    literals: list[str] = []
    try:
        for action in _actions(pdf):
            literals.extend(scripts.js_literals(_js_code(action)))
    except (pikepdf.PdfError, ValueError, AttributeError) as exc:
        # a broken action tree or a script that cannot be decoded: what it says is unknown
        yield Incomplete("SG906", f"the document's JavaScript cannot be read ({type(exc).__name__})",
                         loc.with_(part="JavaScript"))
    if literals:
        yield Text(loc.with_(part="JavaScript", line=1), Visibility.HIDDEN_TEXT, "\n".join(dict.fromkeys(literals)),
                   "JavaScript string literals")


def _unreadable() -> bytes:
    raise pikepdf.PdfError("the attached file's specification is damaged")


def _annotation_files(pdf: pikepdf.Pdf) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """Files attached to pages by /FileAttachment annotations (a paper-clip icon on the page):
    not in the document's EmbeddedFiles tree, published all the same."""
    for number, page in enumerate(pdf.pages, start=1):
        for annot in page.obj.get("/Annots", []) or []:
            try:
                if annot.get("/Subtype") != "/FileAttachment":
                    continue
                spec = annot.get("/FS")
                stream = spec.get("/EF", {}).get("/F") if isinstance(spec, pikepdf.Dictionary) else None
                name = str(spec.get("/UF", spec.get("/F", "file"))) if isinstance(spec, pikepdf.Dictionary) else "file"
            except (pikepdf.PdfError, ValueError, AttributeError):
                # a file attachment whose specification is broken: the caller reports SG901
                yield f"file (page {number} annotation)", _unreadable
                continue
            if isinstance(stream, pikepdf.Stream):
                yield f"{name} (page {number} annotation)", stream.read_bytes


def _attachments(pdf: pikepdf.Pdf, source: Source, ctx: Context, loc: Location) -> Iterator[Content]:
    files: list[tuple[str, Callable[[], bytes]]] = [
        (name, lambda spec=spec: spec.get_file().read_bytes()) for name, spec in pdf.attachments.items()]
    for name, read in [*files, *_annotation_files(pdf)]:
        where = loc.with_(part=f"attachment {name}")
        yield Notice("SG114", f"A file is attached to the PDF: {name}", where, Visibility.EMBEDDED_OBJECT,
                     "attached files are published with the PDF")
        if source.depth + 1 > ctx.limits.max_depth:
            yield Incomplete("SG903", f"attachment nested deeper than {ctx.limits.max_depth} levels (max_depth)", where)
            continue
        try:
            data = read()
        except pikepdf.PdfError:
            yield Incomplete("SG901", "an attached file cannot be decoded", where)
            continue
        for content in ctx.nested(Source(f"{source.name}!/{name}", data=data, depth=source.depth + 1)):
            if getattr(content, "visibility", None) is Visibility.VISIBLE:
                content.visibility = Visibility.EMBEDDED_OBJECT
            yield content


_EOF = re.compile(rb"%%EOF[ \t\r\n]*")


def _revisions(data: bytes, latest: set[str], loc: Location, linearized: bool = False) -> Iterator[Content]:
    """Each earlier revision (the file up to an earlier ``%%EOF``) is opened; lines of text
    it shows and the latest revision does not are what the update removed. That earlier
    revisions are kept at all is reported too (a reader of the file can open each), even when
    they show no text the latest does not."""
    ends = [m.end() for m in _EOF.finditer(data)][:-1][-MAX_REVISIONS:]
    if linearized and ends:
        ends = ends[1:]  # the first-page section of a linearised file ends with its own %%EOF
    opened = reported = 0
    for number, end in enumerate(ends, start=1):
        try:
            document = pdfium.PdfDocument(data[:end], password="")
        except pdfium.PdfiumError:
            continue  # a linearisation marker, not a revision a reader can open
        opened += 1
        try:
            removed = sorted(_lines(document) - latest)
        finally:
            document.close()
        if removed:
            reported += 1
            yield Text(loc.with_(part=f"revision {number} of {len(ends) + 1}", line=1), Visibility.EARLIER_REVISION,
                       "\n".join(removed), f"revision {number}, text removed later")
    if opened and not reported:  # a revision that removed text is reported with that text
        yield Notice("SG120", f"The PDF keeps {opened} earlier revision{'s' if opened > 1 else ''} "
                     "(incremental updates) a reader can open", loc.with_(part="earlier revisions"),
                     Visibility.EARLIER_REVISION, "each revision's text and properties are compared "
                     "with the latest: what they held is reported on its own; save the file anew (no "
                     "incremental update) to drop them")
