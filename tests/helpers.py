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
