"""SARIF 2.1.0, as GitHub code scanning accepts it: one run, the rule catalogue as the driver's
rules, one result per finding (SG9xx errors included, level "error")."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

from spillguard import __version__
from spillguard.model import Finding, Report, Severity
from spillguard.rules import RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/spillguard/spillguard"

_LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
          Severity.LOW: "note", Severity.INFO: "note"}
#: GitHub orders alerts by this number (0.0–10.0)
_SCORE = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
          Severity.LOW: "3.0", Severity.INFO: "1.0"}


def _uri(file: str) -> str:
    outer = file.split("!/", 1)[0]  # a member of an archive is reported on the archive
    return PurePosixPath(outer).as_posix().lstrip("/")


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    loc = f.location
    logical = [{"name": name, "kind": kind} for name, kind in
               ((loc.part, "module"), (loc.sheet, "namespace"), (loc.range, "member")) if name]
    message = f.title if not f.samples else f"{f.title} (e.g. {', '.join(f.samples)})"
    if f.why:
        message += f". {f.why}"
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": _LEVEL[f.severity],
        "message": {"text": message},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": _uri(loc.file)},
                                 "region": {"startLine": loc.line or 1}},
            **({"logicalLocations": logical} if logical else {}),
        }],
        "partialFingerprints": {
            "spillguard/v1": f"{f.rule}:{loc.file}:{loc.part}:{loc.sheet}:{loc.range}:{f.visibility.value}",
        },
        "properties": {"severity": f.severity.label, "visibility": f.visibility.value,
                       "entities": [e.value for e in f.entities], "records": f.records},
    }
    return result


def to_dict(report: Report) -> dict[str, Any]:
    codes = sorted(RULES)
    index = {code: i for i, code in enumerate(codes)}
    rules = [{
        "id": code,
        "name": RULES[code].name,
        "shortDescription": {"text": RULES[code].summary},
        "fullDescription": {"text": RULES[code].summary},
        "helpUri": f"{INFO_URI}#rules",
        "defaultConfiguration": {"level": _LEVEL[RULES[code].default]},
        "properties": {"security-severity": _SCORE[RULES[code].default],
                       "tags": ["privacy", "personal-data"]},
    } for code in codes]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "spillguard", "version": __version__,
                                "informationUri": INFO_URI, "rules": rules}},
            "results": [_result(f, index) for f in report.findings],
            "invocations": [{"executionSuccessful": True}],
        }],
    }


def render(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
