"""``make bench-scaling`` (part of ``make bench``): time against input size for a CSV roster of
10,000 to 1,000,000 rows, spillguard and pyarrow's bare read measured in the same run, each
size in its own process; printed as a table and drawn as ``docs/bench-scaling.png`` (matplotlib),
so that a reader sees the time grow in step with the rows."""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).parent / "out"
CHART = Path(__file__).parent.parent / "docs" / "bench-scaling.png"
SIZES = (10_000, 30_000, 100_000, 300_000, 1_000_000)


def main() -> int:
    from bench.__main__ import measure
    from bench.generate import roster

    rows = []
    for n in SIZES:
        path = OUT / f"scaling_{n}.csv"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            roster(n, seed=13).write_csv(path)
        ours, theirs = measure("spillguard", path, repeat=2), measure("pyarrow", path, repeat=2)
        rows.append((n, ours["seconds"], theirs["seconds"], ours["peak_rss"]))
    print(f"\n{'rows':>10} {'spillguard':>11} {'µs/row':>7} {'pyarrow':>9} {'ratio':>6} {'peak RSS':>9}")
    for n, ours, theirs, rss in rows:
        print(f"{n:>10,} {ours:>9.2f} s {ours / n * 1e6:>7.2f} {theirs:>7.2f} s {ours / theirs:>5.1f}x "
              f"{rss / 2**20:>5.0f} MiB")
    # linear: the cost per row at 1M is close to (not above) the cost per row at 100k
    per_row = {n: ours / n for n, ours, _, _ in rows}
    growth = per_row[SIZES[-1]] / per_row[100_000]
    by_n = {n: ours for n, ours, _, _ in rows}
    marginal = (by_n[SIZES[-1]] - by_n[100_000]) / (SIZES[-1] - 100_000) * 1e6
    print(f"cost per row at 1,000,000 / at 100,000 rows: {growth:.2f} (linear or better: ≤ 1.3 passes); "
          f"each row past 100,000 costs {marginal:.2f} µs")
    _chart(rows)
    print(f"chart: {CHART}")
    return 0 if growth <= 1.3 else 1


def _chart(rows: list[tuple[int, float, float, float]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=110)
    n = [r[0] for r in rows]
    ax.plot(n, [r[1] for r in rows], "o-", label="spillguard scan")
    ax.plot(n, [r[2] for r in rows], "s--", label="pyarrow read_csv (read only)")
    ax.set_xlabel("rows in the CSV roster")
    ax.set_ylabel("seconds")
    ax.set_title("CSV roster: time against rows (2 cores, imports excluded)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    ax.ticklabel_format(style="plain", axis="x")
    fig.tight_layout()
    CHART.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(CHART)


if __name__ == "__main__":
    raise SystemExit(main())
