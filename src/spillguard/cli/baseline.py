"""``spillguard baseline create | update | audit``: accepted findings, keyed fingerprints only."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spillguard.cli.common import (
    ConfigOpt,
    _by,
    _config_or_exit,
    _guarded_key,
    _progress_scan,
    _usage,
    app,
)

if TYPE_CHECKING:
    from spillguard.model import Report

baseline_app = typer.Typer(no_args_is_help=True, help="Accepted findings: keyed fingerprints, never plaintext.")
app.add_typer(baseline_app, name="baseline")
BaselineFileOpt = Annotated[Path, typer.Option("--file", help="The baseline file.")]
ByOpt = Annotated[str | None, typer.Option("--by", help="Who accepts the findings [default: $USER].")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why they are accepted (kept with each entry).")]


def _baseline_scan(paths: list[Path], config: Path | None) -> tuple[Report, bytes]:
    from spillguard import baseline as bl

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise _usage(f"no such file or folder: {', '.join(missing)}")
    cfg = _config_or_exit(config, None, None, None, False)
    cfg = cfg.with_overrides(baseline="")  # scan everything: this is what gets accepted
    key = _guarded_key(lambda: bl.load_key(cfg.baseline_key_file))
    from spillguard.scan import Scanner

    return _progress_scan(Scanner(cfg), paths), key




@baseline_app.command("create")
def baseline_create(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to scan.", show_default=False)],
    reason: ReasonOpt, file: BaselineFileOpt = Path(".spillguard-baseline.json"), by: ByOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Accept every current finding (SG9xx excepted): later scans with --baseline leave them out."""
    from spillguard import baseline as bl

    if file.exists():
        raise _usage(f"{file} exists: use `spillguard baseline update`")
    report, key = _baseline_scan(paths, config)
    base = bl.Baseline(file, key)
    for finding in bl.acceptable(report):
        base.accept(finding, _by(by), reason)
    base.save()
    print(f"{file}: {len(base.entries)} accepted finding(s); {len(report.errors)} file(s) could not be "
          "inspected and are never accepted")


@baseline_app.command("update")
def baseline_update(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to scan.", show_default=False)],
    reason: ReasonOpt, file: BaselineFileOpt = Path(".spillguard-baseline.json"), by: ByOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Accept new findings and drop entries that no longer match anything in the scanned files."""
    from spillguard import baseline as bl

    report, key = _baseline_scan(paths, config)
    base = _guarded_key(lambda: bl.Baseline.load(file, key))  # type: ignore[arg-type,return-value]
    seen: set[str] = set()
    added = 0
    for finding in bl.acceptable(report):
        fp = base.fingerprint(finding)
        seen.add(fp)
        if fp not in base.entries:
            base.accept(finding, _by(by), reason)
            added += 1
    from spillguard.files import iter_files

    scanned = {base.relative(p.as_posix()) for p in iter_files(paths)}
    stale = [fp for fp, e in base.entries.items() if fp not in seen and e.file.split("!/")[0] in scanned]
    for fp in stale:
        del base.entries[fp]
    base.save()
    print(f"{file}: {added} added, {len(stale)} dropped (no longer found), {len(base.entries)} in all")


@baseline_app.command("audit")
def baseline_audit(
    file: BaselineFileOpt = Path(".spillguard-baseline.json"),
    drop: Annotated[list[str] | None, typer.Option("--drop", help="Remove this entry (fingerprint or prefix).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the entries as JSON.")] = False,
    interactive: Annotated[bool | None, typer.Option(
        "--interactive/--no-interactive", help="Ask entry by entry [default: when run in a terminal].")] = None,
) -> None:
    """Review accepted findings: who accepted what, when and why; drop what no longer holds."""
    from spillguard import baseline as bl
    from spillguard.config import load

    key = _guarded_key(lambda: bl.load_key(load(None).baseline_key_file))
    base = _guarded_key(lambda: bl.Baseline.load(file, key))  # type: ignore[arg-type,return-value]
    dropped = 0
    for prefix in drop or []:
        hits = [fp for fp in base.entries if fp.startswith(prefix)]
        if len(hits) != 1:
            raise _usage(f"--drop {prefix}: {len(hits)} entries match (give a longer prefix)")
        del base.entries[hits[0]]
        dropped += 1
    if interactive is None:
        interactive = sys.stdin.isatty() and sys.stdout.isatty() and not json_out and not drop
    if interactive:
        for fp, e in list(base.entries.items()):
            print(f"\n{fp[:12]}  {e.rule}  {e.file}  {e.where}\n  {e.title}\n"
                  f"  accepted by {e.accepted_by} on {e.accepted_at}: {e.reason}")
            if not typer.confirm("  keep it?", default=True):
                del base.entries[fp]
                dropped += 1
    if dropped:
        base.save()
    if json_out:
        import json

        print(json.dumps([bl.asdict(e) for e in base.entries.values()], indent=2, ensure_ascii=False))
    elif not interactive:
        for fp, e in base.entries.items():
            print(f"{fp[:12]}  {e.rule}  {e.file}  {e.where}  — {e.accepted_by}, {e.accepted_at[:10]}: {e.reason}")
    if dropped:
        print(f"{dropped} entr{'y' if dropped == 1 else 'ies'} dropped", file=sys.stderr)


