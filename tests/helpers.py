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


def libreoffice_save_as(path: Path, target: str, outdir: Path) -> Path:
    """``path`` converted by headless LibreOffice to ``target`` ('csv', 'doc', 'ppt'…): to check
    that a cleaned file opens, or to build legacy fixtures from generated OOXML (the test is
    skipped without LibreOffice and the module the conversion needs)."""
    import subprocess

    import pytest

    from spillguard.formats import convert

    module = {"doc": "docx", "rtf": "docx", "ppt": "pptx"}.get(target, "xlsx")
    if not convert.available(module):
        pytest.skip(f"LibreOffice cannot convert to .{target} here (Debian package {convert.MODULES[module][1]})")
    command = [convert.soffice(), f"-env:UserInstallation={(outdir / 'profile').as_uri()}", "--headless",
               "--convert-to", target, "--outdir", str(outdir), str(path)]
    done = subprocess.run(command, capture_output=True, timeout=180)
    out = outdir / f"{path.stem}.{target}"
    assert done.returncode == 0 and out.exists(), done.stderr
    return out


def libreoffice_csv(path: Path, outdir: Path) -> str:
    """``path`` opened by headless LibreOffice and saved as CSV."""
    return libreoffice_save_as(path, "csv", outdir).read_text()
