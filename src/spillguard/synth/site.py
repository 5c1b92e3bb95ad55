"""A generated public web site: many documents of mixed formats, most clean, some leaking —
for the parallel-scan tests and the whole-site benchmark (seeded, fictitious people only).

Kinds, in turn: a memo (.txt), a web page (.html), a data set (.json), a table (.csv), a workbook
(.xlsx), a PDF, a Word file (.docx, when python-docx is installed), and now and then a file that
cannot be inspected (a truncated workbook, an empty file). Every tenth document leaks."""

from __future__ import annotations

import html
import json
import random
from collections.abc import Callable
from pathlib import Path

from spillguard.synth.corpus import corpus as text_corpus
from spillguard.synth.people import Person, people

Writer = Callable[[Path, int, random.Random, list[Person], str], Path]


def _txt(folder: Path, i: int, rng: random.Random, roster: list[Person], prose: str) -> Path:
    path = folder / f"memo-{i:05d}.txt"
    path.write_text(prose, encoding="utf-8")
    return path


def _html(folder: Path, i: int, rng: random.Random, roster: list[Person], prose: str) -> Path:
    path = folder / f"page-{i:05d}.html"
    path.write_text(f"<!doctype html><html><head><title>Page {i}</title></head><body><main>"
                    f"<h1>Update {i}</h1><p>{html.escape(prose)}</p></main></body></html>", encoding="utf-8")
    return path


def _rows(i: int, rng: random.Random, roster: list[Person]) -> tuple[list[str], list[list[object]]]:
    if i % 10 == 3:  # a leaking extract
        sample = rng.sample(roster, 25)
        return (["Name", "A-Number", "Date of Birth", "Country"],
                [[p.name, p.a_number_as(0), p.birth.isoformat(), p.country] for p in sample])
    countries = ["Mexico", "Guatemala", "Honduras", "El Salvador", "Haiti", "Venezuela", "Cuba", "India"]
    return (["Country", "Detained", "Released"],
            [[c, rng.randint(20, 900), rng.randint(20, 900)] for c in countries])


def _json(folder: Path, i: int, rng: random.Random, roster: list[Person], prose: str) -> Path:
    headers, rows = _rows(i, rng, roster)
    path = folder / f"data-{i:05d}.json"
    path.write_text(json.dumps([dict(zip(headers, r, strict=True)) for r in rows]), encoding="utf-8")
    return path


def _csv(folder: Path, i: int, rng: random.Random, roster: list[Person], prose: str) -> Path:
    headers, rows = _rows(i, rng, roster)
    path = folder / f"table-{i:05d}.csv"
    path.write_text("\n".join(",".join(str(v) for v in r) for r in [headers, *rows]) + "\n", encoding="utf-8")
    return path


def _xlsx(folder: Path, i: int, rng: random.Random, roster: list[Person], prose: str) -> Path:
    from spillguard.synth.xlsx import Book

    headers, rows = _rows(i, rng, roster)
    book = Book()
    book.sheet("Data", [headers, *rows])
    path = folder / f"book-{i:05d}.xlsx"
    data = book.to_bytes()
    path.write_bytes(data[: len(data) // 2] if i % 53 == 4 else data)  # now and then truncated
    return path


def _pdf(folder: Path, i: int, rng: random.Random, roster: list[Person], prose: str) -> Path:
    from spillguard.synth.pdf import Pdf

    pdf = Pdf()
    page = pdf.page()
    for k, line in enumerate(prose.splitlines()[:40]):
        page.text(72, 740 - 14 * k, line[:95])
    path = folder / f"report-{i:05d}.pdf"
    path.write_bytes(pdf.to_bytes())
    return path


def _docx(folder: Path, i: int, rng: random.Random, roster: list[Person], prose: str) -> Path:
    try:
        from spillguard.synth.docx import Memo
    except ImportError:  # python-docx is a test/bench dependency
        return _txt(folder, i, rng, roster, prose)
    memo = Memo()
    for line in prose.splitlines():
        memo.para(line)
    path = folder / f"letter-{i:05d}.docx"
    path.write_bytes(memo.to_bytes())
    return path


def _empty(folder: Path, i: int, rng: random.Random, roster: list[Person], prose: str) -> Path:
    path = folder / f"upload-{i:05d}.bin"
    path.write_bytes(b"")
    return path


KINDS: list[Writer] = [_txt, _html, _json, _csv, _xlsx, _pdf, _docx]


def site(folder: Path, n: int, seed: int = 2024) -> list[Path]:
    """Write ``n`` documents under ``folder`` (in sub-folders of 500); return their paths."""
    rng = random.Random(seed)
    roster = list(people(500, seed=seed))
    texts = text_corpus(seed=seed, texts=120, tables=0).texts
    clean = [t.text for t in texts if not t.gold]
    leaking = [t.text for t in texts if t.gold]
    written = []
    for i in range(n):
        sub = folder / f"section-{i // 500:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        prose = leaking[i % len(leaking)] if i % 10 == 7 else clean[i % len(clean)]
        kind = _empty if i % 211 == 17 else KINDS[i % len(KINDS)]
        written.append(kind(sub, i, rng, roster, prose))
    return written
