"""JSON report, schema version 1 (documented in the README; keep it stable)."""

from __future__ import annotations

import json
from typing import Any

from spillguard import __version__
from spillguard.model import Report

SCHEMA_VERSION = 1


def to_dict(report: Report) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "tool": "spillguard",
        "tool_version": __version__,
        "decision": report.decision,
        "fail_on": report.fail_on.label,
        "findings": [f.to_json() for f in report.findings],
        "errors": [e.to_json() for e in report.errors],
        "suppressed": report.suppressed,
        "allowed": report.allowed,
        "baselined": report.baselined,
        "coverage": report.coverage,
        "stats": {"files": report.stats.files, "bytes": report.stats.bytes,
                  "seconds": report.stats.seconds, "cached": report.stats.cached},
    }


def render(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
