"""``python -m bench.profile PATH... [--jobs N]``: one scan under pyinstrument (bench extra),
its call tree printed — how the hot spots named in the closing notes were found."""

from __future__ import annotations

import sys


def main() -> int:
    from pyinstrument import Profiler

    from spillguard import Config, scan
    from spillguard.config import Execution

    args = sys.argv[1:]
    jobs = 1
    if "--jobs" in args:
        at = args.index("--jobs")
        jobs = int(args[at + 1])
        del args[at:at + 2]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    profiler = Profiler(interval=0.001)
    profiler.start()
    report = scan(args, Config(execution=Execution(jobs=jobs)))
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"{report.stats.files:,} files, {len(report.findings):,} findings, {report.stats.seconds:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
