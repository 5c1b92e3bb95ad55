"""Kept cells of a worksheet, and a sheet view of them that the scanner's grid reader takes, so
that what the cleaner decides on is the table the re-scan will see."""

from __future__ import annotations

from collections.abc import Iterator


class MemorySheet:
    """``{(row0, col0): value}`` seen through the calamine sheet interface SheetGrid reads."""

    def __init__(self, cells: dict[tuple[int, int], object]) -> None:
        self.cells = cells
        if cells:
            rows = [r for r, _ in cells]
            cols = [c for _, c in cells]
            self.start: tuple[int, int] | None = (min(rows), min(cols))
            self.end = (max(rows), max(cols))
        else:
            self.start, self.end = None, (0, 0)
        self.width = self.end[1] - self.start[1] + 1 if self.start else 0
        self.height = self.end[0] + 1 if self.start else 0

    def iter_rows(self) -> Iterator[list[object]]:
        assert self.start is not None
        c0, c1 = self.start[1], self.end[1]
        for r in range(self.end[0] + 1):
            yield [self.cells.get((r, c), "") for c in range(c0, c1 + 1)]
