"""Seed inputs for each fuzzed reader, built by the same seeded generators as the tests."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable

from spillguard.synth.people import people

ROSTER = list(people(40, seed=7))


def xlsx() -> bytes:
    from spillguard.synth.xlsx import Book, PivotCache

    book = Book()
    book.sheet("S", [["Name", "A-Number", "DOB"], *[[p.name, p.a_number, p.birth] for p in ROSTER]])
    book.sheet("H", [["x", 1]], state="hidden")
    book.extras.pivots.append(PivotCache(["Name", "Country"], [[p.name, p.country] for p in ROSTER], "Gone",
                                         indexed=("Country",)))
    book.wb.worksheets()[0].write_comment("A2", f"note by {ROSTER[0].name}")
    return book.to_bytes()


def xlsb() -> bytes:
    from spillguard.synth.xlsb import BinaryBook

    book = BinaryBook(creator=ROSTER[1].name)
    book.sheet("S", [["Name", "A-Number"], *[[p.name, p.a_number] for p in ROSTER]], hidden_rows={3}, hidden_cols={1},
               comments=[(1, 1, ROSTER[2].name, f"note on {ROSTER[0].name}")])
    book.sheet("H", [["x", 1]], state=2)
    return book.to_bytes()


def docx() -> bytes:
    from spillguard.synth.docx import Memo

    memo = Memo()
    para = memo.para(f"Case of {ROSTER[1].name}, A{ROSTER[1].a_number}, born {ROSTER[1].birth}.")
    memo.deleted(para, f" Also {ROSTER[2].name}.")
    memo.para("Quarterly figures follow.")
    return memo.to_bytes()


def pptx() -> bytes:
    from spillguard.synth.pptx import Deck

    deck = Deck()
    deck.slide(f"Detainee {ROSTER[3].name} (A{ROSTER[3].a_number})")
    deck.slide("Hidden", hidden=True)
    return deck.to_bytes()


def odt() -> bytes:
    from spillguard.synth.odf import Letter

    doc = Letter()
    doc.para(f"{ROSTER[4].name}, A{ROSTER[4].a_number}")
    return doc.to_bytes()


def pdf() -> bytes:
    from spillguard.synth.pdf import Pdf

    doc = Pdf()
    page = doc.page()
    page.text(72, 700, f"{ROSTER[5].name} A{ROSTER[5].a_number}")
    page.box(70, 695, 200, 16)
    doc.info["Author"] = ROSTER[6].name
    return doc.to_bytes()


def html() -> bytes:
    rows = "".join(f"<tr><td>{p.name}</td><td>A{p.a_number}</td></tr>" for p in ROSTER[:10])
    return (f"<!doctype html><html><head><title>t</title><meta name='author' content='{ROSTER[7].name}'>"
            f"</head><body><!-- {ROSTER[8].name} --><table>{rows}</table></body></html>").encode()


def json_() -> bytes:
    return json.dumps([{"name": p.name, "a_number": f"A{p.a_number}", "dob": p.birth.isoformat()}
                       for p in ROSTER]).encode()


def csv() -> bytes:
    return ("Name,A-Number,Date of Birth\n" + "".join(f"{p.name},A{p.a_number},{p.birth}\n" for p in ROSTER)).encode()


def image() -> bytes:
    from spillguard.synth.image import picture

    return picture(artist=ROSTER[9].name, description=f"A{ROSTER[9].a_number}", gps=(38.9, -77.0))


def zip_() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("data/roster.csv", csv())
        z.writestr("docs/page.html", html())
        z.writestr("inner.zip", _inner())
    return out.getvalue()


def _inner() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("memo.txt", f"Re: {ROSTER[10].name}, A{ROSTER[10].a_number}\n")
    return out.getvalue()


def access_log() -> bytes:
    from spillguard.synth import accesslog

    published = dt.datetime(2022, 11, 30, 14, 45, tzinfo=dt.UTC)
    requests, _ = accesslog.scenario("/stats/FY24.xlsx", 120_000, published, published + dt.timedelta(hours=4),
                                     seed=3, noise=40)
    return "".join(accesslog.combined(requests)).encode()


def rtf() -> bytes:
    def esc(t: str) -> str:
        return "".join(ch if ord(ch) < 128 else f"\\u{ord(ch)}?" for ch in t)

    a, b, c = ROSTER[:3]
    return ("{\\rtf1\\ansi{\\fonttbl{\\f0 Times;}}{\\colortbl;\\red255\\green255\\blue255;}"
            f"{{\\info{{\\author {esc(a.name)}}}}}\\pard Statistics.\\par{{\\v {esc(b.name)} A# {b.a_number}}}"
            f"{{\\*\\atnauthor RU}}\\chatn{{\\*\\annotation {esc(c.name)} A# {c.a_number}}}\\par}}").encode()


def msg() -> bytes:
    from spillguard.synth.msg import Attachment, Message

    a, b = ROSTER[:2]
    return Message(subject=f"Transfer of {a.name}", sender="Records Unit", to=[(b.name, "c@example.org")],
                   body=f"{a.name} A# {a.a_number} was moved.",
                   attachments=[Attachment("roster.csv", csv())]).to_bytes()


def epub() -> bytes:
    from spillguard.synth.epub import Book

    a, b = ROSTER[:2]
    return Book(creators=[a.name], pages=[("c1.xhtml", f"<p>{b.name} A# {b.a_number}</p>", True)],
                extra={"OEBPS/roster.csv": csv()}).to_bytes()


#: reader → (seed builder, file suffix, zip-aware mutation)
SEEDS: dict[str, tuple[Callable[[], bytes], str, bool]] = {
    "xlsx": (xlsx, ".xlsx", True), "xlsb": (xlsb, ".xlsb", True), "docx": (docx, ".docx", True),
    "pptx": (pptx, ".pptx", True),
    "odf": (odt, ".odt", True), "pdf": (pdf, ".pdf", False), "html": (html, ".html", False),
    "json": (json_, ".json", False), "csv": (csv, ".csv", False), "image": (image, ".jpg", False),
    "zip": (zip_, ".zip", True), "access-log": (access_log, ".log", False),
    "rtf": (rtf, ".rtf", False), "msg": (msg, ".msg", False), "epub": (epub, ".epub", True),
}
