"""Disclosure risk: granularity, small cells (primary and recoverable from totals), k-anonymity
— each checked against a brute-force count over generated tables."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from spillguard.config import Disclosure
from spillguard.formats.cells import col_letter
from spillguard.synth.people import Person
from spillguard.synth.xlsx import Book
from tests.helpers import scan_one, summary, write

COUNTRIES = ["Guatemala", "Honduras", "Mexico", "El Salvador", "Ecuador", "Colombia", "Venezuela", "Haiti"]
FACILITIES = ["Stewart Detention Center", "Otay Mesa Detention Center", "Adelanto ICE Processing Center"]


def crosstab(seed: int) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = [["Country of Citizenship", *FACILITIES]]
    for c in COUNTRIES:
        rows.append([c, *[rng.choice([0, rng.randint(1, 10), rng.randint(11, 400)]) for _ in FACILITIES]])
    return rows


def microdata(seed: int, n: int) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = [["Nationality", "Facility", "Sex", "Book-in Date"]]
    for _ in range(n):
        rows.append([rng.choice(COUNTRIES), rng.choice(FACILITIES), rng.choice("MF"),
                     f"2026-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"])
    return rows


def workbook(*sheets: tuple[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> bytes:
    book = Book()
    for name, rows in sheets:
        book.sheet(name, rows, state="hidden" if name in hidden else "visible")
    return book.to_bytes()


def kinds(report) -> dict[str, str]:
    return {t.sheet: t.kind for t in report.tables}


def test_granularity_of_aggregate_microdata_and_identified_tables(tmp_path: Path, roster: list[Person]) -> None:
    data = workbook(("By country", crosstab(1)),
                    ("Monthly", [["Month", "Book-ins", "Releases"], *[[f"2026-{m:02d}", 100 + m, 90 + m]
                                                                      for m in range(1, 13)]]),
                    ("Records", microdata(2, 200)),
                    ("Roster", [["Name", "A-Number"], *[[p.name, p.a_number_as(0)] for p in roster[:20]]]),
                    ("Notes", [["Remark"], ["Figures are provisional"]]))
    report = scan_one(write(tmp_path, "stats.xlsx", data), disclosure=Disclosure(min_cell=1))
    assert kinds(report) == {"By country": "aggregate", "Monthly": "aggregate", "Records": "microdata",
                             "Roster": "microdata", "Notes": "unknown"}


def test_small_cells_at_their_exact_cells(tmp_path: Path) -> None:
    rows = crosstab(7)
    expected = [f"{col_letter(j)}{i + 1}" for i, row in enumerate(rows) for j, v in enumerate(row)
                if isinstance(v, int) and 1 <= v < 11]
    assert expected  # the seed produces some
    report = scan_one(write(tmp_path, "stats.xlsx", workbook(("By country", rows))))
    small = [f for f in report.findings if f.rule == "SG303"]
    assert len(small) == 1 and small[0].rows == len(expected)
    refs = small[0].location.range.split(" …")[0].split(", ")
    assert refs == sorted(expected, key=lambda r: (int(r[1:]), r[0]))[:12]


def test_zeros_and_large_counts_are_not_small(tmp_path: Path) -> None:
    rows = [["Country", "Detained"], *[[c, v] for c, v in zip(COUNTRIES, [0, 11, 40, 0, 12, 500, 33, 0], strict=True)]]
    report = scan_one(write(tmp_path, "stats.xlsx", workbook(("S", rows))))
    assert report.findings == []


def test_an_aggregate_with_statistical_shorthand_is_an_aggregate(tmp_path: Path) -> None:
    """Counts by country × age group × sex, unique on every row, with the markers statistics
    offices print instead of a number (ONS [c] [x], Census (X) (NA), '-' and '..'): categories
    with counts, not row-level records — no k-anonymity finding (SG305) and no SG301."""
    markers = ["[c]", "[x]", "-", "..", "(X)", "(NA)", ":", "[z]"]
    rows: list[list[object]] = [["Country of citizenship", "Age group", "Sex", "Detained"]]
    for k, (c, a, sx) in enumerate((c, a, sx) for c in COUNTRIES for a in ("18-24", "25-34", "35+") for sx in "MF"):
        rows.append([c, a, sx, markers[k % 8] if k % 3 == 0 else 20 + k])
    report = scan_one(write(tmp_path, "stats.xlsx", workbook(("By group", rows))))
    assert kinds(report) == {"By group": "aggregate"}
    assert report.findings == []


def test_number_of_headers_are_counts(tmp_path: Path) -> None:
    """'Number of book-ins' and 'No. of releases' count people: their small cells are small cells."""
    rows = [["Facility", "Number of book-ins", "No. of releases"],
            *[[f, v, w] for f, v, w in zip(FACILITIES, [3, 120, 40], [80, 7, 55], strict=True)]]
    report = scan_one(write(tmp_path, "stats.xlsx", workbook(("By facility", rows))))
    [small] = [f for f in report.findings if f.rule == "SG303"]
    assert (small.rows, small.location.range) == (2, "B2, C3")


def test_suppressed_cells_recoverable_from_totals(tmp_path: Path) -> None:
    rows = [["Country", "Male", "Female", "Total"],
            ["Guatemala", 120, "*", 124],      # alone in its row, total published: recoverable
            ["Honduras", "<5", "<5", 6],       # two in the row … but see the columns
            ["Mexico", 80, 95, 175],
            ["Total", 203, 102, 305]]          # column totals: Female = 102 − (?) − 95 − (?)
    report = scan_one(write(tmp_path, "sex.xlsx", workbook(("By sex", rows))))
    rec = [f for f in report.findings if f.rule == "SG304"]
    # C2 from its row; then B3 from column B (203 − 120 − 80); then C3 from its row or column
    assert len(rec) == 1 and rec[0].location.range == "C2, B3, C3"


def test_two_unrecoverable_suppressions_are_safe(tmp_path: Path) -> None:
    rows = [["Country", "Male", "Female", "Total"],
            ["Guatemala", "*", "*", 24],
            ["Honduras", "*", "*", 19],
            ["Mexico", 80, 95, 175]]
    report = scan_one(write(tmp_path, "sex.xlsx", workbook(("By sex", rows))))
    assert [f.rule for f in report.findings] == []


def test_k_anonymity_equals_a_brute_force_count(tmp_path: Path) -> None:
    rows = microdata(11, 400)
    groups = Counter(tuple(r) for r in rows[1:])
    k = min(groups.values())
    below = sum(n for n in groups.values() if n < 5)
    unique = sum(n for n in groups.values() if n == 1)
    report = scan_one(write(tmp_path, "records.xlsx", workbook(("Records", rows))))
    low = [f for f in report.findings if f.rule == "SG305"]
    assert len(low) == 1
    assert (low[0].records, low[0].rows) == (below, 400)
    assert f"smallest group k = {k};" in low[0].why and f"{unique:,} records" in low[0].why
    assert "Guatemala" not in low[0].why  # worst combinations are masked


def test_k_anonymity_across_many_batches(tmp_path: Path) -> None:
    rows = microdata(12, 3000)
    csv = "\n".join(",".join(map(str, r)) for r in rows).encode()
    groups = Counter(tuple(r) for r in rows[1:])
    below = sum(n for n in groups.values() if n < 5)
    from spillguard.config import Limits

    report = scan_one(write(tmp_path, "records.csv", csv), limits=Limits(batch_rows=256))
    low = next(f for f in report.findings if f.rule == "SG305")
    assert (low.records, low.rows) == (below, 3000)


def test_coarse_microdata_passes_k(tmp_path: Path) -> None:
    rng = random.Random(3)
    rows = [["Nationality", "Sex"], *[[rng.choice(COUNTRIES[:3]), rng.choice("MF")] for _ in range(300)]]
    report = scan_one(write(tmp_path, "records.xlsx", workbook(("Records", rows))))
    assert kinds(report) == {"Records": "microdata"}
    assert report.findings == []


def test_row_level_table_beside_aggregates(tmp_path: Path) -> None:
    data = workbook(("By country", [["Country", "Detained"], *[[c, 100 + i] for i, c in enumerate(COUNTRIES)]]),
                    ("Extract", microdata(5, 60)), hidden=("Extract",))
    report = scan_one(write(tmp_path, "stats.xlsx", data), disclosure=Disclosure(k=1))
    # nationalities and facilities alone are no per-person records; the sheet is still row-level
    assert summary(report) == [("SG101", "hidden_sheet", ("FACILITY", "NATIONALITY"), None),
                               ("SG301", "hidden_sheet", (), None)]
