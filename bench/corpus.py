"""``make bench-corpus`` (part of ``make bench``): a whole generated site of 10,000 mixed
documents (text, HTML, JSON, CSV, xlsx, PDF, docx; 1 in 10 leaking, a few unreadable) scanned by
the CLI with ``--jobs 1``, ``--jobs 2`` and ``--dask local:2``, each in its own process, with the
same report every time (checked). Target (issue 10): ≥ 1.8× on two cores.

``--jobs 1`` is measured twice: as it runs by default (polars with its thread pool on every core)
and with ``POLARS_MAX_THREADS=1`` (what each worker of a pool gets). The speed-up is taken against
the faster of the two, so it is the gain of the workers alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).parent / "out"
DOCS = int(os.environ.get("SPILLGUARD_BENCH_DOCS", "10000"))


def site_folder(n: int) -> Path:
    folder = OUT / f"site_{n}"
    done = OUT / f"site_{n}.complete"
    if not done.exists():
        import shutil

        from spillguard.synth.site import site

        shutil.rmtree(folder, ignore_errors=True)
        site(folder, n, seed=2024)
        done.touch()
    return folder


def run(folder: Path, args: list[str], env: dict[str, str] | None = None) -> tuple[float, dict]:
    report = OUT / "corpus-report.json"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "spillguard", "scan", str(folder), *args, "-f", "json", "-o",
                           str(report)], env={**os.environ, **(env or {})}, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"scan {' '.join(args)} failed: {done.stderr[-2000:]}")
    data = json.loads(report.read_text())
    data["stats"].pop("seconds")
    return seconds, data


def _burn(n: int) -> float:
    started = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i
    return time.perf_counter() - started


def ceiling(cores: int) -> float:
    """What this machine gives two processes of pure Python arithmetic (no I/O, nothing shared):
    the most any pool can get here. Virtual machines often give less than the number of cores."""
    from multiprocessing import get_context

    n = 30_000_000
    best = 0.0
    with get_context("forkserver").Pool(cores) as pool:
        for _ in range(3):  # best of three: a shared machine's neighbours come and go
            started = time.perf_counter()
            for _ in range(cores):
                _burn(n)
            alone = time.perf_counter() - started
            started = time.perf_counter()
            pool.map(_burn, [n] * cores)
            best = max(best, alone / (time.perf_counter() - started))
    return best


def main() -> int:
    cores = len(os.sched_getaffinity(0))
    print(f"generating {DOCS:,} documents (cached in bench/out/) ...", flush=True)
    started = time.perf_counter()
    folder = site_folder(DOCS)
    files = [p for p in folder.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"  {len(files):,} files, {size / 2**20:,.1f} MiB ({time.perf_counter() - started:.0f} s)")
    runs = {}
    for label, args, env in (("--jobs 1", ["--jobs", "1"], None),
                             ("--jobs 1, POLARS_MAX_THREADS=1", ["--jobs", "1"], {"POLARS_MAX_THREADS": "1"}),
                             ("--jobs 2", ["--jobs", "2"], None),
                             ("--dask local:2", ["--dask", "local:2"], None)):
        seconds, data = run(folder, args, env)
        runs[label] = (seconds, data)
        print(f"  {label:<32} {seconds:7.1f} s  {len(files) / seconds:7.0f} documents/s  "
              f"{len(data['findings']):,} findings, decision {data['decision']}", flush=True)
    limit = ceiling(cores)
    print(f"  this machine's ceiling: {cores} processes of pure arithmetic run {limit:.2f}x as fast as one")
    first = runs["--jobs 1"][1]
    same = all(data == first for _, data in runs.values())
    serial = min(runs["--jobs 1"][0], runs["--jobs 1, POLARS_MAX_THREADS=1"][0])
    ok = same
    print(f"  same report from every run: {'yes' if same else 'NO'}")
    for label in ("--jobs 2", "--dask local:2"):
        ratio = serial / runs[label][0]
        verdict = "ok" if ratio >= 1.8 else "MISSED"
        ok &= verdict == "ok"
        print(f"  speed-up {label} over the faster --jobs 1 on {cores} cores: {ratio:.2f}x (target ≥ 1.8x): "
              f"{verdict}; {ratio / limit:.0%} of the machine's ceiling")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
