"""Free-text columns of a table ("Notes", "Comments", "Narrative"): the text detectors run over
their cells, because a column of sentences is never classified as one entity.

A column is prose when its sampled values are long and mostly contain spaces. Each batch's
cells are joined with newlines and analysed once; spans map back to rows by line.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from spillguard.detect import BY_ENTITY
from spillguard.detect.text import find_spans
from spillguard.model import DIRECT_IDENTIFIERS, Entity

#: a column is prose when its values average this many characters...
MIN_MEAN_CHARS = 25
#: ...and at least this share of them contain a space
MIN_SPACED = 0.5
MIN_VALUES = 3
SAMPLES = 3
#: this share of a free-text column's cells must name someone for its rows to be records
RECORD_SHARE = 0.5


@dataclass(slots=True)
class ProseColumn:
    index: int
    header: str
    counts: Counter[Entity] = field(default_factory=Counter)
    why: dict[Entity, str] = field(default_factory=dict)
    #: rows whose text holds a direct identifier (a name, an A-number...)
    rows_with_identifier: int = 0
    samples: list[str] = field(default_factory=list)
    confidence: float = 0.0
    #: non-empty cells read
    cells: int = 0

    @property
    def mentions_only(self) -> bool:
        """Names (and no other identifier) here are mentions, not a column of people: they stand in
        under half of the cells
        ("… conducted by Border Patrol" in a glossary), or the column is one of facilities and
        organisations (more facility names than person names: "PORT ISABEL", "Montgomery ICE")."""
        direct = sum(n for e, n in self.counts.items() if e in DIRECT_IDENTIFIERS)
        if not direct or direct != self.counts.get(Entity.PERSON_NAME, 0):
            return False  # an A-number, an SSN... beside a name is a record, however rare
        if self.cells and self.rows_with_identifier / self.cells < RECORD_SHARE:
            return True
        return self.counts.get(Entity.FACILITY, 0) >= direct

    def explain(self) -> str:
        name = f"'{self.header}'" if self.header else f"column {self.index + 1}"
        found = ", ".join(f"{e.value} {n:,}× ({self.why[e]})" for e, n in self.counts.items())
        return f"{name} (free text) → {found}"


def prose_columns(headers: list[str], sample: pl.DataFrame, taken: set[int]) -> list[ProseColumn]:
    from spillguard.detect.columns import filled_columns

    out: list[ProseColumn] = []
    for i in filled_columns(sample, len(headers)):
        header = headers[i]
        if i in taken:
            continue
        values = sample.get_column(f"c{i}").str.strip_chars().drop_nulls()
        values = values.filter(values != "")
        if len(values) < MIN_VALUES:
            continue
        mean = values.str.len_chars().mean() or 0
        spaced = values.str.contains(" ", literal=True).mean() or 0
        if mean >= MIN_MEAN_CHARS and spaced >= MIN_SPACED:  # type: ignore[operator]
            out.append(ProseColumn(i, header))
    return out


def scan_column(col: ProseColumn, values: pl.Series, *, min_confidence: float, show_values: bool) -> None:
    """Run the text detectors over one batch of the column's cells and add up what they find."""
    cells = values.str.strip_chars().fill_null("").str.replace_all("\n", " ", literal=True).to_list()
    text = "\n".join(cells)
    starts = [0]
    for cell in cells[:-1]:
        starts.append(starts[-1] + len(cell) + 1)
    rows: set[int] = set()
    col.cells += sum(1 for c in cells if c)
    for span in find_spans(text, min_confidence):
        col.counts[span.entity] += 1
        col.why.setdefault(span.entity, span.why)
        col.confidence = max(col.confidence, span.confidence)
        if span.entity in DIRECT_IDENTIFIERS:
            rows.add(bisect.bisect_right(starts, span.start) - 1)
        if len(col.samples) < SAMPLES and not any(s.startswith(span.entity.value) for s in col.samples):
            shown = span.value if show_values else BY_ENTITY[span.entity].mask(span.value)
            col.samples.append(f"{span.entity.value}: {shown}")
    col.rows_with_identifier += len(rows)
