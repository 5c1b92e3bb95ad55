"""What a file's task sends back, whatever backend ran it (no import of the inspection itself:
the planner, the cache and the backends use it without loading the readers)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spillguard.model import Finding, InspectionError, Location, Report, add_coverage
from spillguard.rules import not_inspected


@dataclass(slots=True)
class FileResult:
    """One top-level file's share of a report."""

    name: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[InspectionError] = field(default_factory=list)
    tables: list[Any] = field(default_factory=list)
    suppressed: int = 0
    allowed: int = 0
    bytes: int = 0
    #: served from the scan cache rather than scanned
    cached: bool = False
    #: parts of containers by reader (see ``Report.coverage``)
    coverage: dict[str, dict[str, int]] = field(default_factory=dict)

    def add_to(self, report: Report) -> None:
        report.findings.extend(self.findings)
        report.errors.extend(self.errors)
        report.tables.extend(self.tables)
        report.suppressed += self.suppressed
        report.allowed += self.allowed
        add_coverage(report.coverage, self.coverage)
        report.stats.files += 1
        report.stats.bytes += self.bytes


def is_url(location: str) -> bool:
    return "://" in location and not location.startswith("file://")


def local_path(location: str) -> Path:
    return Path(location.removeprefix("file://"))


def lost(name: str, rule: str, reason: str) -> FileResult:
    """The result of a file whose task did not come back: an SG9xx error and a blocking finding."""
    error, finding = not_inspected(rule, reason, Location(file=name))
    return FileResult(name=name, errors=[error], findings=[finding])


