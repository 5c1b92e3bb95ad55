"""``make bench-logs``: who downloaded the file, from 10,000,000 combined-format log lines.

spillguard's log analysis (every request for the exposed path inside the exposure window, summed
per client, classified) against ``grep -c PATH`` on the same file, in the same run: lines/s and
the ratio. The log is generated once (seeded) and cached in bench/out/.
``python -m bench.logs [--lines N]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import time
from pathlib import Path

from spillguard.respond.logs import downloaders, hits
from spillguard.synth import accesslog

OUT = Path(__file__).parent / "out"
PATH = "/statistics/FY24_Q1_detentionStats.xlsx"
PUBLISHED = dt.datetime(2022, 11, 30, 14, 45, tzinfo=dt.UTC)
REMOVED = dt.datetime(2022, 11, 30, 19, 4, tzinfo=dt.UTC)
SIZE = 1_048_576


def generate(path: Path, lines: int, seed: int = 10) -> None:
    """A day of site traffic around the exposure: other pages, assets, and the scenario's
    downloaders mixed in (about one line in a thousand mentions the file)."""
    rng = random.Random(seed)
    requests, _ = accesslog.scenario(PATH, SIZE, PUBLISHED, REMOVED, seed=seed, noise=0)
    start = PUBLISHED - dt.timedelta(hours=10)
    pages = ["/", "/statistics", "/statistics/FY23_Q4_detentionStats.xlsx", "/css/site.css", "/js/app.js",
             "/news/2022/11/29/release", "/images/logo.png", "/contact"]
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        special = iter(sorted(requests, key=lambda r: r.time))
        nxt = next(special, None)
        step = 86_400 / lines
        block: list[str] = []
        for i in range(lines):
            t = start + dt.timedelta(seconds=i * step)
            while nxt is not None and nxt.time <= t:
                block.extend(accesslog.combined([nxt]))
                nxt = next(special, None)
            if i % 1000 == 0:
                page, status, size = PATH, 200, SIZE
            else:
                page, status, size = pages[i % len(pages)], 200, 2_000 + (i * 37) % 90_000
            ip = f"203.0.{(i // 250) % 250}.{i % 250}"
            agent = accesslog.AGENTS["visitor"] if rng.random() < 0.9 else accesslog.AGENTS["crawler"]
            block.append(f'{ip} - - [{t:%d/%b/%Y:%H:%M:%S +0000}] "GET {page} HTTP/1.1" {status} {size} '
                         f'"https://www.example.gov/" "{agent}"\n')
            if len(block) >= 100_000:
                fh.writelines(block)
                block = []
        fh.writelines(block)
    tmp.replace(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000_000)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    log = OUT / f"access_{args.lines}.log"
    if not log.exists():
        print(f"generating {args.lines:,} lines (cached in {log}) ...", flush=True)
        generate(log, args.lines)
    size = log.stat().st_size
    t = time.perf_counter()
    grep = subprocess.run(["grep", "-c", PATH, str(log)], capture_output=True, text=True, check=False)
    grep_s = time.perf_counter() - t
    t = time.perf_counter()
    found = downloaders(hits([log], {PATH}), PUBLISHED, REMOVED, SIZE)
    ours_s = time.perf_counter() - t
    print(f"\naccess log, {args.lines:,} combined-format lines ({size / 2**20:,.0f} MiB); "
          f"{int(grep.stdout.strip() or 0):,} lines mention the file")
    print(f"  spillguard  {ours_s:7.2f} s  {args.lines / ours_s:>12,.0f} lines/s  "
          f"{len(found):,} downloaders in the window")
    print(f"  grep -c     {grep_s:7.2f} s  {args.lines / grep_s:>12,.0f} lines/s")
    print(f"  ratio spillguard/grep: {ours_s / grep_s:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
