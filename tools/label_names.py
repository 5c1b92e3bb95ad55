"""Print a seeded sample of table cells and text lines from a folder of real files, for a person
to label as names of people or not (``spillguard eval --names``). The labels file keeps only
SHA-256 digests; this tool shows the plaintext on the labeller's own terminal, nothing else.

    python tools/label_names.py ../shared/realworld cells 80 > /tmp/cells.tsv
    python tools/label_names.py ../shared/realworld lines 60 > /tmp/lines.tsv

Each row: id, file, digest, value. The labeller adds a column (1/0 for cells, a count for lines)
and ``--write`` turns the labelled TSV into the JSON labels.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from spillguard.evaluate_names import digest, read_contents

TABULAR = (".csv", ".xlsx", ".xls", ".ods", ".xlsb", ".tsv")
PROSE = (".pdf", ".docx", ".doc", ".odt", ".rtf", ".txt", ".html", ".pptx")


def sample(folder: Path, kind: str, n: int, seed: int = 30) -> list[tuple[str, str]]:
    import polars as pl

    from spillguard.model import Table, Text

    rng = random.Random(seed)
    entries = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    files = sorted(e["file"] for e in entries if e["file"].lower().endswith(TABULAR if kind == "cells" else PROSE))
    pool: list[tuple[str, str]] = []
    for name in files:
        picked: list[tuple[str, str]] = []
        for content in read_contents(folder / name):
            if kind == "cells" and isinstance(content, Table):
                batches = list(content.batches)
                if not batches:
                    continue
                frame = pl.concat(batches, how="diagonal_relaxed")
                for col in frame.columns:
                    values = [v for v in frame.get_column(col).drop_nulls().to_list() if any(c.isalpha() for c in v)]
                    picked += [(name, v) for v in rng.sample(values, min(2, len(values)))]
            elif kind == "lines" and isinstance(content, Text):
                lines = [ln for ln in content.text.split("\n")
                         if sum(w[:1].isupper() for w in ln.split()) >= 2 and len(ln) < 300]
                picked += [(name, ln) for ln in rng.sample(lines, min(3, len(lines)))]
        pool += rng.sample(picked, min(4, len(picked)))
    return rng.sample(pool, min(n, len(pool)))


def main() -> None:
    if sys.argv[1] == "--write":
        labels = []
        for line in Path(sys.argv[2]).read_text(encoding="utf-8").splitlines():
            _, kind, file, sha, value, note = line.split("\t")
            entry = {"kind": kind, "file": file, "sha256": sha, "note": note}
            entry.update({"person": value == "1"} if kind == "cell" else {"people": int(value)})
            labels.append(entry)
        print(json.dumps({"labels": labels}, indent=1, ensure_ascii=False))
        return
    folder, kind, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    for i, (name, value) in enumerate(sample(folder, kind, n)):
        print(f"{i}\t{kind[:-1]}\t{name}\t{digest(value)}\t{' '.join(value.split())[:160]}")


if __name__ == "__main__":
    main()
