"""CSV and other delimited text: nothing hides in a CSV, so keep-visible copies it; strict
blanks the identifying columns of a per-person table and suppresses the small cells of an
aggregate one — the same decisions as for a worksheet (the rows are read into the same grid).
Written back as UTF-8 with the file's own delimiter."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from spillguard.clean.model import Cleaned, Options
from spillguard.clean.xlsx import strict_grid
from spillguard.config import Config
from spillguard.formats.cells import cell_str
from spillguard.formats.csvfile import dialect

#: a CSV is cleaned in memory: larger ones are refused rather than half-done
MAX_BYTES = 64 * 1024 * 1024


def clean(path: Path, out: Path, opts: Options, config: Config) -> Cleaned:
    result = Cleaned(path.as_posix())
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        result.error = f"the CSV is over {MAX_BYTES // (1024 * 1024)} MiB: too large to clean in memory yet"
        return result
    found = dialect(raw[:65536])
    if found is None:
        result.error = "not a delimited table"
        return result
    encoding, delimiter = found
    rows = list(csv.reader(io.StringIO(raw.decode(encoding, errors="replace").lstrip("\ufeff")), delimiter=delimiter))
    cells: dict[tuple[int, int], object] = {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row) if v}
    if opts.mode == "strict":
        strict_grid(cells, path.name, opts, result.removed)
    width = max((len(r) for r in rows), default=0)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    for r in range(len(rows)):
        writer.writerow([cell_str(cells.get((r, c))) or "" for c in range(width)])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(buf.getvalue(), encoding="utf-8")
    result.outputs.append(out.as_posix())
    result.kept["rows"] = len(rows)
    return result
