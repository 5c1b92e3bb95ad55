"""Issue 22, item 1 (a start): the CLI starts without the scanner's libraries — `spillguard version`
and `rules` import none of them — and `spillguard.scan` is still the library's function."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("polars", "pyarrow", "pypdfium2", "pikepdf", "sqlalchemy", "fastapi")


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = ("import sys, spillguard.cli; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == ""


def test_spillguard_scan_is_the_function_even_after_its_module_loaded() -> None:
    code = ("from spillguard.scan import Scanner; import spillguard; from spillguard import scan; "
            "print(callable(scan), scan.__module__, spillguard.scan is scan)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.split() == ["True", "spillguard.scan", "True"]
