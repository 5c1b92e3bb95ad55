"""``make bench``: spillguard against the bare readers it builds on, measured in the same run,
then the whole-site corpus (``bench.corpus``) and the scaling curve (``bench.scaling``).

Each job runs in its own process (peak RSS is per process), best of ``REPEAT`` runs.
Targets (issue 10): time ratio ≤ 2 against the bare reader; peak RSS ≤ 500 MB for the workbook
(≤ 1 GiB for the CSV).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).parent / "out"
REPEAT = 3
GiB = 1024**3


def measure(job: str, path: Path, repeat: int = REPEAT) -> dict[str, float]:
    """Best of ``repeat`` runs of ``bench.one`` (each in its own process)."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-m", "bench.one", job, str(path)], capture_output=True,
                             text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return min(runs, key=lambda r: r["seconds"])


def main() -> int:
    print("generating inputs (cached in bench/out/) ...", flush=True)
    # in a child process: a forked job would otherwise report this process's peak RSS as its own
    subprocess.run([sys.executable, "-m", "bench.generate", str(OUT)], check=True)
    cases = [("CSV roster, 1,000,000 rows", OUT / "roster_1m.csv", "pyarrow", GiB),
             ("xlsx, 200,000 rows in a hidden sheet + pivot cache", OUT / "roster_200k.xlsx", "calamine", 500e6)]
    ok = True
    for title, path, peer, rss_target in cases:
        ours, theirs = measure("spillguard", path), measure(peer, path)
        ratio = ours["seconds"] / theirs["seconds"]
        print(f"\n{title} ({path.stat().st_size / 2**20:,.1f} MiB)")
        for r in (ours, theirs):
            print(f"  {r['job']:<11} {r['seconds']:7.2f} s  {r['rows'] / r['seconds']:>12,.0f} rows/s  "
                  f"peak RSS {r['peak_rss'] / 2**20:7.0f} MiB")
        verdict = "ok" if ratio <= 2 and ours["peak_rss"] <= rss_target else "MISSED"
        print(f"  ratio spillguard/{peer}: {ratio:.2f}x (target ≤ 2x, peak RSS ≤ {rss_target / 1e6:,.0f} MB): "
              f"{verdict}")
        ok &= verdict == "ok"
    if "--tabular" in sys.argv:
        return 0 if ok else 1
    from bench import corpus, scaling

    print("\nwhole site", flush=True)
    ok &= corpus.main() == 0
    print("\nscaling", flush=True)
    ok &= scaling.main() == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
