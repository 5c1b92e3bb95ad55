"""``spillguard eval --real DIR``: how the gate does on files nobody on this project wrote.

``DIR`` holds ``expected.json`` (one entry per file: ``file``, ``kind``, ``expect``, ``hidden``)
and the files under it, like ``../shared/realworld``. The folder is scanned once by the real
command line in a child process (``spillguard scan DIR --format json``), so that what is scored
is exactly what a user gets, including that standard output carries the JSON report and nothing
else. Each file is then judged against its expectation:

* ``pass`` — a real aggregate publication: the default gate (``--fail-on high``) lets it through;
* ``block`` — a real file that lists people: blocked by what it holds (an SG9xx alone does not count);
* ``either`` — a defensible call either way: the decision is not scored;
* ``pass, report hidden content`` / ``block, …`` / ``either, …`` — the decision as above **and**
  every hiding place listed in ``hidden`` is reported (below the fail level where the file passes,
  so the publisher still sees it);
* anything else is an error (:func:`parse_expect`), never skipped;
* ``report hidden content`` — a peer project's fixture: every hiding place listed in ``hidden`` is
  the visibility of at least one finding (at any severity);
* ``no hidden-channel alarm`` — a peer's clean control: no high or critical finding anywhere but in
  plain view, and no SG9xx.

The expectations name hiding places in their own words; ``CHANNELS`` says which of spillguard's
visibilities count as each.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spillguard.errors import UsageError
from spillguard.model import Severity

#: the expectations' names of hiding places → spillguard's visibilities that report them
CHANNELS: dict[str, frozenset[str]] = {
    "hidden_row": frozenset({"hidden_row", "filtered_or_grouped"}),  # an autofilter hides rows too
    "annotation": frozenset({"comment", "annotation"}),  # PDF annotations are reported as comments
    "attachment": frozenset({"embedded_object", "attachment"}),
    "camouflaged": frozenset({"camouflaged", "under_redaction"}),  # text under a box is camouflaged
}

#: the scores a run is held to (see ``thresholds``): name → what it measures
SCORES = {
    "aggregates_passed": "files marked pass (aggregate publications, clean fixtures) that the gate passes",
    "personal_blocked": "files marked block (they list people) that the gate blocks on their content",
    "hidden_reported": "hiding places listed for peer fixtures that a finding reports",
    "controls_quiet": "peer clean controls without a high/critical hidden-channel finding or SG9xx",
    "stdout_json": "standard output of --format json is one JSON document and nothing else",
}


@dataclass(slots=True)
class Verdict:
    file: str
    expect: str
    ok: bool
    detail: str = ""


@dataclass(slots=True)
class RealResult:
    verdicts: list[Verdict] = field(default_factory=list)
    #: score name → (met, out of)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: hiding place → (reported, listed)
    channels: dict[str, tuple[int, int]] = field(default_factory=dict)
    seconds: float = 0.0
    files: int = 0

    def score(self, name: str) -> float:
        met, total = self.counts.get(name, (0, 0))
        return met / total if total else 1.0

    def disagreements(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.ok]

    def to_json(self) -> dict[str, Any]:
        return {
            "files": self.files, "seconds": round(self.seconds, 1),
            "scores": {k: {"score": round(self.score(k), 4), "met": m, "of": t}
                       for k, (m, t) in self.counts.items()},
            "channels": {k: {"reported": r, "listed": n} for k, (r, n) in sorted(self.channels.items())},
            "disagreements": [{"file": v.file, "expect": v.expect, "detail": v.detail}
                              for v in self.disagreements()],
        }


def load_expectations(folder: Path) -> list[dict[str, Any]]:
    path = folder / "expected.json"
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{path}: no expected.json in the folder") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: not a readable JSON list of expectations ({type(exc).__name__})") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) and "file" in e and "expect" in e
                                                for e in entries):
        raise UsageError(f"{path}: expected a JSON list of objects with 'file' and 'expect'")
    return entries


def run_scan(folder: Path, targets: list[Path], jobs: int = 0) -> tuple[dict[str, Any], bool]:
    """Scan ``targets`` with the real CLI; return the report and whether stdout was pure JSON."""
    cmd = [sys.executable, "-m", "spillguard", "scan", *map(str, targets), "--format", "json", "--no-cache"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=folder, check=False)
    if proc.returncode not in (0, 1):
        raise UsageError(f"the scan failed with exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
    try:
        return json.loads(proc.stdout), True
    except ValueError:
        # something else shared stdout with the report: find the report to score it anyway
        start = proc.stdout.find("{\n")
        return json.loads(proc.stdout[start:]), False


def _rel(path: str, folder: Path) -> str:
    p = Path(path)
    if not p.is_absolute():
        p = folder / p
    try:
        return p.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return path


def _line(f: dict[str, Any]) -> str:
    return f"{f['rule']} {f['severity']} {f['visibility']}: {f['title'][:90]}"


#: the gate decisions an expectation can ask for
DECISIONS = ("pass", "block", "either")
#: the clause an expectation may add after its decision
REPORT_HIDDEN = "report hidden content"
CONTROL = "no hidden-channel alarm"


def parse_expect(expect: str) -> tuple[str | None, bool]:
    """``"pass, report hidden content"`` → ``("pass", True)``; ``"report hidden content"`` →
    ``(None, True)``; ``"no hidden-channel alarm"`` → ``("control", False)``.

    Raises:
        UsageError: an expectation this evaluation does not know (never skipped silently).
    """
    text = expect.strip()
    if text == CONTROL:
        return "control", False
    if text == REPORT_HIDDEN:
        return None, True
    head, _, tail = (part.strip() for part in text.partition(","))
    if head in DECISIONS and tail in ("", REPORT_HIDDEN):
        return head, tail == REPORT_HIDDEN
    raise UsageError(f"unknown expectation {expect!r}: known are {', '.join(DECISIONS)}, "
                     f"'{REPORT_HIDDEN}', '<decision>, {REPORT_HIDDEN}' and '{CONTROL}'")


def judge(entries: Iterable[dict[str, Any]], report: dict[str, Any], folder: Path,
          stdout_json: bool) -> RealResult:
    findings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in report.get("findings", []):
        findings[_rel(f["file"], folder)].append(f)
    result = RealResult()
    counts: dict[str, list[int]] = {k: [0, 0] for k in SCORES}
    channels: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for entry in entries:
        name, expect = entry["file"], entry["expect"]
        decision, report_hidden = parse_expect(expect)
        fs = findings.get(name, [])
        blocking = [f for f in fs if Severity.parse(f["severity"]) >= Severity.HIGH]
        fatal = [f for f in fs if f["rule"].startswith("SG9")]
        problems: list[str] = []
        if decision == "pass":
            ok = not blocking
            counts["aggregates_passed"][0] += ok
            counts["aggregates_passed"][1] += 1
            if not ok:
                problems.append("blocked: " + "; ".join(map(_line, blocking[:4])))
        elif decision == "block":
            real = [f for f in blocking if not f["rule"].startswith("SG9")]
            ok = bool(real)
            counts["personal_blocked"][0] += ok
            counts["personal_blocked"][1] += 1
            if not ok:
                problems.append("not blocked by its content: " + ("; ".join(map(_line, fs[:4])) or "no finding"))
        elif decision == "control":
            alarms = [f for f in blocking if f["visibility"] != "visible"] + fatal
            ok = not alarms
            counts["controls_quiet"][0] += ok
            counts["controls_quiet"][1] += 1
            if not ok:
                problems.append("alarm: " + "; ".join(map(_line, alarms[:4])))
        if report_hidden:
            seen = {f["visibility"] for f in fs if not f["rule"].startswith("SG9")}
            missing = []
            for place in entry.get("hidden", []):
                hit = bool(seen & CHANNELS.get(place, frozenset({place})))
                channels[place][0] += hit
                channels[place][1] += 1
                counts["hidden_reported"][0] += hit
                counts["hidden_reported"][1] += 1
                if not hit:
                    missing.append(place)
            if missing:
                problems.append(f"not reported: {', '.join(missing)}" + (
                    f" (could not inspect: {'; '.join(f['title'][21:80] for f in fatal[:2])})" if fatal else ""))
        if decision == "either" and not report_hidden:
            continue
        result.verdicts.append(Verdict(name, expect, not problems, " | ".join(problems)))
    counts["stdout_json"] = [int(stdout_json), 1]
    result.counts = {k: (v[0], v[1]) for k, v in counts.items()}
    result.channels = {k: (v[0], v[1]) for k, v in channels.items()}
    return result


def evaluate_real(folder: Path, jobs: int = 0) -> RealResult:
    """Scan the folder's files and judge each against ``expected.json``."""
    folder = folder.resolve()
    entries = load_expectations(folder)
    targets = sorted({(folder / e["file"]) for e in entries if (folder / e["file"]).exists()})
    absent = [e["file"] for e in entries if not (folder / e["file"]).exists()]
    if absent:
        raise UsageError(f"{len(absent)} file(s) named in expected.json are missing, e.g. {absent[0]}")
    started = time.perf_counter()
    report, pure = run_scan(folder, [t.relative_to(folder) for t in targets], jobs)
    result = judge(entries, report, folder, pure)
    result.seconds = time.perf_counter() - started
    result.files = len(targets)
    return result


def load_thresholds(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: not a readable JSON object of thresholds ({type(exc).__name__})") from None
    unknown = sorted(set(data) - set(SCORES))
    if not isinstance(data, dict) or unknown:
        raise UsageError(f"{path}: unknown score(s) {unknown}; known: {', '.join(SCORES)}")
    return {k: float(v) for k, v in data.items()}


def below(result: RealResult, thresholds: dict[str, float]) -> list[str]:
    """The scores under their committed threshold (a regression)."""
    return [f"{k}: {result.score(k):.3f} < {v:.3f}" for k, v in thresholds.items() if result.score(k) + 1e-9 < v]


def render(result: RealResult, out: Callable[[str], object] = print,
           thresholds: dict[str, float] | None = None) -> None:
    """One line per disagreement, then the scores (plain text: file and part names are data)."""
    for v in result.disagreements():
        out(f"DISAGREE {v.expect:<24} {v.file}: {v.detail}")
    out(f"\n{result.files} files in {result.seconds:.1f} s")
    for k, what in SCORES.items():
        met, total = result.counts.get(k, (0, 0))
        bar = f"  (threshold {thresholds[k]:.3f})" if thresholds and k in thresholds else ""
        out(f"{k:<18} {met:>4}/{total:<4} {result.score(k):6.3f}{bar}  {what}")
    misses = Counter({k: n - r for k, (r, n) in result.channels.items() if r < n})
    if misses:
        out("hiding places not reported: " + ", ".join(f"{k} ×{n}" for k, n in misses.most_common()))
