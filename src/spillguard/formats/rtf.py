"""RTF documents, read by a tokenizer of the RTF 1.9.1 specification (no maintained Python
library reads RTF's hidden places: hidden text, annotations, revisions).

Every group is walked with its character state. Body text, headers, footers and footnotes are
in plain view; ``\\v`` text is hidden text; ``\\deleted`` and ``\\revised`` runs are tracked
changes; white (``\\cf`` of a white colour-table entry) and tiny (``\\fs`` 4 and below) text is
camouflaged; annotations (``\\*\\annotation`` with ``\\*\\atnauthor``) are comments; ``\\info``
(author, operator, company, title, comments…), user properties and the revision-author table
are metadata; field instructions (``\\*\\fldinst``: hyperlink targets, mail-merge fields) are
hidden text. Embedded objects (``\\objdata``) and pictures (``\\pict``) are decoded from their
hex and scanned with the whole registry. Text of destinations this reader does not know is not
dropped: it is reported as metadata naming the destination (nothing goes unread).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace

from spillguard.errors import CorruptFile, ResourceLimit
from spillguard.formats.base import Context, Source
from spillguard.formats.cells import record_table
from spillguard.model import Content, Incomplete, Location, Notice, Text, Visibility

NAME = "rtf"

_TOKEN = re.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\([^a-zA-Z])|([{}])|[\r\n]+|"
                    rb"([^\\{}\r\n]+)", re.S)
#: groups nested deeper than this are a parser bomb (Word writes a few dozen at most)
MAX_DEPTH = 512

#: destinations that hold no text a reader of the document could meet
_NO_TEXT = frozenset({
    "fonttbl", "colortbl", "stylesheet", "listtable", "listoverridetable", "rsidtbl", "generator",
    "themedata", "colorschememapping", "latentstyles", "datastore", "xmlnstbl", "pgdsctbl", "filetbl",
    "mmathPr", "wgrffmtfilter", "panose", "falt", "fontemb", "fontfile", "fname", "listlevel",
    "listname", "leveltext", "levelnumbers", "listpicture", "bkmkstart", "bkmkend", "atnid", "atndate",
    "atnref", "atntime", "atnparent", "atrfstart", "atrfend", "creatim", "revtim", "printim", "buptim",
    "sn", "nonshppict", "defchp", "defpap", "passwordhash", "xmlattrname", "xmlattrvalue", "xmlopen",
    "xmlclose", "fldtype", "blipuid", "picprop", "objclass", "objname", "objtime", "fchars", "lchars",
    "ftnsep", "ftnsepc", "aftnsep", "aftnsepc", "pnseclvl", "lsdlockedexcept", "background", "docvar",
    "formfield", "datafield", "ffname", "ffdeftext", "ffformat", "ffhelptext", "ffstattext", "ffentrymcr",
    "ffexitmcr", "ffl", "pn", "tc", "tcn", "rxe", "txe", "xe", "bkmkcolf", "bkmkcoll", "shpinst",
    "protusertbl", "ud", "upr", "pntxta", "pntxtb", "mmath", "wpjst", "oldcprops", "oldpprops",
    "oldsprops", "oldtprops"})
#: destinations whose text is in plain view
_VISIBLE = {"header": "header", "headerl": "header", "headerr": "header", "headerf": "header",
            "footer": "footer", "footerl": "footer", "footerr": "footer", "footerf": "footer",
            "footnote": "footnote", "shptxt": "text box", "fldrslt": None, "result": None, "sv": "shape",
            "pntext": None, "listtext": None, "field": None}
#: \info destinations → property names
_INFO = {"title": "title", "subject": "subject", "author": "author", "manager": "manager", "company": "company",
         "operator": "lastModifiedBy", "category": "category", "keywords": "keywords", "comment": "comments",
         "doccomm": "comments", "hlinkbase": "hyperlinkBase", "propname": "property", "staticval": "value"}
_PEOPLE = {"author", "manager", "lastModifiedBy"}
_BREAKS = {"par": "\n", "line": "\n", "sect": "\n", "page": "\n", "row": "\n", "tab": "\t", "cell": "\t",
           "emdash": "\u2014", "endash": "\u2013", "emspace": " ", "enspace": " ", "qmspace": " ",
           "bullet": "\u2022", "lquote": "\u2018", "rquote": "\u2019", "ldblquote": "\u201c",
           "rdblquote": "\u201d", "zwj": "", "zwnj": "", "chatn": ""}
_SYMBOLS = {b"~": "\u00a0", b"_": "\u2011", b"-": "", b"\\": "\\", b"{": "{", b"}": "}", b"|": "", b":": ""}


@dataclass(slots=True)
class _State:
    dest: str = ""  # "" = the body
    place: str = ""  # the story: body, header, footnote, annotation, info…
    hidden: bool = False
    deleted: bool = False
    inserted: bool = False
    colour: int = 0
    tiny: bool = False
    uc: int = 1
    skip: bool = False  # a destination with no text
    data: bool = False  # hex data of a picture or an object


class _Reader:
    def __init__(self, data: bytes, loc: Location) -> None:
        self.data, self.loc = data, loc
        self.codepage = "cp1252"
        self.colours: list[tuple[int, int, int] | None] = []
        self.rgb = [0, 0, 0]
        self.texts: dict[tuple[Visibility, str, str], list[str]] = defaultdict(list)
        self.info: dict[str, str] = {}
        self.authors: list[str] = []
        self.blobs: list[tuple[str, bytearray]] = []
        self.unclosed = 0  # groups still open at the end of the file

    # -- output ------------------------------------------------------------------------------
    def _emit(self, st: _State, text: str) -> None:
        if not text:
            return
        if st.place == "info":
            key = _INFO.get(st.dest)
            if key:
                self.info[key] = self.info.get(key, "") + text
            return
        if st.place == "atnauthor":
            self.authors[-1:] = [(self.authors[-1] if self.authors else "") + text]
            return
        if st.place == "revtbl":
            self.texts[(Visibility.METADATA, "revision table", "revision authors")].append(text)
            return
        if st.place.startswith("unknown:"):
            name = st.place[8:]
            self.texts[(Visibility.METADATA, name, f"text in the RTF destination \\{name}")].append(text)
            return
        if st.place == "fldinst":
            self.texts[(Visibility.HIDDEN_TEXT, "field codes", "field instructions")].append(text)
            return
        if st.place == "annotation":
            vis, label = Visibility.COMMENT, "annotations"
        elif st.deleted:
            vis, label = Visibility.TRACKED_CHANGE, "deleted text"
        elif st.inserted:
            vis, label = Visibility.TRACKED_CHANGE, "inserted text"
        elif st.hidden:
            vis, label = Visibility.HIDDEN_TEXT, "hidden text"
        elif st.tiny or self._white(st.colour):
            vis, label = Visibility.CAMOUFLAGED, "white or tiny text"
        else:
            vis, label = Visibility.VISIBLE, ""
        part = st.place if st.place in ("header", "footer", "footnote", "text box", "annotation") else "body"
        self.texts[(vis, part, label)].append(text)

    def _white(self, index: int) -> bool:
        if index <= 0 or index >= len(self.colours):
            return False
        rgb = self.colours[index]
        return rgb is not None and min(rgb) >= 245

    # -- the walk ----------------------------------------------------------------------------
    def run(self) -> None:
        data, pos, end = self.data, 0, len(self.data)
        st = _State()
        stack: list[_State] = []
        fresh = False  # the first control word of a group names its destination
        ignorable = False
        fallback = 0  # characters still to skip after a \uN
        while pos < end:
            m = _TOKEN.match(data, pos)
            if m is None:  # a lone backslash at the end
                break
            pos = m.end()
            word, arg, hexed, symbol, brace, plain = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), \
                m.group(6)
            if brace == b"{":
                stack.append(st)
                if len(stack) > MAX_DEPTH:
                    raise ResourceLimit(f"RTF groups nested deeper than {MAX_DEPTH} levels (depth limit)")
                st = replace(st)
                fresh, ignorable, fallback = True, False, 0
                continue
            if brace == b"}":
                st = stack.pop() if stack else st
                fresh, ignorable = False, False
                continue
            if symbol is not None:
                if symbol == b"*":
                    ignorable = True
                    continue
                if st.skip:
                    continue
                self._char(st, _SYMBOLS.get(symbol, ""), fallback)
                fallback = 0
                fresh = False
                continue
            if hexed is not None:
                if fallback:
                    fallback -= 1
                    continue
                if not st.skip and not st.data:
                    self._emit(st, bytes([int(hexed, 16)]).decode(self.codepage, "replace"))
                elif st.data:
                    self._hex(st, hexed)
                fresh = False
                continue
            if plain is not None:
                if st.skip:
                    if st.dest == "colortbl":
                        for _ in range(plain.count(b";")):
                            self.colours.append(tuple(self.rgb) if self.rgb != [-1, -1, -1] else None)  # type: ignore[arg-type]
                            self.rgb = [-1, -1, -1]
                    continue
                if st.data:
                    self._hex(st, plain)
                    continue
                text = plain.decode(self.codepage, "replace")
                if fallback:
                    text, fallback = text[fallback:], max(0, fallback - len(text))
                self._emit(st, text)
                fresh = False
                continue
            if word is None:
                continue  # a line break of the file: no text
            name = word.decode("ascii")
            value = int(arg) if arg is not None else None
            if name == "bin":  # raw binary data of N bytes
                pos += max(0, value or 0)
                continue
            if fresh or ignorable:
                was = st.dest
                self._destination(st, name, ignorable)
                fresh, ignorable = False, False
                if st.dest == name and was != name:  # the word named the group's destination
                    continue
            if st.data or (st.skip and st.dest != "colortbl"):
                continue
            fallback = self._control(st, name, value, fallback)
        self.unclosed = len(stack)

    def _hex(self, st: _State, chunk: bytes) -> None:
        if not self.blobs:
            return
        blob = self.blobs[-1][1]
        digits = re.sub(rb"[^0-9a-fA-F]", b"", chunk)
        if len(digits) % 2:
            digits = digits[:-1]
        blob.extend(bytes.fromhex(digits.decode("ascii")))

    def _char(self, st: _State, text: str, fallback: int) -> None:
        if not fallback and not st.data:
            self._emit(st, text)

    def _destination(self, st: _State, name: str, ignorable: bool) -> None:
        if name == "colortbl":
            st.dest, st.skip = name, True
            self.rgb = [-1, -1, -1]
        elif name in ("info", "userprops"):
            st.dest, st.place = name, "info"
        elif st.place == "info" and name in _INFO:
            st.dest = name
            key = _INFO[name]
            if self.info.get(key):
                self.info[key] += "; "
        elif name == "annotation":
            st.dest, st.place = name, "annotation"
        elif name == "atnauthor":
            st.dest, st.place = name, "atnauthor"
            self.authors.append("")
        elif name == "revtbl":
            st.dest, st.place = name, "revtbl"
        elif name == "fldinst":
            st.dest, st.place = name, "fldinst"
        elif name in ("pict", "objdata"):
            st.dest, st.data = name, True
            self.blobs.append((name, bytearray()))
        elif name in _VISIBLE:
            st.dest = name
            place = _VISIBLE[name]
            if place is not None and st.place in ("", "header", "footer", "footnote", "text box"):
                st.place = place
        elif name in _NO_TEXT or (st.place == "info"):
            st.dest, st.skip, st.data = name, True, False
        elif ignorable:
            st.dest, st.place = name, f"unknown:{name}"

    def _control(self, st: _State, name: str, value: int | None, fallback: int) -> int:
        on = value != 0
        if name in _BREAKS:
            self._char(st, _BREAKS[name], 0)
        elif name == "u" and value is not None:
            if not st.data and not st.skip:
                self._emit(st, chr(value + 65536 if value < 0 else value) if -65536 < value < 0x110000 else "")
            return st.uc
        elif name == "uc" and value is not None:
            st.uc = max(0, value)
        elif name == "ansicpg" and value:
            self.codepage = f"cp{value}" if _known(f"cp{value}") else self.codepage
        elif name == "v":
            st.hidden = on
        elif name == "deleted":
            st.deleted = on
        elif name == "revised":
            st.inserted = on
        elif name == "cf":
            st.colour = value or 0
        elif name == "fs":
            st.tiny = value is not None and 0 < value <= 4
        elif name == "plain":
            st.hidden = st.deleted = st.inserted = st.tiny = False
            st.colour = 0
        elif st.dest == "colortbl" and name in ("red", "green", "blue"):
            self.rgb[("red", "green", "blue").index(name)] = value or 0
            self.rgb = [0 if v < 0 else v for v in self.rgb]
        return fallback

    # -- contents ----------------------------------------------------------------------------
    def contents(self, source: Source, ctx: Context) -> Iterator[Content]:
        order = [Visibility.VISIBLE, Visibility.TRACKED_CHANGE, Visibility.HIDDEN_TEXT, Visibility.CAMOUFLAGED,
                 Visibility.COMMENT, Visibility.METADATA]
        for (vis, part, label), pieces in sorted(self.texts.items(), key=lambda kv: (order.index(kv[0][0]),
                                                                                     kv[0][1], kv[0][2])):
            text = "".join(pieces)
            if not text.strip():
                continue
            where = self.loc.with_(part=None if part == "body" else part, line=1)
            if vis is Visibility.COMMENT and self.authors:
                label = "annotations by " + ", ".join(sorted({a.strip() for a in self.authors if a.strip()}))
            yield Text(where, vis, _lines(text), label or None)
        people = {k: v.strip() for k, v in self.info.items() if k in _PEOPLE and v.strip()}
        for k, author in enumerate(sorted({a.strip() for a in self.authors if a.strip()})):
            people[f"annotation author {k + 1}"] = author
        if people:
            yield record_table(self.loc.with_(part="info"), Visibility.METADATA, people)
        other = [f"{k}: {v.strip()}" for k, v in self.info.items() if k not in _PEOPLE and v.strip()]
        if other:
            yield Text(self.loc.with_(part="info"), Visibility.METADATA, "\n".join(other), "document information")
        yield from self._blobs(source, ctx)

    def _blobs(self, source: Source, ctx: Context) -> Iterator[Content]:
        from spillguard.formats.ooxml_package import scan_embedded

        for k, (kind, blob) in enumerate(self.blobs, 1):
            if not blob:
                continue
            part = f"{'object' if kind == 'objdata' else 'picture'} {k}"
            where = self.loc.with_(part=part)
            if kind == "objdata":
                yield Notice("SG114", f"An embedded object travels inside the document: {part}", where,
                             Visibility.EMBEDDED_OBJECT, "embedded objects are published with the document")
                payload = _payload(bytes(blob))
                if payload is None:
                    # an object of a class no reader knows: its bytes to the catch-all, which
                    # decodes, reads the text or fails closed on what stays compressed
                    from spillguard.formats import catch_all

                    yield from catch_all.read_part(part, lambda b=bytes(blob): b, source, ctx, self.loc, "rtf",
                                                   f"an embedded object of class {_ole1_class(bytes(blob))}",
                                                   Visibility.EMBEDDED_OBJECT)
                    continue
                yield from scan_embedded(source, ctx, where, part, lambda p=payload: p)
            elif bytes(blob[:3]) == b"\xff\xd8\xff" or bytes(blob[:4]) == b"\x89PNG":
                yield from scan_embedded(source, ctx, where, part, lambda b=bytes(blob): b)


def _known(codec: str) -> bool:
    import codecs

    try:
        codecs.lookup(codec)
    except LookupError:
        return False
    return True


def _lines(text: str) -> str:
    return re.sub(r"[ \t]*\n[ \t]*", "\n", text).strip("\n")


_MAGIC = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"PK\x03\x04", b"%PDF")


def _ole1_class(blob: bytes) -> str:
    """The class name of an OLE1 object header (version, format id, length-prefixed name)."""
    if len(blob) < 12:
        return "unknown"
    n = int.from_bytes(blob[8:12], "little")
    name = blob[12:12 + min(n, 128)].rstrip(b"\x00").decode("latin-1", "replace")
    return name or "unknown"


def _payload(blob: bytes) -> bytes | None:
    """The file an OLE1 object carries: an OLE compound file, a zip package or a PDF inside it."""
    found = [i for i in (blob.find(m) for m in _MAGIC) if i >= 0]
    return blob[min(found):] if found else None


def visible_text(data: bytes) -> str:
    """The body text of an RTF document that a reader sees (no hidden text, revisions, notes)."""
    reader = _Reader(data, Location(file="rtf"))
    reader.run()
    return "".join("".join(pieces) for (vis, part, _), pieces in reader.texts.items()
                   if vis is Visibility.VISIBLE and part == "body")


def sniff(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"{\\rtf")


def read(source: Source, ctx: Context) -> Iterator[Content]:
    data = source.read_up_to(ctx.limits.max_file_bytes, "the RTF document")
    reader = _Reader(data, Location(file=source.name))
    try:
        reader.run()
    except RecursionError:
        raise CorruptFile("the RTF document's groups cannot be followed") from None
    yield from reader.contents(source, ctx)
    if reader.unclosed > 1:  # the document's own group closes last; more open ones: cut short
        yield Incomplete("SG901", f"the RTF document ends inside {reader.unclosed:,} open groups (truncated?): "
                         "what came before was read", Location(file=source.name))
