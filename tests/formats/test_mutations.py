"""Mutated workbooks (seeded byte flips, cuts and stray markup inside parts) never crash the
scanner and never end as an internal error: each is read, or blocked with a named reason."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

from spillguard import scan
from spillguard.synth.people import Person, people
from spillguard.synth.xlsx import Book, PivotCache
from tests.helpers import write

INSERTS = [b"<", b">", b'"', b"&", b"<x>", b"</r>", b"999999999", b"-1", b"\xff\xfe"]


CSV_INSERTS = [b'"', b"\n", b"\r", b";", b"\t", b"\x00", b",,,,"]


def damage(data: bytearray, rng: random.Random, edits: int, max_cut: int, inserts: list[bytes]) -> None:
    """Flip bytes, cut runs, insert stray markup, in place."""
    for _ in range(edits):
        if not data:
            return
        pos, op = rng.randrange(len(data)), rng.random()
        if op < 0.4:
            data[pos] = rng.randrange(256)
        elif op < 0.7:
            del data[pos:pos + rng.randint(1, max_cut)]
        else:
            data[pos:pos] = rng.choice(inserts)


def base_workbook(people: list[Person]) -> bytes:
    book = Book()
    book.sheet("S", [["Name", "A-Number", "DOB"]] + [[p.name, p.a_number, p.birth] for p in people])
    book.sheet("H", [["x", 1]], state="hidden")
    book.extras.pivots.append(PivotCache(["Name", "Country"], [[p.name, p.country] for p in people],
                                         "Gone", indexed=("Country",)))
    book.wb.worksheets()[0].write_comment("A2", "note by Maria Gomez")
    return book.to_bytes()


def mutate(package: bytes, rng: random.Random) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(package))
    parts = {n: bytearray(src.read(n)) for n in src.namelist()}
    damage(parts[rng.choice(sorted(parts))], rng, rng.randint(1, 5), 50, INSERTS)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, body in parts.items():
            z.writestr(name, bytes(body))
    return out.getvalue()


def test_mutated_workbooks_are_read_or_blocked_with_a_reason(tmp_path: Path, roster: list[Person]) -> None:
    base = base_workbook(roster[:30])
    rng = random.Random(20221122)
    for i in range(120):
        write(tmp_path, f"m{i:03d}.xlsx", mutate(base, rng))
    report = scan([tmp_path])  # one batch: a bad file never stops the others
    assert report.stats.files == 120
    assert [e for e in report.errors if e.rule == "SG909"] == []
    assert all(e.reason for e in report.errors)
    # every file is accounted for: findings or a named error
    seen = {f.location.file.split("!/")[0] for f in report.findings} | {e.file for e in report.errors}
    assert len(seen) == 120


def test_mutated_csv_files_are_read_or_blocked_with_a_reason(tmp_path: Path) -> None:
    rng = random.Random(3)
    rows = "".join(f"{p.name},A{p.a_number},{p.birth}\n" for p in people(200, seed=9))
    base = "Name,A-Number,DOB\n" + rows
    for i in range(100):
        data = bytearray(base.encode(rng.choice(["utf-8", "utf-16", "cp1252", "utf-8-sig"])))
        damage(data, rng, rng.randint(1, 20), 30, CSV_INSERTS)
        write(tmp_path, f"c{i:03d}.csv", bytes(data))
    report = scan([tmp_path])
    assert [e for e in report.errors if e.rule == "SG909"] == []
    seen = {f.location.file for f in report.findings} | {e.file for e in report.errors}
    assert len(seen) == 100
    # a damaged roster is never silently passed: it is read (and blocked) or not inspectable
    assert report.decision == "block"
    blocked_files = {f.location.file for f in report.findings if f.severity >= report.fail_on}
    assert blocked_files == seen
