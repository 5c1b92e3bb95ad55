"""Seeded benchmark inputs: a 1,000,000-row CSV roster and a 200,000-row workbook whose records
travel in a hidden sheet and in a pivot cache (source sheet deleted)."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl

from spillguard.synth.people import FAMILY, GIVEN, people
from spillguard.synth.xlsx import Book, PivotCache

HEADERS = ["Name", "A-Number", "Date of Birth", "Country of Citizenship", "Facility"]


def roster(n: int, seed: int = 11) -> pl.DataFrame:
    """``n`` rows built from 50,000 seeded people, repeated with distinct A-numbers and with
    names recombined (given name + two surnames from every pool), so that names are mostly
    distinct, as in a real roster, and no detector is flattered by repetition."""
    base = list(people(min(n, 50_000), seed=seed))
    given = [g for pool in GIVEN.values() for g in pool]
    family = [f for pool in FAMILY.values() for f in pool]
    rng = random.Random(seed)
    frame = pl.DataFrame({
        "Name": ["" for _ in base],
        "A-Number": [int(p.a_number) for p in base],
        "Date of Birth": [p.birth.isoformat() for p in base],
        "Country of Citizenship": [p.country for p in base],
        "Facility": [p.facility for p in base],
    })
    reps = -(-n // frame.height)
    out = pl.concat([frame.with_columns((pl.col("A-Number") + 40_000_000 * i) % 1_000_000_000)
                     for i in range(reps)]).head(n)
    initials = "ABCDEFGHIJKLMNOPRSTVWYZ"
    names = [f"{rng.choice(given)} {rng.choice(initials)}. {rng.choice(family)} {rng.choice(family)}"
             for _ in range(n)]
    out = out.with_columns(pl.Series("Name", names))
    return out.with_columns(pl.format("A{}", pl.col("A-Number").cast(pl.Utf8).str.zfill(9)).alias("A-Number"))


def csv_roster(path: Path, n: int = 1_000_000) -> Path:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        roster(n).write_csv(path)
    return path


def xlsx_roster(path: Path, n: int = 200_000) -> Path:
    if path.exists():
        return path
    frame = roster(n, seed=12)
    rows = frame.rows()
    book = Book(constant_memory=True)
    book.sheet("Summary", [["Facility", "Detainees"],
                           *frame.group_by("Facility").len().sort("Facility").rows()])
    book.sheet("Extract", [HEADERS, *rows], state="hidden")
    book.extras.pivots.append(PivotCache(HEADERS, rows, "Detainee extract",
                                         indexed=("Country of Citizenship", "Facility")))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(book.to_bytes())
    return path


def small_files(folder: Path) -> tuple[Path, Path]:
    """What a pre-commit or upload hook hands over: a three-row CSV and a three-row workbook."""
    folder.mkdir(parents=True, exist_ok=True)
    frame = roster(3, seed=13)
    csv_path, xlsx_path = folder / "small.csv", folder / "small.xlsx"
    if not csv_path.exists():
        frame.write_csv(csv_path)
    if not xlsx_path.exists():
        book = Book()
        book.sheet("Roster", [HEADERS, *frame.rows()])
        xlsx_path.write_bytes(book.to_bytes())
    return csv_path, xlsx_path


if __name__ == "__main__":
    import sys

    out = Path(sys.argv[1])
    csv_roster(out / "roster_1m.csv")
    xlsx_roster(out / "roster_200k.xlsx")
    small_files(out)
