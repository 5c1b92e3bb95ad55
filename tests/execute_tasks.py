"""Per-file tasks for the execution tests, importable by worker processes: they kill their own
worker on a file named ``poison…`` (always, or only the first time) or slow each file down."""

from __future__ import annotations

import os
import time
from pathlib import Path

from spillguard.execute.task import scan_file


def dies_on_poison(name: str, location: str, config):  # type: ignore[no-untyped-def]
    if "poison" in name:
        os._exit(3)  # what a segfault or the OOM killer looks like to the pool
    return scan_file(name, location, config)


def dies_once_on_poison(name: str, location: str, config):  # type: ignore[no-untyped-def]
    flag = Path(location + ".died")
    if "poison" in name and not flag.exists():
        flag.touch()
        os._exit(3)
    return scan_file(name, location, config)


def slow(name: str, location: str, config):  # type: ignore[no-untyped-def]
    time.sleep(0.3)
    return scan_file(name, location, config)


def hangs_on_slow(name: str, location: str, config):  # type: ignore[no-untyped-def]
    """A file whose inspection sleeps past any budget; ``…-deaf`` also blocks the budget's signal
    (like a long call in C), so that only the parent's watchdog can stop it."""
    import signal

    from spillguard.errors import ResourceLimit
    from spillguard.execute.task import budget, lost, over_budget

    try:
        with budget(config.limits.seconds_per_file):
            if "slow" in name:
                if "deaf" in name:
                    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
                time.sleep(60)
    except ResourceLimit:
        return lost(name, "SG903", over_budget(config.limits.seconds_per_file))
    return scan_file(name, location, config)
