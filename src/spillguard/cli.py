"""Command line: ``spillguard scan | diff | check | baseline | rules | demo | eval | version``.

Exit codes (linter style, stable): 0 = nothing at or above the fail level; 1 = blocked;
2 = usage error (bad option, missing path, malformed config).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from spillguard import __version__
from spillguard.config import Config, load, parse_codes
from spillguard.errors import UsageError
from spillguard.model import Report, Severity
from spillguard.report import json as json_report
from spillguard.report import sarif as sarif_report
from spillguard.report import text as text_report
from spillguard.rules import RULES

if TYPE_CHECKING:
    from spillguard.scan import Scanner

EXIT_PASS, EXIT_BLOCK, EXIT_USAGE = 0, 1, 2

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Stop personal data from spilling onto public websites.")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


class FailOn(StrEnum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"
    info = "info"


def _usage(message: str) -> typer.Exit:
    Console(stderr=True).print(f"[bold red]spillguard: error:[/] {message}", highlight=False)
    return typer.Exit(EXIT_USAGE)


def build_config(config_file: Path | None, fail_on: FailOn | None, select: str | None,
                 ignore: str | None, show_values: bool) -> Config:
    cfg = load(config_file)
    return cfg.with_overrides(
        fail_on=Severity.parse(fail_on.value) if fail_on else None,
        select=parse_codes(select, "--select"),
        ignore=parse_codes(ignore, "--ignore"),
        show_values=True if show_values else None,
    )


def _progress_scan(scanner: Scanner, paths: list[Path] | list[str]) -> Report:
    err = Console(stderr=True)
    if not err.is_terminal:
        return scanner.run(paths)
    with Progress(TextColumn("[dim]scanning[/]"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  console=err, transient=True) as bar:
        task = bar.add_task("scan", total=None)

        def step(_name: str, index: int, total: int) -> None:
            # file names only: they are the user's own paths, never file content
            bar.update(task, completed=index, total=total)

        report = scanner.run(paths, progress=step)
        bar.update(task, completed=report.stats.files)
    return report


def emit(report: Report, fmt: OutputFormat, output: Path | None) -> None:
    if fmt is OutputFormat.text:
        if output is None:
            text_report.render(report, Console(highlight=False))
        else:
            with output.open("w", encoding="utf-8") as fh:
                text_report.render(report, Console(file=fh, no_color=True, width=120, highlight=False))
        return
    rendered = json_report.render(report) if fmt is OutputFormat.json else sarif_report.render(report)
    if output is None:
        sys.stdout.write(rendered)
    else:
        output.write_text(rendered, encoding="utf-8")


def _finish(report: Report, format: OutputFormat, output: Path | None) -> None:
    try:
        emit(report, format, output)
    except OSError as exc:
        raise _usage(f"cannot write the report: {exc.strerror or type(exc).__name__}") from None
    raise typer.Exit(EXIT_BLOCK if report.blocked else EXIT_PASS)


def _config_or_exit(config: Path | None, fail_on: FailOn | None, select: str | None, ignore: str | None,
                    show_values: bool, baseline: Path | None = None) -> Config:
    try:
        cfg = build_config(config, fail_on, select, ignore, show_values)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    return cfg.with_overrides(baseline=str(baseline) if baseline else None)


def _guarded(run: Callable[[], Report]) -> Report:
    """Usage errors found while running (a baseline without its key) exit 2, never a traceback.
    Standard output is kept for the report: whatever a library prints while files are read goes
    to standard error."""
    try:
        with _stdout_to_stderr():
            return run()
    except UsageError as exc:
        raise _usage(str(exc)) from None


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Point file descriptor 1 (and ``sys.stdout``) at standard error while the work runs, so that
    a library's warning (xlrd prints to stdout), a C library's message or a worker process started
    meanwhile never lands in front of a JSON or SARIF report piped to ``jq``."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no file descriptor 1 (embedded use): nothing to protect
        yield
        return
    try:
        os.dup2(2, 1)
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 1)
        os.close(saved)




FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Report format.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to FILE.")]
FailOnOpt = Annotated[FailOn | None, typer.Option(
    "--fail-on", help="Block at this severity or above [default: high].")]
SelectOpt = Annotated[str | None, typer.Option("--select", help="Only these rule codes or prefixes (SG2,SG501).")]
IgnoreOpt = Annotated[str | None, typer.Option("--ignore", help="Skip these rule codes or prefixes.")]
ShowOpt = Annotated[bool, typer.Option(
    "--show-values", help="Show unmasked samples (handle the report as personal data).")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="spillguard.toml or pyproject.toml to use.")]
BaselineOpt = Annotated[Path | None, typer.Option(
    "--baseline", help="Leave out the findings this baseline accepts (key in $SPILLGUARD_BASELINE_KEY).")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=0, help="Worker processes; 0 = one per core "
                                      "(small batches then stay in this process). Same report for any N.")]
DaskOpt = Annotated[str | None, typer.Option("--dask", help="Run on a Dask cluster: its scheduler address "
                                             "(tcp://host:8786), or local:N for a local cluster of N workers.")]
CacheDbOpt = Annotated[str | None, typer.Option("--db", help="Store whose scan cache skips files scanned before "
                                                "unchanged [default: $SPILLGUARD_DB; none: no cache].")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Scan every file again, even when cached.")]


def _execution(cfg: Config, jobs: int, dask: str | None, db: str | None, no_cache: bool) -> Config:
    from spillguard.config import Execution

    if dask is not None and not dask.strip():
        raise _usage("--dask needs a scheduler address or local:N")
    cache = None if no_cache else (db or os.environ.get("SPILLGUARD_DB") or None)
    return cfg.with_overrides(execution=Execution(jobs=jobs, dask=dask, cache=cache))


def _exists(paths: list[str]) -> None:
    """Local inputs must exist; URLs (s3://, https://…) are listed by their file system later."""
    missing = [p for p in paths if "://" not in p and not Path(p).exists()]
    if missing:
        raise _usage(f"no such file or folder: {', '.join(missing)}")


@app.command()
def scan(
    paths: Annotated[list[str], typer.Argument(help="Files or folders (recursive), or fsspec URLs "
                                               "(s3://bucket/site/, read by the workers).", show_default=False)],
    format: FormatOpt = OutputFormat.text, output: OutputOpt = None, fail_on: FailOnOpt = None,
    select: SelectOpt = None, ignore: IgnoreOpt = None, show_values: ShowOpt = False, config: ConfigOpt = None,
    baseline: BaselineOpt = None,
    fingerprints: Annotated[Path | None, typer.Option(
        "--fingerprints", help="Fingerprints of a leaked data set: SG210 (critical) on a match.")] = None,
    jobs: JobsOpt = 0, dask: DaskOpt = None, db: CacheDbOpt = None, no_cache: NoCacheOpt = False,
) -> None:
    """Inspect files for visible and hidden personal data; exit 1 when publication must stop."""
    _exists(paths)
    cfg = _config_or_exit(config, fail_on, select, ignore, show_values, baseline)
    cfg = cfg.with_overrides(fingerprints=str(fingerprints) if fingerprints else None)
    cfg = _execution(cfg, jobs, dask, db, no_cache)
    from spillguard.scan import Scanner

    _finish(_guarded(lambda: _progress_scan(Scanner(cfg), paths)), format, output)


@app.command("diff")
def diff_(
    old: Annotated[Path, typer.Argument(help="The previous release (file or folder).", show_default=False)],
    new: Annotated[Path, typer.Argument(help="The release to publish (file or folder).", show_default=False)],
    format: FormatOpt = OutputFormat.text, output: OutputOpt = None, fail_on: FailOnOpt = None,
    select: SelectOpt = None, ignore: IgnoreOpt = None, show_values: ShowOpt = False, config: ConfigOpt = None,
    baseline: BaselineOpt = None,
) -> None:
    """What a routine update changed since the last release (SG4xx); exit 1 when it must stop."""
    from spillguard.release import diff

    missing = [str(p) for p in (old, new) if not p.exists()]
    if missing:
        raise _usage(f"no such file or folder: {', '.join(missing)}")
    cfg = _config_or_exit(config, fail_on, select, ignore, show_values, baseline)
    _finish(_guarded(lambda: diff(old, new, cfg)), format, output)


@app.command()
def check(
    release: Annotated[Path, typer.Argument(help="The release to publish (folder or file).", show_default=False)],
    previous: Annotated[Path | None, typer.Option("--previous", help="The last published release.")] = None,
    format: FormatOpt = OutputFormat.text, output: OutputOpt = None, fail_on: FailOnOpt = None,
    select: SelectOpt = None, ignore: IgnoreOpt = None, show_values: ShowOpt = False, config: ConfigOpt = None,
    baseline: BaselineOpt = None,
    jobs: JobsOpt = 0, dask: DaskOpt = None, db: CacheDbOpt = None, no_cache: NoCacheOpt = False,
) -> None:
    """The one step a CMS or CI runs: scan + declared intent + disclosure risk + diff, one decision."""
    from spillguard.release import check as run_check

    missing = [str(p) for p in (release, previous) if p is not None and not p.exists()]
    if missing:
        raise _usage(f"no such file or folder: {', '.join(missing)}")
    cfg = _execution(_config_or_exit(config, fail_on, select, ignore, show_values, baseline), jobs, dask, db,
                     no_cache)
    _finish(_guarded(lambda: run_check(release, previous, cfg)), format, output)


class CleanMode(StrEnum):
    strict = "strict"
    keep_visible = "keep-visible"


class CleanTo(StrEnum):
    same = "same"
    csv = "csv"


@app.command()
def clean(
    source: Annotated[Path, typer.Argument(help="File or folder to clean (never modified).", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where the clean copy goes (file or folder).")],
    mode: Annotated[CleanMode, typer.Option(help="strict: also blank personal data in per-person tables and "
                                                 "suppress small cells; keep-visible: remove hidden content only.")]
    = CleanMode.strict,
    to: Annotated[CleanTo, typer.Option("--to", help="csv: one CSV per visible sheet.")] = CleanTo.same,
    unhide: Annotated[bool, typer.Option("--unhide", help="Make hidden sheets, rows and columns visible "
                                                          "(for review) instead of removing them.")] = False,
    marker: Annotated[str, typer.Option(help="What replaces a suppressed small cell.")] = "<11",
    min_cell: Annotated[int, typer.Option(help="Counts from 1 to this − 1 are small cells.")] = 11,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Summary format (text or json).")]
    = OutputFormat.text,
    config: ConfigOpt = None,
) -> None:
    """Write a publishable copy without hidden content, re-scan it, and say what was removed."""
    from spillguard.clean import Options, clean_path

    if not source.exists():
        raise _usage(f"no such file or folder: {source}")
    if format is OutputFormat.sarif:
        raise _usage("--format: text or json")
    cfg = _config_or_exit(config, None, None, None, False)
    opts = Options(mode=mode.value, to_csv=to is CleanTo.csv, unhide=unhide, marker=marker, min_cell=min_cell)
    try:
        results = clean_path(source, output, opts, cfg)
    except ValueError as exc:
        raise _usage(str(exc)) from None
    ok = bool(results) and all(r.ok for r in results)
    if format is OutputFormat.json:
        import json

        print(json.dumps({"ok": ok, "files": [r.to_json() for r in results]}, indent=2, ensure_ascii=False))
    else:
        from spillguard.report.text import render_clean

        render_clean(results, Console(highlight=False))
    raise typer.Exit(EXIT_PASS if ok else EXIT_BLOCK)


baseline_app = typer.Typer(no_args_is_help=True, help="Accepted findings: keyed fingerprints, never plaintext.")
app.add_typer(baseline_app, name="baseline")
BaselineFileOpt = Annotated[Path, typer.Option("--file", help="The baseline file.")]
ByOpt = Annotated[str | None, typer.Option("--by", help="Who accepts the findings [default: $USER].")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why they are accepted (kept with each entry).")]


def _by(by: str | None) -> str:
    import getpass

    return by or getpass.getuser()


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


def _guarded_key(get: Callable[[], bytes]) -> bytes:
    try:
        return get()
    except UsageError as exc:
        raise _usage(str(exc)) from None


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
    from spillguard.scan import iter_files

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


incident_app = typer.Typer(no_args_is_help=True, help="When a file did go out: affected people, downloaders, report.")
app.add_typer(incident_app, name="incident")
DbOpt = Annotated[str | None, typer.Option("--db", help="SQLite file or database URL [default: $SPILLGUARD_DB, "
                                                        "else ./spillguard.db].")]
IncidentOpt = Annotated[int | None, typer.Option("--incident", help="Incident id [default: the newest].")]


def _store(db: str | None):
    from spillguard.respond.store import Store

    return _guarded_key(lambda: Store(db))  # type: ignore[arg-type,return-value]


@incident_app.command("open")
def incident_open(
    name: Annotated[str, typer.Argument(help="A name for the incident.", show_default=False)],
    file: Annotated[Path, typer.Option("--file", help="The leaked file (read, hashed, never copied).")],
    published_at: Annotated[str | None, typer.Option("--published-at", help="When it went public (ISO 8601); "
                                                   "with --from-alert, the alert's first-seen time.")] = None,
    url: Annotated[list[str] | None, typer.Option("--url", help="Where it was published (repeatable).")] = None,
    from_alert: Annotated[int | None, typer.Option("--from-alert", help="A `spillguard watch` alert id: its URL "
                                                                       "and first-seen time.")] = None,
    discovered_at: Annotated[str | None, typer.Option("--discovered-at", help="When it was noticed.")] = None,
    removed_at: Annotated[str | None, typer.Option("--removed-at", help="When it was taken down.")] = None,
    db: DbOpt = None, config: ConfigOpt = None,
) -> None:
    """Open an incident: the affected people of the leaked file, with the fields exposed for each."""
    from spillguard.respond.incident import open_incident, parse_time

    if not file.is_file():
        raise _usage(f"no such file: {file}")
    cfg = _config_or_exit(config, None, None, None, False)
    store = _store(db)
    if from_alert is not None:
        from spillguard.respond.models import Alert

        with store.session() as s:
            alert = s.get(Alert, from_alert)
            if alert is None:
                raise _usage(f"no alert {from_alert}")
            url = [*(url or []), alert.url]
            first = alert.first_seen if alert.first_seen.tzinfo else alert.first_seen.replace(tzinfo=dt.UTC)
            published_at = published_at or first.isoformat()
            discovered_at = discovered_at or alert.raised_at.replace(tzinfo=dt.UTC).isoformat()
    if published_at is None:
        raise _usage("--published-at (or --from-alert) is needed")
    try:
        times = [parse_time(t, n) for t, n in ((published_at, "--published-at"), (discovered_at, "--discovered-at"),
                                               (removed_at, "--removed-at"))]
    except UsageError as exc:
        raise _usage(str(exc)) from None
    result = open_incident(store, name, file, url or [], times[0], times[1], times[2], cfg)  # type: ignore[arg-type]
    print(f"incident {result['incident']}: {result['affected']:,} affected people in {file.name}")
    for reason in result["incomplete"]:
        print(f"  not fully read (the count may be low): {reason}", file=sys.stderr)


@incident_app.command("logs")
def incident_logs(
    files: Annotated[list[Path], typer.Argument(help="Access logs, any of: combined, W3C (IIS, CloudFront, App "
                                                     "Service), S3, ALB, JSON lines (nginx, Caddy, Azure Front Door, "
                                                     "Akamai DataStream 2, GCP load balancer); .gz too.",
                                                show_default=False)],
    cidr_orgs: Annotated[Path | None, typer.Option("--cidr-orgs", help="CSV of cidr,organisation (offline).")] = None,
    mmdb: Annotated[Path | None, typer.Option("--mmdb", help="A MaxMind ASN/City database (offline).")] = None,
    trusted_proxy: Annotated[list[str] | None, typer.Option(
        "--trusted-proxy", help="A proxy or CDN network (CIDR) whose X-Forwarded-For names the client; private "
                                "ranges are trusted already. Repeatable.")] = None,
    replace: Annotated[bool, typer.Option("--replace", help="Forget the requests earlier runs found; by default "
                                                            "each run adds to them.")] = False,
    show_values: ShowOpt = False, db: DbOpt = None, incident: IncidentOpt = None,
) -> None:
    """Find every download of the exposed URLs: inside the exposure window, outside it, and the
    requests that were no download. Runs add up (rotated logs one by one); a file of no known
    format refuses the run (exit 1, nothing changed)."""
    from spillguard.respond.incident import ingest_logs, mask_address
    from spillguard.respond.logs import LogFormatError

    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise _usage(f"no such file: {', '.join(missing)}")
    store = _store(db)
    unreadable = [0]
    err = Console(stderr=True)
    try:
        found = ingest_logs(store, incident, files, cidr_orgs, mmdb, unreadable, replace=replace,
                            trusted=trusted_proxy)
    except LogFormatError as exc:
        err.print(f"[bold red]spillguard: refused:[/] {exc} — nothing was changed", highlight=False)
        raise typer.Exit(1) from None
    except UsageError as exc:
        raise _usage(str(exc)) from None
    for f in found.files:
        print(f"{f.name}: {f.format}, {f.lines:,} line(s) naming the file")
    print(f"{found.new_requests:,} new request(s) for the file, {found.known_requests:,} already known")
    print(f"{len(found)} downloader(s) in the exposure window")
    show = [*found.downloaders, *found.outside]
    for d in show:
        who = d.client if show_values else mask_address(d.client)
        where = "" if d.window == "inside" else f"  ({d.window} the window)"
        print(f"  {who:<18} {d.kind:<8} {d.first:%Y-%m-%d %H:%M} – {d.last:%H:%M}  {d.requests} request(s), "
              f"{d.bytes:,} bytes, {'full copy' if d.full_copy else 'partial'}"
              f"{'  ' + d.organisation if d.organisation else ''}{where}")
    if found.outside:
        print(f"{len(found.outside)} downloader(s) outside the exposure window (a cache or CDN serving the file "
              "before publication or after takedown): they took a copy too")
    if found.not_downloads:
        print(f"{sum(found.not_downloads.values())} HEAD request(s) or 304 answer(s) from "
              f"{len(found.not_downloads)} client(s): no copy served, not counted as downloads")
    if unreadable[0]:
        print(f"warning: {unreadable[0]:,} line(s) naming the exposed URL could not be parsed (damaged time or "
              "format) and are not counted: look at them in the log", file=sys.stderr)
    if found.truncated:
        err.print(f"[bold red]spillguard: incomplete:[/] {', '.join(found.truncated)} ended early (a truncated "
                  "compressed file): what was read before is kept; ingest the complete file again", highlight=False)
        raise typer.Exit(1)


url_app = typer.Typer(no_args_is_help=True, help="The addresses the exposed file was published at.")
incident_app.add_typer(url_app, name="url")


@url_app.command("add")
def url_add(url: Annotated[str, typer.Argument(help="Another address of the same file.", show_default=False)],
            db: DbOpt = None, incident: IncidentOpt = None) -> None:
    """Add a URL the file was also reachable at (a second link, its S3 or CDN address); then run
    `incident logs` again on the logs."""
    from spillguard.respond.incident import add_url

    try:
        urls = add_url(_store(db), incident, url)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    print(f"{len(urls)} URL(s): " + ", ".join(urls))
    print("run `spillguard incident logs` again on the logs: requests for the new URL are read then")


MapOpt = Annotated[list[str] | None, typer.Option("--map", help="field=Column for a roster column with another "
                                                                 "name (a_number, name, birth_date, language, "
                                                                 "custody, facility, attorney_name, attorney_email, "
                                                                 "attorney_address, removal_date).")]


def _mapping(items: list[str] | None, option: str = "--map") -> dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise _usage(f"{option} {item}: expected " + ("field=Column" if option == "--map" else "VALUE=CATEGORY"))
        out[key.strip()] = value.strip()
    return out


@incident_app.command("roster")
def incident_roster(
    roster: Annotated[Path, typer.Argument(help="The case-system export (CSV, TSV, semicolon CSV in UTF-8, "
                                                "UTF-16 or Windows-1252, or a workbook).", show_default=False)],
    file: Annotated[Path | None, typer.Option("--file", help="The leaked file again, for name + birth date "
                                                           "matching of people without an A-number.")] = None,
    map_: MapOpt = None,
    status: Annotated[list[str] | None, typer.Option(
        "--status", help="VALUE=CATEGORY for a custody value the vocabulary lacks (in_custody, released, "
                         "removed, lifted); repeatable.")] = None,
    timezone: Annotated[str, typer.Option("--timezone", help="The zone of times the roster gives without one "
                                                             "(IANA name).")] = "UTC",
    notice_date: Annotated[str | None, typer.Option("--notice-date", help="When notices go out (ISO date or "
                                                                          "date-time); today by default.")] = None,
    db: DbOpt = None, incident: IncidentOpt = None, config: ConfigOpt = None,
) -> None:
    """Match the affected people to the case system: exact on A-number, careful on name + birth date.
    Prints what it understood first; refuses (exit 1, store unchanged) what it could not."""
    import datetime as dt
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from spillguard.respond.roster import RosterRefused, match_roster, understand
    from spillguard.respond.roster_read import parse_when

    if not roster.is_file():
        raise _usage(f"no such file: {roster}")
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise _usage(f"--timezone {timezone}: not a time zone name (e.g. America/New_York)") from None
    notice = parse_when(notice_date, zone) if notice_date else None
    if notice_date and notice is None:
        raise _usage(f"--notice-date {notice_date}: not a date")
    if notice is not None and len(notice_date.strip()) <= 10:  # a day: notices go out by its end
        notice = notice.replace(hour=23, minute=59)
    cfg = _config_or_exit(config, None, None, None, False)
    store = _store(db)
    try:
        understood = understand(roster, _mapping(map_), _mapping(status, "--status"), zone)
    except RosterRefused as exc:
        print("\n".join(exc.understood.lines()))
        Console(stderr=True).print(f"[bold red]spillguard: refused:[/] {exc} — nothing was written",
                                   highlight=False)
        raise typer.Exit(1) from None
    except UsageError as exc:
        raise _usage(str(exc)) from None
    print("\n".join(understood.lines()))
    try:
        result = match_roster(store, incident, understood, {}, file, cfg, notice=notice or dt.datetime.now(dt.UTC))
    except UsageError as exc:
        raise _usage(str(exc)) from None
    print(f"{result.matched:,} affected people matched ({result.by_name:,} by name + birth date) in "
          f"{result.roster_rows:,} roster rows")
    if result.ambiguous:
        print(f"{len(result.ambiguous)} ambiguous, for review: " + ", ".join(result.ambiguous[:20]))
    if result.not_in_roster:
        print(f"{len(result.not_in_roster)} not in the roster: " + ", ".join(result.not_in_roster[:20]))


holds_app = typer.Typer(no_args_is_help=True, help="The removal-hold register.")
incident_app.add_typer(holds_app, name="holds")


@holds_app.command("list")
def holds_list(db: DbOpt = None, incident: IncidentOpt = None) -> None:
    """Every affected person (masked) with their hold status and reason."""
    from sqlalchemy import select

    from spillguard.respond.models import Person

    store = _store(db)
    with store.session() as s:
        try:
            inc = store.incident(s, incident)
        except UsageError as exc:
            raise _usage(str(exc)) from None
        for p in s.scalars(select(Person).where(Person.incident_id == inc.id).order_by(Person.id)):
            print(f"{p.key[:12]}  {p.hold_status or 'unassessed':<24} {p.masked}  {p.hold_reason or ''}")


@holds_app.command("set")
def holds_set(
    who: Annotated[str, typer.Argument(help="Key prefix (from `holds list`).", show_default=False)],
    status: Annotated[str, typer.Option(help="hold, removed_before_exposure, removed_during_exposure, "
                                             "removed_before_notice or released.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the register and the audit trail).")],
    db: DbOpt = None, incident: IncidentOpt = None,
) -> None:
    """Set one person's hold status, with the reason."""
    from spillguard.respond.roster import set_hold

    try:
        set_hold(_store(db), incident, who, status, reason)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    print("hold status set")


@holds_app.command("export")
def holds_export(
    roster: Annotated[Path, typer.Option("--roster", help="The case-system export the A-numbers come from.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV to write for the case system.")],
    map_: MapOpt = None, db: DbOpt = None, incident: IncidentOpt = None,
) -> None:
    """The register as CSV for the case system, keyed by the roster's own A-numbers."""
    from spillguard.respond.roster import export_holds

    try:
        n = export_holds(_store(db), incident, roster, _mapping(map_), output)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    print(f"{n:,} rows written to {output}")


@incident_app.command("rekey")
def incident_rekey(
    file: Annotated[list[str], typer.Option("--file", help="ID=PATH: the leaked file of each incident in the "
                                                           "store (identifiers are kept only as HMACs).")],
    roster: Annotated[Path | None, typer.Option("--roster", help="The case-system export people were "
                                                                 "matched to, if any.")] = None,
    map_: MapOpt = None, db: DbOpt = None, config: ConfigOpt = None,
) -> None:
    """Rotate the store's key: every HMAC recomputed under a new key from the leaked files, in one transaction."""
    import secrets

    from spillguard.respond.rekey import rekey
    from spillguard.respond.store import ENV_KEY, key_file

    files: dict[int, Path] = {}
    for item in file:
        ident, _, path = item.partition("=")
        if not ident.strip().isdigit() or not path or not Path(path).is_file():
            raise _usage(f"--file takes ID=PATH of an existing file, not {item!r}")
        files[int(ident)] = Path(path)
    cfg = _config_or_exit(config, None, None, None, False)
    store = _store(db)
    from_env = bool(os.environ.get(ENV_KEY))
    if from_env:
        new = os.environ.get(f"{ENV_KEY}_NEW", "").encode()
        if len(new) < 16:
            raise _usage(f"the key comes from ${ENV_KEY}: put the new one (16+ characters) in ${ENV_KEY}_NEW")
        staged = None
    else:
        new = secrets.token_hex(32).encode()
        target = key_file(store.url)
        staged = target.with_name(target.name + ".new")  # the new key is on disk before the data uses it
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(new)
    try:
        done = rekey(store, new, files, roster, _mapping(map_), cfg, by=_by(None))
    except UsageError as exc:
        if staged is not None:
            staged.unlink(missing_ok=True)
        raise _usage(str(exc)) from None
    if staged is not None:
        os.replace(staged, key_file(store.url))
        print(f"{done['incidents']} incident(s), {done['people']:,} people re-keyed; new key {done['key_id']} in "
              f"{key_file(store.url)} (the old key is gone)")
    else:
        print(f"{done['incidents']} incident(s), {done['people']:,} people re-keyed (key id {done['key_id']}): "
              f"set ${ENV_KEY} to the value of ${ENV_KEY}_NEW now")


@incident_app.command("notices")
def incident_notices(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the documents.")],
    agency: Annotated[str, typer.Option(help="The agency's name as it signs the notices.")] = "[Agency name]",
    contact: Annotated[str, typer.Option(help="Where people can ask (phone, address, e-mail).")]
    = "[Privacy office contact]",
    templates: Annotated[Path | None, typer.Option(help="A folder of your own templates (same names).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also printable PDFs of the notices.")] = True,
    timezone: Annotated[str, typer.Option("--timezone", help="The agency's time zone for every date and time "
                                                             "(IANA name).")] = "UTC",
    roster: Annotated[Path | None, typer.Option("--roster", help="The case-system export again: notices quote "
                                                                "the A-number for mailroom delivery.")] = None,
    map_: MapOpt = None, db: DbOpt = None, incident: IncidentOpt = None,
) -> None:
    """Notices to each affected person (their language), to each attorney of record, claw-back letters
    and removal requests to crawlers and archives."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from spillguard.respond.notices import write_documents

    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise _usage(f"--timezone {timezone}: not a time zone name (e.g. America/New_York)") from None
    if roster is not None and not roster.is_file():
        raise _usage(f"no such file: {roster}")
    try:
        w = write_documents(_store(db), incident, output, agency, contact, templates, pdf=pdf, zone=zone,
                            roster=roster, mapping=_mapping(map_))
    except UsageError as exc:
        raise _usage(str(exc)) from None
    langs = ", ".join(f"{n} in {lang}" for lang, n in sorted(w.notices.items())) or "none"
    print(f"notices: {langs}; attorneys: {w.attorneys}; claw-back letters and removal requests: {w.clawbacks} "
          f"({w.removal_requests} removal requests to crawlers and archives) → {output}")
    if w.review:
        print(f"review before sending (no professional translation yet): {', '.join(w.review)} — see the "
              "review_before_sending column of mailmerge.csv")
    if w.address_needed:
        print(f"{w.address_needed:,} notices have no current address (released or removed, none in the roster): "
              "address_needed in mailmerge.csv")
    if w.no_pdf:
        print(f"no printable PDF for {', '.join(w.no_pdf)}: the PDF font cannot draw that script; print the .txt "
              "notices from a word processor")
    if w.worklist:
        print(f"{w.worklist:,} people need a notice in a language without a template: "
              f"{output / 'interpreter-worklist.csv'} (for an interpreter; no English sent in their place)")


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


@incident_app.command("report")
def incident_report(
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="text, json, markdown or html.")]
    = ReportFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE.")] = None,
    show_values: ShowOpt = False, db: DbOpt = None, incident: IncidentOpt = None,
) -> None:
    """Timeline, affected people, fields exposed, downloaders, removal holds, audit trail."""
    import json

    from spillguard.respond.incident import report

    store = _store(db)
    try:
        data = report(store, incident, show_values)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    if format is not ReportFormat.text:
        from spillguard.respond.render import html_page, markdown

        rendered = {ReportFormat.json: lambda: json.dumps(data, indent=2, ensure_ascii=False) + "\n",
                    ReportFormat.markdown: lambda: markdown(data), ReportFormat.html: lambda: html_page(data)}[format]()
        if output is not None:
            output.write_text(rendered, encoding="utf-8")
        else:
            sys.stdout.write(rendered)
        return
    t = data["timeline"]
    print(f"Incident {data['incident']['id']}: {data['incident']['name']} ({data['incident']['file']})")
    print(f"  published {t['published']}, first external download {t['first_external_download']}, "
          f"discovered {t['discovered']}, removed {t['removed']} ({t['exposure_hours']} h exposed)")
    print(f"  affected people: {data['affected']:,}; fields: " +
          ", ".join(f"{k} {v:,}" for k, v in data["fields"].items()))
    print(f"  downloaders: {len(data['downloaders'])}; holds: " +
          ", ".join(f"{k} {v:,}" for k, v in data["holds"].items() if v))
    risk = data["risk"]
    print(f"  risk of harm: {risk['level']}{' (MAJOR INCIDENT)' if risk['major_incident'] else ''} — "
          + "; ".join(risk["reasons"]))


fingerprint_app = typer.Typer(no_args_is_help=True, help="Fingerprints of a leaked data set, to find re-posts.")
app.add_typer(fingerprint_app, name="fingerprint")
KeyFileOpt = Annotated[Path | None, typer.Option("--key-file", help="The fingerprint key [default: "
                                                                   "$SPILLGUARD_FINGERPRINT_KEY, else FILE.key].")]


@fingerprint_app.command("build")
def fingerprint_build(
    leaked: Annotated[Path, typer.Argument(help="The leaked file.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="The fingerprint file to write (e.g. leak.sgfp).")],
    key_file: KeyFileOpt = None, config: ConfigOpt = None,
) -> None:
    """Keyed HMACs of every leaked record's identifiers (never the plaintext)."""
    from spillguard.monitor.fingerprint import build, load_key

    if not leaked.is_file():
        raise _usage(f"no such file: {leaked}")
    cfg = _config_or_exit(config, None, None, None, False)
    key = _guarded_key(lambda: load_key(output, key_file, create=True))
    n = build(leaked, output, key, cfg)
    print(f"{output}: fingerprints of {n:,} records (the key stays outside it"
          f"{'' if key_file or os.environ.get('SPILLGUARD_FINGERPRINT_KEY') else ': ' + output.name + '.key'})")


@fingerprint_app.command("match")
def fingerprint_match(
    fingerprints: Annotated[Path, typer.Argument(help="The fingerprint file.", show_default=False)],
    candidates: Annotated[list[str], typer.Argument(help="Files, folders or http(s) URLs.", show_default=False)],
    key_file: KeyFileOpt = None, config: ConfigOpt = None,
    max_bytes: Annotated[int, typer.Option(help="Largest download for a URL.")] = 256 * 1024 * 1024,
) -> None:
    """How many leaked records each candidate carries (any format the scanner reads); exit 1 on a match."""
    import tempfile

    from spillguard.monitor.fingerprint import Fingerprints, load_key, match
    from spillguard.scan import iter_files

    cfg = _config_or_exit(config, None, None, None, False)
    key = _guarded_key(lambda: load_key(fingerprints, key_file))
    prints = _guarded_key(lambda: Fingerprints.load(fingerprints, key))  # type: ignore[arg-type,return-value]
    hit = False
    with tempfile.TemporaryDirectory(prefix="spillguard-") as tmp:
        for candidate in candidates:
            if candidate.startswith(("http://", "https://")):
                paths = [_download(candidate, Path(tmp), max_bytes)]
            elif Path(candidate).exists():
                paths = list(iter_files([candidate]))
            else:
                raise _usage(f"no such file, folder or URL: {candidate}")
            for path in paths:
                found, people = match(prints, key, path, cfg)
                hit = hit or found > 0
                shown = candidate if candidate.startswith("http") else path.as_posix()
                print(f"{shown}: {found:,} leaked record(s) among {people:,} people")
    raise typer.Exit(EXIT_BLOCK if hit else EXIT_PASS)


def _download(url: str, folder: Path, max_bytes: int) -> Path:
    import urllib.request
    from urllib.parse import urlsplit

    name = Path(urlsplit(url).path).name or "download"
    target = folder / name
    try:
        with urllib.request.urlopen(url, timeout=30) as response, target.open("wb") as out:
            read = 0
            while block := response.read(1 << 20):
                read += len(block)
                if read > max_bytes:
                    raise _usage(f"{url}: larger than --max-bytes {max_bytes:,}")
                out.write(block)
    except OSError as exc:
        raise _usage(f"{url}: cannot download ({exc})") from None
    return target


@app.command()
def watch(
    webroot: Annotated[Path | None, typer.Argument(help="The directory the web server serves.")] = None,
    crawl: Annotated[str | None, typer.Option("--crawl", help="Crawl this site instead (start URL).")] = None,
    url_prefix: Annotated[str, typer.Option(help="Public URL of the web root.")] = "https://localhost",
    webhook: Annotated[str | None, typer.Option(help="POST a JSON alert to this URL.")] = None,
    smtp: Annotated[str | None, typer.Option(help="HOST:PORT of a mail relay for alerts.")] = None,
    mail_to: Annotated[list[str] | None, typer.Option("--mail-to", help="Alert recipient (repeatable).")] = None,
    mail_from: Annotated[str, typer.Option(help="Sender of alert mails.")] = "spillguard@localhost",
    interval: Annotated[float, typer.Option(help="Seconds between crawl passes.")] = 60.0,
    rate: Annotated[float, typer.Option(help="Crawl requests per second at most.")] = 2.0,
    max_bytes: Annotated[int, typer.Option(help="Largest document fetched.")] = 256 * 1024 * 1024,
    once: Annotated[bool, typer.Option("--once", help="One pass, then exit (cron, CI).")] = False,
    polling: Annotated[bool, typer.Option("--polling", help="Poll the web root instead of file events.")] = False,
    fingerprints: Annotated[Path | None, typer.Option(help="Also alert on records of a known leak.")] = None,
    db: DbOpt = None, config: ConfigOpt = None,
) -> None:
    """Watch the live site (web root or crawl); alert within a minute when personal data goes public."""
    import signal
    import threading

    from spillguard.monitor.watch import Alerting, Crawl, Watcher, crawl_once, watch_webroot

    if (webroot is None) == (crawl is None):
        raise _usage("give a web root directory or --crawl URL (one of them)")
    if webroot is not None and not webroot.is_dir():
        raise _usage(f"no such directory: {webroot}")
    cfg = _config_or_exit(config, None, None, None, False)
    cfg = cfg.with_overrides(fingerprints=str(fingerprints) if fingerprints else None)
    watcher = Watcher(_store(db), cfg, Alerting(webhook, smtp, list(mail_to or []), mail_from))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    if webroot is not None:
        if once:
            from spillguard.scan import iter_files

            for path in iter_files([webroot]):
                watcher.check(path, url_prefix.rstrip("/") + "/" + path.relative_to(webroot).as_posix())
            return
        print(f"watching {webroot} ({url_prefix}); Ctrl-C stops", flush=True)
        watch_webroot(watcher, webroot, url_prefix, stop, polling=polling)
        return
    job = Crawl(crawl, rate=rate, max_bytes=max_bytes)  # type: ignore[arg-type]
    while not stop.is_set():
        stats = crawl_once(watcher, job)
        print(f"crawl pass: {stats['pages']} pages, {stats['documents']} documents, "
              f"{stats['not_modified']} not modified, {stats['alerts']} alerts", flush=True)
        if once:
            return
        stop.wait(interval)


users_app = typer.Typer(no_args_is_help=True, help="Local accounts and API tokens of the web app.")
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Account name.", show_default=False)],
    role: Annotated[str, typer.Option(help="publisher, privacy or admin.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    db: DbOpt = None,
) -> None:
    """Create an account (the first one should be an admin)."""
    import getpass

    from spillguard.web.accounts import add_user

    password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("password: ")
    try:
        add_user(_store(db), name, password, role)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    print(f"account {name} ({role}) created")


@users_app.command("token")
def users_token(
    name: Annotated[str, typer.Argument(help="Account the token acts for.", show_default=False)],
    label: Annotated[str, typer.Option(help="What the token is for (e.g. cms-upload-hook).")] = "api",
    db: DbOpt = None,
) -> None:
    """Create an API token for machine clients; it is shown once, only its hash is kept."""
    from spillguard.web.accounts import create_token

    try:
        print(create_token(_store(db), name, label))
    except UsageError as exc:
        raise _usage(str(exc)) from None


NameArg = Annotated[str, typer.Argument(help="Account name.", show_default=False)]


@users_app.command("disable")
def users_disable(name: NameArg, db: DbOpt = None) -> None:
    """Disable an account: it cannot log in, its sessions and tokens stop working at once."""
    _set_disabled(name, True, db)


@users_app.command("enable")
def users_enable(name: NameArg, db: DbOpt = None) -> None:
    """Enable a disabled account again (its old sessions stay ended)."""
    _set_disabled(name, False, db)


def _set_disabled(name: str, disabled: bool, db: str | None) -> None:
    from spillguard.web.accounts import set_disabled

    try:
        set_disabled(_store(db), name, disabled)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    print(f"account {name} {'disabled' if disabled else 'enabled'}")


@users_app.command("password")
def users_password(
    name: NameArg,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the new password from stdin.")] = False,
    db: DbOpt = None,
) -> None:
    """Set a new password (an administrator's reset); every session of the account ends."""
    import getpass

    from spillguard.web.accounts import change_password

    password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("new password: ")
    try:
        change_password(_store(db), name, password)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    print(f"password of {name} changed; its sessions ended")


@users_app.command("tokens")
def users_tokens(name: NameArg, db: DbOpt = None) -> None:
    """List an account's API tokens (id, label, created, revoked); the tokens themselves are not kept."""
    from spillguard.web.accounts import list_tokens

    try:
        rows = list_tokens(_store(db), name)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    for t in rows:
        revoked = f"revoked {t['revoked']:%Y-%m-%d %H:%M}" if t["revoked"] else "live"
        print(f"{t['id']:>5}  {t['label']:<30} created {t['created']:%Y-%m-%d %H:%M}  {revoked}")


@users_app.command("revoke-token")
def users_revoke_token(
    name: NameArg, token_id: Annotated[int, typer.Argument(help="The id `users tokens` lists.", show_default=False)],
    db: DbOpt = None,
) -> None:
    """Revoke one API token of an account: it stops working at once."""
    from spillguard.web.accounts import revoke_token

    try:
        revoke_token(_store(db), name, token_id)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    print(f"token {token_id} of {name} revoked")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    db: DbOpt = None, config: ConfigOpt = None,
    upload_dir: Annotated[Path | None, typer.Option(help="Where uploads are written for the scan "
                                                    "(default: the system's temporary folder).")] = None,
    retain_uploads: Annotated[float, typer.Option(help="Hours to keep uploads after their scan (owner-only "
                                                  "folder, swept afterwards); 0 = delete at once.")] = 0.0,
    docs: Annotated[bool, typer.Option("--docs", help="Serve Swagger UI at /docs (it loads its scripts from a "
                                                      "public CDN; the schema is at /openapi.json).")] = False,
    timezone: Annotated[str | None, typer.Option("--timezone", help="The office's time zone for times on the "
                                                                    "pages (IANA name; default UTC).")] = None,
) -> None:
    """The web app and HTTP API (OpenAPI schema at /openapi.json) over the same library calls as the CLI."""
    import uvicorn

    from spillguard.web.app import create_app

    cfg = _config_or_exit(config, None, None, None, False)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise _usage(f"--timezone {timezone}: not a time zone name (e.g. America/New_York)") from None
    uvicorn.run(create_app(db, cfg, upload_dir=upload_dir, retain_hours=retain_uploads, docs=docs,
                           timezone=timezone), host=host, port=port, access_log=False)


@app.command()
def rules() -> None:
    """List every rule code with its default severity and a one-line explanation."""
    for code, rule in RULES.items():
        print(f"{code}  {rule.default.label:<8}  {rule.name:<28} {rule.summary}")


@app.command()
def demo(
    folder: Annotated[Path, typer.Argument(help="Folder to build the scenario in.")] = Path("spillguard-demo"),
    serve_app: Annotated[bool, typer.Option("--serve", help="Then start the web app on the demo's data.")] = False,
    port: Annotated[int, typer.Option(help="Port for --serve.")] = 8000,
) -> None:
    """Build the 2022 scenario (last quarter's clean file, this quarter's 'routine update') and scan both."""
    from spillguard.demo import run

    code = run(folder, Console(highlight=False))
    if not serve_app or code:
        raise typer.Exit(code)
    import secrets

    import uvicorn

    from spillguard.respond.store import Store
    from spillguard.web.accounts import add_user
    from spillguard.web.app import create_app

    db = str(folder / "incident.db")
    store = Store(db)
    print("\nweb app on the demo's data (accounts made for this run; the passwords are shown once):")
    for name, role in (("demo-publisher", "publisher"), ("demo-privacy", "privacy")):
        password = secrets.token_urlsafe(12)
        with contextlib.suppress(UsageError):
            add_user(store, name, password, role)
            print(f"  {name} ({role}): {password}")
    print(f"  http://127.0.0.1:{port}/login — Ctrl-C stops")
    uvicorn.run(create_app(db, Config()), host="127.0.0.1", port=port, access_log=False)


@app.command("eval")
def eval_(
    seed: Annotated[int, typer.Option(help="Seed of the generated corpus.")] = 2026,
    documents: Annotated[int, typer.Option(help="Number of prose documents.")] = 500,
    tables: Annotated[int, typer.Option(help="Number of tables.")] = 40,
    min_confidence: Annotated[float, typer.Option(help="Minimum confidence of a text detection.")] = 0.5,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    errors: Annotated[int, typer.Option(help="Also list this many missed or false detections "
                                              "(synthetic values only).")] = 0,
    real: Annotated[Path | None, typer.Option(
        "--real", help="Instead: score the gate on a folder of real files with expected.json "
                       "(like ../shared/realworld); one line per disagreement.")] = None,
    thresholds: Annotated[Path | None, typer.Option(
        help="With --real: a JSON object of minimum scores; exit 1 when one falls below.")] = None,
) -> None:
    """Precision, recall and F1 per entity on a seeded labelled corpus (prose and tables), or with
    --real the gate's verdicts on real files against their expectations."""
    if real is not None:
        _eval_real(real, thresholds, json_out)
        return
    from spillguard.evaluate import evaluate, render, spillguard_recogniser
    from spillguard.synth.corpus import corpus

    if not 0.0 <= min_confidence <= 1.0:
        raise _usage("--min-confidence must be between 0 and 1")
    result = evaluate(corpus(seed, documents, tables), spillguard_recogniser(min_confidence))
    if json_out:
        import json

        print(json.dumps(result.to_json(), indent=2))
    else:
        render(result, Console(highlight=False), errors)


def _eval_real(folder: Path, thresholds: Path | None, json_out: bool) -> None:
    from spillguard.evaluate_real import below, evaluate_real, load_thresholds, render

    try:
        bars = load_thresholds(thresholds) if thresholds else None
        result = evaluate_real(folder)
    except UsageError as exc:
        raise _usage(str(exc)) from None
    if json_out:
        import json

        print(json.dumps(result.to_json(), indent=2))
    else:
        render(result, print, bars)
    failed = below(result, bars) if bars else []
    for line in failed:
        Console(stderr=True).print(f"spillguard: below the committed threshold: {line}", highlight=False)
    raise typer.Exit(EXIT_BLOCK if failed else EXIT_PASS)


@app.command()
def version() -> None:
    """Print the version."""
    print(f"spillguard {__version__}")


def main() -> None:
    app(prog_name="spillguard")


if __name__ == "__main__":
    main()
