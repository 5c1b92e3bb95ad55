"""What a cleaner reports: what it removed (counts per category), where it wrote, and the
re-scan of its output."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from spillguard.model import Report


@dataclass(slots=True)
class Options:
    #: strict: remove hidden content and blank personal-data columns in plain view;
    #: keep-visible: remove hidden content only (a staff directory keeps its names)
    mode: str = "strict"
    #: write one CSV per visible sheet instead of a workbook
    to_csv: bool = False
    #: make hidden sheets, rows and columns visible instead of removing them (for review)
    unhide: bool = False
    #: what replaces a suppressed small cell
    marker: str = "<11"
    #: counts from 1 to min_cell − 1 are suppressed (primary), then enough others (secondary)
    min_cell: int = 11


@dataclass(slots=True)
class Cleaned:
    source: str
    outputs: list[str] = field(default_factory=list)
    removed: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    error: str | None = None
    rescan: Report | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.rescan is not None and not self.rescan.blocked

    def to_json(self) -> dict[str, Any]:
        left = self.rescan.findings if self.rescan is not None else []
        return {"input": self.source, "outputs": self.outputs, "removed": dict(sorted(self.removed.items())),
                "kept": dict(sorted(self.kept.items())), "error": self.error,
                "rescan": None if self.rescan is None else {
                    "decision": self.rescan.decision,
                    "findings": [{"rule": f.rule, "severity": f.severity.label, "title": f.title,
                                  "file": f.location.file} for f in left]},
                "ok": self.ok}
