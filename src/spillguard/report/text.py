"""The terminal report: the decision first, then findings grouped by file, worst first."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from spillguard.model import Finding, Report, Severity

#: detections listed under a text finding; the JSON report has them all (up to 100)
DETECTIONS_SHOWN = 5

_STYLE = {Severity.CRITICAL: "bold white on red", Severity.HIGH: "bold red",
          Severity.MEDIUM: "yellow", Severity.LOW: "cyan", Severity.INFO: "dim"}


def decision_line(report: Report) -> str:
    gate = report.fail_on.label
    above = [f for f in report.findings if f.severity >= report.fail_on and not f.rule.startswith("SG9")]
    below = len(report.findings) - len(above) - len(report.errors)
    if report.blocked:
        bits = []
        if above:
            bits.append(f"{len(above)} finding{'s' if len(above) != 1 else ''} at or above {gate}")
        if report.errors:
            n = len({e.file for e in report.errors})
            bits.append(f"{n} file{'s' if n != 1 else ''} could not be fully inspected")
        return "BLOCK — must not publish: " + "; ".join(bits)
    extra = f" ({below} lower finding{'s' if below != 1 else ''} to review)" if below else ""
    return f"PASS — may publish: nothing at or above {gate}{extra}"


def _finding(console: Console, f: Finding) -> None:
    sev = f"[{_STYLE[f.severity]}]{f.severity.label.upper():>8}[/]"
    console.print(f"  {sev} [bold]{f.rule}[/]  {escape(f.title)}")
    pad = " " * 16
    console.print(f"{pad}[dim]where:[/] {escape(f.location.describe())}")
    if f.visibility.hidden:
        console.print(f"{pad}[dim]hidden:[/] {f.visibility.value}")
    if f.entities:
        count = f" · {f.records:,} {'record' if f.records == 1 else 'records'}" if f.records else ""
        console.print(f"{pad}[dim]holds:[/] {', '.join(e.value for e in f.entities)}{count}")
    if f.samples:
        console.print(f"{pad}[dim]e.g.:[/] {escape('  ·  '.join(f.samples[:3]))}")
    if f.why:
        console.print(f"{pad}[dim]why:[/] {escape(f.why)}", overflow="fold")
    for d in f.detections[:DETECTIONS_SHOWN]:
        at = f"{d.line}:{d.column}" if d.line is not None else "-"
        console.print(f"{pad}[dim]at {at}:[/] {d.entity.value} {escape(d.sample)} [dim]({d.confidence:.2f})[/]")
    if len(f.detections) > DETECTIONS_SHOWN:
        console.print(f"{pad}[dim]… {len(f.detections) - DETECTIONS_SHOWN:,} more in the JSON report[/]")


def render(report: Report, console: Console) -> None:
    style = "bold red" if report.blocked else "bold green"
    console.print(f"[{style}]{escape(decision_line(report))}[/]")
    for file in report.files():
        console.print()
        console.print(f"[bold underline]{escape(file)}[/]")
        found = sorted((f for f in report.findings if f.location.file == file),
                       key=lambda f: -f.severity)
        for f in found:
            _finding(console, f)
    console.print()
    s = report.stats
    tail = f", {report.suppressed} suppressed by --select/--ignore" if report.suppressed else ""
    console.print(f"[dim]{s.files} file{'s' if s.files != 1 else ''}, {s.bytes:,} bytes, "
                  f"{s.seconds:.2f} s{tail}[/]")


def render_clean(results: list, console: Console) -> None:
    """What ``spillguard clean`` did, per file: where the copy went, what left, the re-scan."""
    for r in results:
        head = f"[bold]{escape(r.source)}[/]"
        if r.error:
            console.print(f"{head}\n  [red]not cleaned[/]: {escape(r.error)}")
            continue
        console.print(f"{head} → {escape(', '.join(r.outputs))}")
        removed = escape(", ".join(f"{what} {n:,}" for what, n in sorted(r.removed.items())) or "nothing")
        console.print(f"  removed: {removed}")
        if r.rescan is not None:
            verdict = "[green]pass[/]" if not r.rescan.blocked else "[red]still blocked[/]"
            console.print(f"  re-scan: {verdict}")
            for f in r.rescan.findings:
                console.print(f"    {f.severity.label.upper()} {f.rule}  {escape(f.title)}")
    done = sum(1 for r in results if r.ok)
    console.print(f"{done} of {len(results)} file(s) cleaned and passing the gate")
