"""Cell suppression for aggregate tables: primary (every count from 1 to min_cell − 1) and
secondary (in a row or column with a published total, a lone suppressed cell gets a partner —
the smallest other non-zero count — so that subtraction gives nothing back), repeated until
no row or column has a lone suppressed cell."""

from __future__ import annotations

import polars as pl

from spillguard.checks.disclosure import margins
from spillguard.checks.granularity import Shape


def suppression(sample: pl.DataFrame, shape: Shape, values: dict[int, list[float | None]],
                hidden: dict[int, list[bool]], headers: list[str], min_cell: int) -> list[tuple[int, int]]:
    """The cells (row index, column index) to replace with the marker."""
    cols = shape.counts
    already = {(i, j) for j in cols for i, h in enumerate(hidden[j]) if h}
    marked = {(i, j) for j in cols for i, v in enumerate(values[j]) if v is not None and 1 <= v < min_cell}
    total_col, total_row = margins(sample, shape, headers)
    inner = [j for j in cols if j != total_col]
    rows = [i for i in range(sample.height) if i != total_row]
    out = marked | already

    def partner(cells: list[tuple[int, int]]) -> tuple[int, int] | None:
        open_ = [(values[j][i], (i, j)) for i, j in cells if (i, j) not in out
                 and values[j][i] is not None and values[j][i] > 0]
        return min(open_)[1] if open_ else None

    changed = True
    while changed:
        changed = False
        if total_col is not None:
            for i in rows:
                line = [(i, j) for j in inner]
                if sum(1 for c in line if c in out) == 1 and (pick := partner(line)) is not None:
                    out.add(pick)
                    changed = True
        if total_row is not None:
            for j in inner:
                line = [(i, j) for i in rows]
                if sum(1 for c in line if c in out) == 1 and (pick := partner(line)) is not None:
                    out.add(pick)
                    changed = True
    return sorted(out - already)
