"""A release as a comparison needs it: per file (by its path inside the release), its size,
its tables (key, visibility, headers, rows, aggregate or row-level, entities, latest period)
and the kinds of personal data its findings hold. Built from one ordinary scan."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from spillguard.checks.disclosure import TableSummary, title_period
from spillguard.config import Config
from spillguard.model import Entity, Report
from spillguard.scan import Scanner, iter_files


@dataclass(slots=True)
class FileInfo:
    name: str  # path inside the release (``data/stats.xlsx``, ``bundle.zip!/a.csv``)
    shown: str  # the path as the report shows it
    size: int | None = None
    tables: list[TableSummary] = field(default_factory=list)
    entities: set[Entity] = field(default_factory=set)


@dataclass(slots=True)
class Release:
    root: Path
    files: dict[str, FileInfo] = field(default_factory=dict)

    @property
    def period(self) -> str | None:
        """The latest period the release covers: from its tables' dates, sheet and file names."""
        found = [t.period for f in self.files.values() for t in f.tables if t.period]
        found += [p for f in self.files.values() if (p := title_period(f.name))]
        return max(found) if found else None


def relative(root: Path, shown: str) -> str:
    """``/srv/release/data/a.xlsx!/b.csv`` → ``data/a.xlsx!/b.csv`` for the root ``/srv/release``."""
    base = root.as_posix().rstrip("/")
    if root.is_file():
        base = root.parent.as_posix().rstrip("/")
    if shown == base:
        return Path(shown).name
    return shown[len(base) + 1:] if shown.startswith(base + "/") else shown


def from_report(root: Path, report: Report) -> Release:
    release = Release(root)

    def info(shown: str) -> FileInfo:
        name = relative(root, shown)
        if name not in release.files:
            release.files[name] = FileInfo(name, shown)
        return release.files[name]

    for path in iter_files([root]):
        entry = info(path.as_posix())
        with contextlib.suppress(OSError):
            entry.size = path.stat().st_size
    for table in report.tables:
        info(table.file).tables.append(table)
    for finding in report.findings:
        if finding.rule.startswith(("SG2", "SG5")):
            info(finding.location.file).entities.update(finding.entities)
    return release


def survey(root: Path, config: Config) -> tuple[Release, Report]:
    report = Scanner(config).run([root])
    return from_report(root, report), report
