"""Column-wise profiling of a Table: classify on a sample, confirm and count on every row.

Classification looks at the first rows only (cheap); the counts that decide the gate are
computed over all rows, batch by batch, in Rust (polars). Memory is bounded by one batch
plus eight bytes per identified person (a hash, for counting distinct people).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

import polars as pl

from spillguard.detect import DETECTORS, Detector, public_role
from spillguard.detect.prose import ProseColumn, prose_columns, scan_column
from spillguard.detect.text import MIN_CONFIDENCE
from spillguard.model import IDENTIFIER_PRIORITY, Entity, Table

SAMPLE_ROWS = 2_000
SAMPLES_PER_COLUMN = 3
T = TypeVar("T")
R = TypeVar("R")


@dataclass(slots=True)
class ColumnProfile:
    index: int
    header: str
    detector: Detector
    header_hit: bool
    matches: int = 0
    non_empty: int = 0
    samples: list[str] = field(default_factory=list)
    #: matched values of one word (a name column: given names alone, as a frequency table lists them)
    single: int = 0

    @property
    def entity(self) -> Entity:
        return self.detector.entity

    @property
    def share(self) -> float:
        return self.matches / self.non_empty if self.non_empty else 0.0

    @property
    def confidence(self) -> float:
        """A header naming the entity and values that fit: 0.95+; values alone: by their share."""
        if self.header_hit:
            return round(min(0.99, 0.9 + self.share / 10), 2)
        return round(min(0.9, 0.4 + self.share / 2), 2)

    def explain(self) -> str:
        how = "header and values" if self.header_hit else "values"
        name = f"'{self.header}'" if self.header else f"column {self.index + 1}"
        return f"{name} → {self.entity.value} ({how}: {self.matches:,} of {self.non_empty:,})"


@dataclass(slots=True)
class TableProfile:
    rows: int = 0
    cells: int = 0
    columns: list[ColumnProfile] = field(default_factory=list)
    people: int | None = None
    #: free-text columns in which the text detectors found something
    prose: list[ProseColumn] = field(default_factory=list)
    #: why the table names people in a public role (officials, candidates), or None
    public_role: str | None = None
    #: its only identifier is one column of one-word names (given names or surnames alone)
    names_alone: bool = False

    @property
    def entities(self) -> list[Entity]:
        found = {col.entity for col in self.columns} | {e for p in self.prose for e in p.counts}
        return sorted(found, key=_entity_rank)


def _entity_rank(entity: Entity) -> int:
    order = [*IDENTIFIER_PRIORITY, *Entity]
    return order.index(entity)


def _non_empty(col: pl.Series) -> pl.Series:
    v = col.str.strip_chars().drop_nulls()
    return v.filter(v != "")


def filled_columns(sample: pl.DataFrame, width: int) -> list[int]:
    """Indices (below ``width``) of the sample's columns that hold a non-blank cell: one query
    over every column, so that a sheet thousands of columns wide and mostly empty costs its
    filled columns, not its width."""
    if width == 0 or sample.height == 0 or sample.width == 0:
        return []
    nulls = sample.null_count().row(0)  # kept by each column: no cell is read for this
    names = [name for name, n in zip(sample.columns, nulls, strict=True) if n < sample.height]
    if not names:
        return []
    row = sample.select(pl.col(names).str.strip_chars().ne("").any()).row(0)
    return sorted(i for name, hit in zip(names, row, strict=True)
                  if hit and name.startswith("c") and name[1:].isdigit() and (i := int(name[1:])) < width)


def classify(headers: list[str], sample: pl.DataFrame) -> list[ColumnProfile]:
    """Pick at most one entity per column from the header and a sample of values."""
    chosen: list[ColumnProfile] = []
    for i in filled_columns(sample, len(headers)):
        header = headers[i]
        values = _non_empty(sample.get_column(f"c{i}"))
        if values.is_empty():
            continue
        best: tuple[float, Detector, bool] | None = None
        has_digit = bool(values.str.contains(r"\d").any())
        has_letter = bool(values.str.contains(r"\p{L}").any())
        for det in DETECTORS:
            if (det.needs_digit and not has_digit) or (det.needs_letter and not has_letter):
                continue
            hit = det.header_hit(header)
            if det.needs_header and not hit:
                continue
            matched = det.match(values, hit)
            n = int(matched.sum())
            if not hit and n < min(det.min_matches_without_header, max(len(values), 3)):
                continue
            share = n / len(values)
            need = det.share_needed(header, hit)
            if share < need or not det.column_ok(values, matched, hit, header):
                continue
            score = share + (1.0 if hit else 0.0)
            if best is None or score > best[0]:
                best = (score, det, hit)
        if best is not None:
            chosen.append(ColumnProfile(i, header, best[1], best[2]))
    return chosen


def profile(table: Table, *, show_values: bool = False, min_confidence: float = MIN_CONFIDENCE,
            known: Callable[[pl.DataFrame], list[ColumnProfile] | None] | None = None) -> TableProfile:
    """Consume the table's batches once and return what it holds. ``known`` gives the columns
    already classified on a batch (the disclosure check's pass over the same first rows), if any.
    The columns of a batch are matched at once, a slice of rows per thread (polars works outside
    the GIL)."""
    result = TableProfile()
    hashes: list[pl.Series] = []
    prose: list[ProseColumn] = []
    classified = False
    offset = 0
    for batch in table.batches:
        if batch.height == 0:
            continue
        # columns with a cell at all (the null count is kept by each column: a wide, mostly empty
        # sheet costs its filled columns); rows and cells counted in one query
        held = [c for c, n in zip(batch.columns, batch.null_count().row(0), strict=True) if n < batch.height]
        if held:
            present = pl.col(held).str.strip_chars().fill_null("").str.len_chars().gt(0)
            rows, cells = batch.select(pl.any_horizontal(present).sum().alias("rows"),
                                       pl.sum_horizontal(present.sum()).alias("cells")).row(0)
            result.rows += int(rows)
            result.cells += int(cells)
        if not classified and result.rows:
            classified = True
            sample = batch.head(SAMPLE_ROWS)
            reused = known(batch) if known is not None else None
            result.columns = reused if reused is not None else classify(table.headers, sample)
            result.public_role = public_role.evidence(table.headers, sample)
            prose = prose_columns(table.headers, sample, {c.index for c in result.columns})
        for pc in prose:
            scan_column(pc, batch.get_column(f"c{pc.index}"), min_confidence=min_confidence,
                        show_values=show_values)
        matched_by: dict[int, tuple[pl.Series, pl.Series]] = {}
        pieces = _pieces(batch.height)
        jobs = [(col, batch.slice(start, length)) for col in result.columns for start, length in pieces]
        done = iter(parallel(_column_job, jobs))
        for col in result.columns:
            parts = [next(done) for _ in pieces]
            col.non_empty += sum(part.non_empty for part in parts)
            col.matches += sum(part.matches for part in parts)
            for part in parts:
                wanted = SAMPLES_PER_COLUMN - len(col.samples)
                if wanted > 0 and part.matches:
                    col.samples.extend(v if show_values else col.detector.mask(v)
                                       for v in part.filled.filter(part.matched).head(wanted).to_list())
            filled = pl.concat([part.filled for part in parts]) if len(parts) > 1 else parts[0].filled
            matched = pl.concat([part.matched for part in parts]) if len(parts) > 1 else parts[0].matched
            matched_by[col.index] = (filled, matched)
            if col.entity is Entity.PERSON_NAME:
                col.single += int((matched & ~filled.str.contains(r"\s", literal=False)).sum())
        key = _person_keys(result.columns, matched_by, batch.height, offset)
        offset += batch.height
        if key is not None:
            hashes.append(key.drop_nulls().hash())
    # Confirm on every row: a column whose share fell below the bar is dropped.
    result.columns = [c for c in result.columns if c.share >= _bar(c)]
    result.prose = [p for p in prose if p.counts]
    kept = {c.entity for c in result.columns}
    result.names_alone = _names_alone(result.columns)
    if hashes and kept & set(IDENTIFIER_PRIORITY) and not result.names_alone:
        result.people = pl.concat(hashes).n_unique()
    return result


#: this share of one-word values makes a lone name column a list of given names (or of surnames)
_ALONE_SHARE = 0.9


def _names_alone(columns: list[ColumnProfile]) -> bool:
    """The table's only identifier is one column of single names ("Michael", "James" with their
    share of births): names as categories of a frequency table, no one identified. Split name
    parts (first and last in two columns), a birth date or any other identifier identify."""
    ids = [c for c in columns if c.entity in IDENTIFIER_PRIORITY or c.entity is Entity.DATE_OF_BIRTH]
    return (len(ids) == 1 and ids[0].entity is Entity.PERSON_NAME and ids[0].matches > 0
            and ids[0].single >= _ALONE_SHARE * ids[0].matches)


class _Slice(NamedTuple):
    """One column of one slice of a batch: its values (trimmed, empty for a blank cell), which
    match, and how many are filled and match."""

    filled: pl.Series
    matched: pl.Series
    non_empty: int
    matches: int


def _column_job(job: tuple[ColumnProfile, pl.DataFrame]) -> _Slice:
    col, frame = job
    filled = frame.get_column(f"c{col.index}").str.strip_chars().fill_null("")
    nonempty = filled != ""
    matched = _match(col.detector, filled, col.header_hit) & nonempty
    return _Slice(filled, matched, int(nonempty.sum()), int(matched.sum()))


#: rows below which a column of a batch is not cut into slices for the threads
_MIN_SLICE = 32_768


def _pieces(height: int) -> list[tuple[int, int]]:
    """(start, length) slices of a batch: a slice per core of every column (of ``_MIN_SLICE`` rows
    at least), so that the threads share the work when one column (names) costs more than all the
    others together."""
    per_column = max(1, min(height // _MIN_SLICE, _cores()))
    step = -(-height // per_column)
    return [(start, min(step, height - start)) for start in range(0, height, step)] or [(0, 0)]


def _cores() -> int:
    """The cores this process's polars uses (a worker of a pool gets its share through
    ``POLARS_MAX_THREADS``): as many slices and threads, never more."""
    return max(1, pl.thread_pool_size())


_POOL: tuple[int, ThreadPoolExecutor] | None = None


def parallel(fn: Callable[[T], R], items: list[T]) -> list[R]:
    """``fn`` over ``items`` on a thread per core (this process's pool, made on first use: a
    worker forked later makes its own), results in order; one item runs here."""
    global _POOL
    if len(items) < 2 or _cores() < 2:
        return [fn(i) for i in items]
    if _POOL is None or _POOL[0] != os.getpid():
        _POOL = (os.getpid(), ThreadPoolExecutor(max_workers=min(8, _cores()),
                                                 thread_name_prefix="spillguard-columns"))
    return list(_POOL[1].map(fn, items))


def cell_entities(headers: list[str], frame: pl.DataFrame) -> dict[int, tuple[Entity, pl.Series]]:
    """Per column the scan would report: its entity and which cells match (for evaluation).
    The same classification, matching and confirmation as ``profile``."""
    out: dict[int, tuple[Entity, pl.Series]] = {}
    for col in classify(headers, frame.head(SAMPLE_ROWS)):
        filled = frame.get_column(f"c{col.index}").str.strip_chars().fill_null("")
        nonempty = filled != ""
        matched = _match(col.detector, filled, col.header_hit) & nonempty
        col.non_empty, col.matches = int(nonempty.sum()), int(matched.sum())
        if col.share >= _bar(col):
            out[col.index] = (col.entity, matched)
    return out


#: below this many rows, matching every value is as cheap as de-duplicating first
_DEDUP_MIN_ROWS = 4096


def _match(detector: Detector, values: pl.Series, header_hit: bool) -> pl.Series:
    """The detector's test on every row. Columns of repeated values (countries, facilities,
    birth dates) are tested once per distinct value and mapped back, in Rust."""
    if len(values) >= _DEDUP_MIN_ROWS and _repeats(values):
        distinct = values.unique()
        if len(distinct) * 2 <= len(values):
            hits = distinct.filter(detector.match(distinct, header_hit).fill_null(False))
            return values.is_in(hits.implode())
    return detector.match(values, header_hit).fill_null(False)


def _repeats(values: pl.Series) -> bool:
    """Whether a column repeats its values enough to be tested per distinct value: half the
    first rows repeat (countries, facilities), or a spread sample (16,384 rows, or a quarter of a
    shorter column) repeats a fifth of its values (birth dates: some ten thousand days over a
    hundred thousand rows), which means at most about a third of the whole column is distinct;
    the caller still checks the whole column's distinct count. Unique columns (names, A-numbers)
    cost two small hash passes."""
    if values.head(_DEDUP_MIN_ROWS).n_unique() * 2 <= _DEDUP_MIN_ROWS:
        return True
    size = min(_SPREAD_SAMPLE, len(values) // 4)
    if size < _DEDUP_MIN_ROWS:
        return False
    return values.gather_every(len(values) // size).head(size).n_unique() <= 0.8 * size


#: rows of the spread sample ``_repeats`` takes
_SPREAD_SAMPLE = 16_384


def _bar(col: ColumnProfile) -> float:
    return col.detector.share_needed(col.header, col.header_hit)


def _person_keys(columns: list[ColumnProfile], matched_by: dict[int, tuple[pl.Series, pl.Series]],
                 height: int, offset: int = 0) -> pl.Series | None:
    """Per row, the strongest identifier present: A-number before SSN ... before name.

    Weaker identifiers are normalised only for the rows the stronger ones left empty, so a
    roster with an A-number on every row never pays for normalising names. A name is no key
    of its own — two people share a name — so a row keyed by its name only is one person with
    its birth date (the same name and birth date on two rows are one person), and without one
    it is one person per row (``offset`` numbers the rows across batches).
    """
    dob = next((c for c in columns if c.entity is Entity.DATE_OF_BIRTH), None)
    ranked = sorted((c for c in columns if c.entity in IDENTIFIER_PRIORITY),
                    key=lambda c: IDENTIFIER_PRIORITY.index(c.entity))
    key: pl.Series | None = None
    for col in ranked:
        filled, matched = matched_by[col.index]
        need = matched if key is None else matched & key.is_null()
        if not need.any():
            continue
        idx = need.arg_true()
        norm = (pl.lit(f"{col.entity.value}:") + col.detector.normalize(filled.gather(idx)))
        if col.entity is Entity.PERSON_NAME:
            if dob is not None:
                born, born_ok = matched_by[dob.index]
                other = pl.when(born_ok.gather(idx)).then(born.gather(idx).str.replace_all(r"\s+", ""))
            else:
                other = pl.lit(None, dtype=pl.Utf8)
            row = pl.lit("row ") + (pl.Series(idx) + offset).cast(pl.Utf8)
            norm = norm + pl.lit("|") + pl.coalesce(other, row)
        values = pl.select(norm).to_series()
        if key is None:
            key = pl.Series("key", [None] * height, dtype=pl.Utf8)
        key = key.scatter(idx, values)
        if key.null_count() == 0:
            break
    return key
