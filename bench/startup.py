"""Start-up figures: how long a command line takes from the shell, against a bare interpreter
start measured in the same run (``python -c "import csv, json"``).

Each command runs once first (so that Python's bytecode cache is written, as pip writes it when
it installs a wheel; ``PYTHONDONTWRITEBYTECODE`` is dropped for these runs), then ``REPEAT``
times; the best run counts (the least disturbed by the rest of the machine).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPEAT = 7
BIN = Path(sys.executable).parent


def best(argv: list[str], repeat: int = REPEAT) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(argv, capture_output=True, env=env, check=False, timeout=300)  # warm the caches
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, env=env, check=False, timeout=300)
        runs.append(time.perf_counter() - started)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return min(runs)


def spillguard(*args: str) -> list[str]:
    exe = BIN / "spillguard"
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "spillguard", *args]


def bare() -> float:
    return best([sys.executable, "-c", "import csv, json"])
