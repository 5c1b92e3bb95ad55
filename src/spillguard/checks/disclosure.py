"""Disclosure risk of tables (SG3xx): small cells and cells recoverable from totals in aggregate
tables, k-anonymity of row-level tables without names, and row-level tables where there should
be none.

A ``TableObserver`` sees every batch of a table on its way to the column profiler (one pass,
as everything else): it keeps a sample of the first rows (aggregates are small; the granularity
decision needs no more) and, for the quasi-identifier columns, the count of every combination
over *all* rows — memory bounded by the number of distinct combinations, not by rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from spillguard.checks.granularity import Shape, decide, numbers, suppressed
from spillguard.config import Disclosure
from spillguard.detect import columns
from spillguard.detect.columns import TableProfile, classify
from spillguard.formats.cells import col_letter
from spillguard.mask import mask_date, mask_generic
from spillguard.model import DIRECT_IDENTIFIERS, Entity, Finding, Table, Visibility
from spillguard.rules import RULES

SAMPLE_ROWS = 5_000
#: compact the running combination counts when this many partial rows pile up
_COMPACT_AT = 500_000
#: combinations kept at most (beyond: the table is too fine-grained to count: it is all uniques)
MAX_GROUPS = 5_000_000
_QI_HEADER = re.compile(
    r"(?i)\b(sex|gender|age|birth|born|dob|yob|zip|postal|post ?code|county|city|state|country|citizenship|"
    r"nationality|facility|race|ethnicity|language|marital|religion|occupation|date|book[- ]?in|arrest|"
    r"release|entry|apprehension|sexo|edad|nacionalidad|fecha)\b")
_QI_ENTITIES = {Entity.DATE_OF_BIRTH, Entity.NATIONALITY, Entity.FACILITY, Entity.ADDRESS}
_TOTAL = re.compile(r"(?i)^\s*(grand\s+)?total(es)?\b")
_DATE = re.compile(r"^\s*((?:19|20)\d\d)-(\d\d)(?:-(\d\d))?")


#: where a whole table can stand (the rest are fragments of one: hidden rows or columns of a sheet,
#: camouflaged cells, or one-record tables such as document properties and comment authors)
DATA_TABLE_PLACES = frozenset({Visibility.VISIBLE, Visibility.HIDDEN_SHEET, Visibility.VERY_HIDDEN_SHEET,
                               Visibility.PIVOT_CACHE, Visibility.EMBEDDED_OBJECT, Visibility.HIDDEN_SLIDE})


@dataclass(slots=True)
class TableSummary:
    """What a release diff compares: one per table of a scan."""

    file: str
    key: str
    sheet: str | None
    visibility: str
    headers: list[str]
    rows: int
    kind: str
    entities: list[str]
    #: the latest date the table's date-like cells hold (not birth dates), ISO ``YYYY-MM-DD``
    period: str | None = None
    why: str = ""


@dataclass(slots=True)
class Observed:
    shape: Shape
    findings: list[Finding] = field(default_factory=list)
    summary: TableSummary | None = None


def table_key(table: Table) -> str:
    """The table's identity across releases: its sheet (or part) and any non-positional range
    label — not the sheet's part name, which changes when sheets are reordered."""
    loc = table.location
    rng = loc.range or ""
    if re.match(r"^(?:[A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?|rows |columns |[A-Z]{1,3}\d+,)", rng):
        rng = ""  # a cell range moves as rows are added
    place = f"sheet '{loc.sheet}'" if loc.sheet else loc.part
    if table.visibility is Visibility.PIVOT_CACHE:
        # the source range (Data!A1:E6253) grows with its rows; the cache part is renumbered
        source = re.sub(r"!\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?$", "", rng).strip("'")
        place, rng = f"the pivot cache of '{source or loc.sheet or loc.part}'", ""
    return " › ".join(x for x in (place, rng) if x) or "(whole file)"


_FY = re.compile(r"(?i)\bFY\s?'?(\d{4}|\d{2})(?:[\s_-]*Q([1-4]))?|\b(20\d\d)[\s_-]*Q([1-4])\b"
                 r"|\bQ([1-4])[\s_-]*(20\d\d)\b")


def title_period(text: str) -> str | None:
    """``FY24_Q1`` → ``2024-03``, ``FY2023`` → ``2023-12``, ``2024 Q2`` → ``2024-06``: the end of
    the period named in a file or sheet name, as a sortable year-month."""
    best = None
    for m in _FY.finditer(text.replace("_", " ")):
        if m.group(1):
            year = int(m.group(1)) + (2000 if len(m.group(1)) == 2 else 0)
            quarter = int(m.group(2) or 4)
        elif m.group(3):
            year, quarter = int(m.group(3)), int(m.group(4))
        else:
            year, quarter = int(m.group(6)), int(m.group(5))
        found = f"{year:04d}-{quarter * 3:02d}"
        best = found if best is None or found > best else best
    return best


class TableObserver:
    def __init__(self, table: Table, thresholds: Disclosure) -> None:
        self.table = table
        self.t = thresholds
        self.parts: list[pl.DataFrame] = []
        self.sample_rows = 0
        self.rows = 0
        self.qi: list[int] | None = None
        self.groups: list[pl.DataFrame] = []
        self.pending = 0
        self.too_fine = False
        self._row_sum = 0
        self._classified: list = []
        #: the batch ``_classified`` was decided on (the column profile reuses it for that batch)
        self._classified_on: pl.DataFrame | None = None
        self._layout: Shape | None = None
        self._layout_rows = 0

    def tee(self, batches: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
        for batch in batches:
            self._feed(batch)
            yield batch

    def classified(self, batch: pl.DataFrame) -> list | None:
        """The columns classified on this very batch's first rows, if they were (one pass, not two)."""
        return self._classified if batch is self._classified_on else None

    @property
    def digest(self) -> str:
        """Order-independent digest of every row (a sum of row hashes): rows may move, a changed
        value changes it."""
        return f"{self.rows}:{self._row_sum:016x}"

    def _feed(self, batch: pl.DataFrame) -> None:
        if batch.height == 0:
            return
        self._row_sum = (self._row_sum + int(batch.hash_rows(seed=7).sum() or 0)) % (1 << 64)
        if self.sample_rows < SAMPLE_ROWS:
            part = batch.head(SAMPLE_ROWS - self.sample_rows)
            self.parts.append(part)
            self.sample_rows += part.height
        if self.qi is None:
            self.qi = self._quasi_identifiers(batch.head(2_000)) if self._may_be_anonymous(batch) else []
        self.rows += batch.height
        if self.qi and not self.too_fine:
            cols = [pl.col(f"c{i}").str.strip_chars().fill_null("") for i in self.qi]
            self.groups.append(batch.select(cols).group_by(pl.all()).len())
            self.pending += self.groups[-1].height
            if self.pending > _COMPACT_AT:
                self._compact()

    def _compact(self) -> None:
        merged = pl.concat(self.groups).group_by([c for c in self.groups[0].columns if c != "len"]).agg(
            pl.col("len").sum())
        self.groups, self.pending = [merged], merged.height
        if merged.height > MAX_GROUPS:
            self.too_fine, self.groups = True, []

    def _may_be_anonymous(self, batch: pl.DataFrame) -> bool:
        """Only a row-level table without direct identifiers needs its combinations counted
        (decided on the first batch, so that other tables cost nothing more)."""
        if self.table.visibility not in DATA_TABLE_PLACES:
            return False
        head = batch.head(SAMPLE_ROWS)
        self._layout = decide(self.table.headers, head, None)
        self._layout_rows = head.height
        if self._layout.kind != "microdata":
            return False
        self._classified = classify(self.table.headers, batch.head(columns.SAMPLE_ROWS))
        self._classified_on = batch
        return not any(c.entity in DIRECT_IDENTIFIERS for c in self._classified)

    def _quasi_identifiers(self, sample: pl.DataFrame) -> list[int]:
        headers = self.table.headers
        if self.t.quasi_identifiers:
            wanted = {h.strip().lower() for h in self.t.quasi_identifiers}
            return [i for i, h in enumerate(headers) if h.strip().lower() in wanted]
        found = {c.index for c in self._classified if c.entity in _QI_ENTITIES}
        found |= {i for i, h in enumerate(headers) if h and _QI_HEADER.search(h)}
        return sorted(found)

    # -- after the table has been read ---------------------------------------------------------
    def finish(self, prof: TableProfile) -> Observed:
        table = self.table
        if table.visibility not in DATA_TABLE_PLACES:
            return Observed(Shape("unknown", "part of a table"))
        sample = pl.concat(self.parts) if self.parts else pl.DataFrame()
        same = self._layout if self._layout_rows == sample.height else None  # the sample is the first batch's
        shape = decide(table.headers, sample, prof, same) if sample.height else Shape("unknown", "empty")
        out = Observed(shape)
        out.summary = TableSummary(
            file=table.location.file, key=table_key(table), sheet=table.location.sheet,
            visibility=table.visibility.value,
            headers=list(table.headers), rows=prof.rows, kind=shape.kind,
            entities=[e.value for e in prof.entities], period=self._period(sample, prof), why=shape.why)
        if shape.kind == "aggregate" and table.row_aligned:
            out.findings += self._small_cells(sample, shape)
        if shape.kind == "microdata" and not any(c.entity in DIRECT_IDENTIFIERS for c in prof.columns):
            low = self._k_anonymity()
            if low is not None:
                out.findings.append(low)
        return out

    def _ref(self, row: int, col: int) -> str:
        numbers_ = self.table.row_numbers
        if numbers_ is not None and row < len(numbers_):
            return f"{col_letter(self.table.first_col + col)}{numbers_[row]}"
        header = self.table.headers[col] or f"column {col + 1}"
        return f"row {row + 1} '{header}'"

    def _finding(self, rule: str, title: str, refs: list[str], why: str, rows: int | None = None) -> Finding:
        shown = ", ".join(refs[:12]) + (f" … ({len(refs)} in all)" if len(refs) > 12 else "")
        return Finding(rule=rule, severity=RULES[rule].default, title=title,
                       location=self.table.location.with_(range=shown), visibility=self.table.visibility,
                       rows=rows, why=why)

    def _small_cells(self, sample: pl.DataFrame, shape: Shape) -> list[Finding]:
        m = self.t.min_cell
        if m <= 1 or not shape.counts:
            return []
        values = {j: numbers(sample.get_column(f"c{j}")).to_list() for j in shape.counts}
        hidden = {j: suppressed(sample.get_column(f"c{j}")).to_list() for j in shape.counts}
        small = [(i, j) for j in shape.counts for i, v in enumerate(values[j]) if v is not None and 1 <= v < m]
        small.sort()
        findings = []
        if small:
            n = len(small)
            findings.append(self._finding(
                "SG303", f"{n} small cell{'s' if n != 1 else ''} (1 to {m - 1}) in an aggregate table",
                [self._ref(i, j) for i, j in small],
                f"counts from 1 to {m - 1} can single people out (threshold min_cell = {m}; zeros are allowed)",
                rows=n))
        recovered = recoverable(sample, shape, values, hidden, self.table.headers)
        if recovered:
            n = len(recovered)
            findings.append(self._finding(
                "SG304", f"{n} suppressed cell{'s' if n != 1 else ''} recoverable from the totals",
                [self._ref(i, j) for i, j in recovered],
                "the cell is the only suppressed one in its row or column, and the total is published: "
                "subtracting the other cells from the total gives it back", rows=n))
        return findings

    def _k_anonymity(self) -> Finding | None:
        if not self.qi or not self.groups or self.too_fine:
            return None
        self._compact()
        if self.too_fine:
            return None
        counts = self.groups[0]
        k = int(counts.get_column("len").min() or 0)
        if k >= self.t.k:
            return None
        sizes = counts.get_column("len")
        below = int(sizes.filter(sizes < self.t.k).sum())
        unique = int(sizes.filter(sizes == 1).sum())
        total = int(sizes.sum())
        worst = counts.sort("len").head(3)
        names = [self.table.headers[i] or f"column {i + 1}" for i in self.qi]
        combos = []
        for row in worst.iter_rows():
            cells = [_mask_value(str(v)) for v in row[:-1]]
            combos.append(" / ".join(cells) + f" (k={row[-1]})")
        title = (f"Row-level table without names, but {below:,} of {total:,} records "
                 f"({below / max(total, 1):.0%}) are in groups smaller than k = {self.t.k}")
        why = (f"quasi-identifiers: {', '.join(names)}; smallest group k = {k}; "
               f"{unique:,} records ({unique / max(total, 1):.0%}) are unique; worst: {'; '.join(combos)}")
        f = Finding(rule="SG305", severity=RULES["SG305"].default, title=title, location=self.table.location,
                    visibility=self.table.visibility, records=below, rows=total, why=why)
        return f

    def _period(self, sample: pl.DataFrame, prof: TableProfile) -> str | None:
        """The latest year-month(-day) in label cells that are not birth dates."""
        skip = {c.index for c in prof.columns if c.entity is Entity.DATE_OF_BIRTH}
        latest: str | None = None
        have = set(sample.columns)
        wanted = [f"c{i}" for i in range(len(self.table.headers)) if i not in skip and f"c{i}" in have]
        if wanted and sample.height:  # one query over every column (a table may be thousands wide)
            found = sample.select(pl.col(wanted).str.extract(_DATE.pattern, 0))
            need = max(1, sample.height // 2)
            for n, top in zip(found.count().row(0), found.max().row(0), strict=True):
                if n >= need and top is not None:
                    latest = str(top) if latest is None or str(top) > latest else latest
        named = [m.group(0).strip() for h in self.table.headers if (m := _DATE.match(h or ""))]
        named += [p for p in (title_period(self.table.location.sheet or ""),) if p]
        for d in named:
            latest = d if latest is None or d > latest else latest
        return latest


def _mask_value(value: str) -> str:
    if _DATE.match(value):
        return mask_date(value)
    return mask_generic(value) if value else "(blank)"


def margins(sample: pl.DataFrame, shape: Shape, headers: list[str]) -> tuple[int | None, int | None]:
    """The total column (by its header) and the total row (by its label), when published."""
    total_col = next((j for j in shape.counts if _TOTAL.match(headers[j] or "")), None)
    total_row = None
    if shape.labels:
        labels = sample.get_column(f"c{shape.labels[0]}").fill_null("").to_list()
        total_row = next((i for i, v in enumerate(labels) if _TOTAL.match(v)), None)
    return total_col, total_row


def recoverable(sample: pl.DataFrame, shape: Shape, values: dict[int, list[float | None]],
                 hidden: dict[int, list[bool]], headers: list[str]) -> list[tuple[int, int]]:
    """Suppressed cells that subtraction from a published total gives back (one- and two-way
    tables with margins), propagated until nothing more can be recovered."""
    cols = shape.counts
    total_col, total_row = margins(sample, shape, headers)
    if total_col is None and total_row is None:
        return []
    inner = [j for j in cols if j != total_col]
    rows = [i for i in range(sample.height) if i != total_row]
    unknown = {(i, j) for j in inner for i in rows if hidden[j][i]}
    start = set(unknown)
    changed = True
    while changed and unknown:
        changed = False
        if total_col is not None:
            for i in rows:
                if values[total_col][i] is None:
                    continue
                missing = [(i, j) for j in inner if (i, j) in unknown]
                if len(missing) == 1:  # the other cells are published or already recovered
                    unknown.discard(missing[0])
                    changed = True
        if total_row is not None:
            for j in inner:
                if values[j][total_row] is None:
                    continue
                missing = [(i, j) for i in rows if (i, j) in unknown]
                if len(missing) == 1:
                    unknown.discard(missing[0])
                    changed = True
    return sorted(start - unknown)
