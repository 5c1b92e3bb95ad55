"""Helpers for building fixture files and reading reports in tests."""

from __future__ import annotations

from pathlib import Path

from spillguard import Config, Report, scan


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def scan_one(path: Path, **config: object) -> Report:
    return scan([path], Config().with_overrides(**config))


def summary(report: Report) -> list[tuple[str, str, tuple[str, ...], int | None]]:
    """(rule, visibility, entities, records) for every finding, in a stable order."""
    return sorted((f.rule, f.visibility.value, tuple(sorted(e.value for e in f.entities)), f.records)
                  for f in report.findings)


def libreoffice_csv(path: Path, outdir: Path) -> str:
    """``path`` opened by headless LibreOffice and saved as CSV (the test is skipped without it)."""
    import shutil
    import subprocess

    import pytest

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (Debian package libreoffice-calc-nogui)")
    done = subprocess.run([soffice, "--headless", "--convert-to", "csv", "--outdir", str(outdir), str(path)],
                          capture_output=True, timeout=180)
    assert done.returncode == 0
    return (outdir / f"{path.stem}.csv").read_text()
