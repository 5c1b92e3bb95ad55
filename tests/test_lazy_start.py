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


def test_a_csv_scan_imports_no_reader_of_another_format(tmp_path) -> None:
    """The registry tests first bytes without importing the readers: a CSV never loads the PDF
    stack, Pillow, py7zr or the Office readers."""
    page = tmp_path / "figures.csv"
    page.write_text("Country,Detained\nMexico,12\nGuatemala,9\n", encoding="utf-8")
    others = ("pikepdf", "pypdfium2", "PIL", "py7zr", "olefile", "spillguard.formats.pdf",
              "spillguard.formats.zipcontainer", "spillguard.formats.xlsx", "spillguard.formats.image")
    code = (f"import sys; from spillguard import scan; r = scan([{str(page)!r}]); "
            f"print(r.stats.files, len(r.errors), ','.join(m for m in {others!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.split() == ["1", "0"]


def test_execution_and_inspection_never_import_the_scan_entry() -> None:
    """scan() is a thin entry over execute/ and inspection: they do not import it back (no circle)."""
    import ast
    from pathlib import Path

    import spillguard

    root = Path(spillguard.__file__).parent
    modules = [root / "inspection.py", root / "files.py", *sorted((root / "execute").glob("*.py"))]
    importers = []
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if "spillguard.scan" in names:
                importers.append(path.name)
    assert len(modules) == 9
    assert importers == []
    code = ("import sys, spillguard.execute.plan, spillguard.execute.task, spillguard.execute.local; "
            "print('spillguard.scan' in sys.modules, 'spillguard.inspection' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.split() == ["False", "True"]
