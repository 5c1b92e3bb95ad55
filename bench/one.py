"""Run one measured job in a fresh process and print JSON: seconds, peak RSS, rows.

``python -m bench.one spillguard|pyarrow|calamine FILE``
"""

from __future__ import annotations

import json
import resource
import sys
import time


def spillguard_scan(path: str) -> int:
    from spillguard import scan

    report = scan([path])
    if report.errors:
        raise SystemExit(f"benchmark input was not fully inspected: {[e.rule for e in report.errors]}")
    return max((f.rows or 0) for f in report.findings)


def pyarrow_read(path: str) -> int:
    import pyarrow.csv as pacsv

    return pacsv.read_csv(path).num_rows


def calamine_read(path: str) -> int:
    import python_calamine as calamine

    book = calamine.CalamineWorkbook.from_path(path)
    rows = 0
    for name in book.sheet_names:
        rows = max(rows, len(book.get_sheet_by_name(name).to_python()))
    return rows


JOBS = {"spillguard": spillguard_scan, "pyarrow": pyarrow_read, "calamine": calamine_read}

#: modules each job imports before the clock starts: the interpreter's start and imports are the
#: same for any input size, and are not what is compared
IMPORTS = {"spillguard": ("spillguard.scan", "spillguard.execute.task", "spillguard.formats.csvfile",
                          "spillguard.formats.zipcontainer"), "pyarrow": ("pyarrow.csv",),
           "calamine": ("python_calamine",)}

if __name__ == "__main__":
    import importlib

    job, path = sys.argv[1], sys.argv[2]
    for module in IMPORTS[job]:
        importlib.import_module(module)
    started = time.perf_counter()
    rows = JOBS[job](path)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"job": job, "seconds": seconds, "peak_rss": peak, "rows": rows}))
