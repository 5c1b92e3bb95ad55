"""What every command group shares: the Typer app, exit codes, the common options, the report
output and the usage-error handling. Light by design: the library layers (readers, store, web) are
imported by each command when it runs, never here."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spillguard.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from spillguard.config import Config
    from spillguard.model import Report
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


def console(**options: object) -> Console:
    """A rich console (rich is imported on first output, not at start)."""
    from rich.console import Console

    return Console(**options)  # type: ignore[arg-type]


def _usage(message: str) -> typer.Exit:
    console(stderr=True).print(f"[bold red]spillguard: error:[/] {message}", highlight=False)
    return typer.Exit(EXIT_USAGE)


def build_config(config_file: Path | None, fail_on: FailOn | None, select: str | None,
                 ignore: str | None, show_values: bool) -> Config:
    from spillguard.config import load, parse_codes
    from spillguard.model import Severity

    cfg = load(config_file)
    return cfg.with_overrides(
        fail_on=Severity.parse(fail_on.value) if fail_on else None,
        select=parse_codes(select, "--select"),
        ignore=parse_codes(ignore, "--ignore"),
        show_values=True if show_values else None,
    )


def _progress_scan(scanner: Scanner, paths: list[Path] | list[str]) -> Report:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn

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
        from rich.console import Console

        from spillguard.report import text as text_report

        if output is None:
            text_report.render(report, Console(highlight=False))
        else:
            with output.open("w", encoding="utf-8") as fh:
                text_report.render(report, Console(file=fh, no_color=True, width=120, highlight=False))
        return
    from spillguard.report import json as json_report
    from spillguard.report import sarif as sarif_report

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
    with usage_errors():
        cfg = build_config(config, fail_on, select, ignore, show_values)
    return cfg.with_overrides(baseline=str(baseline) if baseline else None)


def _guarded(run: Callable[[], Report]) -> Report:
    """Usage errors found while running (a baseline without its key) exit 2, never a traceback.
    Standard output is kept for the report: whatever a library prints while files are read goes
    to standard error."""
    with usage_errors(), _stdout_to_stderr():
        return run()


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


def _by(by: str | None) -> str:
    import getpass

    return by or getpass.getuser()


def _guarded_key(get: Callable[[], bytes]) -> bytes:
    with usage_errors():
        return get()


@contextlib.contextmanager
def usage_errors() -> Iterator[None]:
    """A library call's ``UsageError`` (a bad value the user gave) ends the command with exit 2
    and its message, never a traceback."""
    try:
        yield
    except UsageError as exc:
        raise _usage(str(exc)) from None


DbOpt = Annotated[str | None, typer.Option("--db", help="SQLite file or database URL [default: $SPILLGUARD_DB, "
                                                        "else ./spillguard.db].")]
IncidentOpt = Annotated[int | None, typer.Option("--incident", help="Incident id [default: the newest].")]


def _store(db: str | None):
    from spillguard.respond.store import Store

    return _guarded_key(lambda: Store(db))  # type: ignore[arg-type,return-value]


MapOpt = Annotated[list[str] | None, typer.Option("--map", help="field=Column for a roster column with another "
                                                                 "name (a_number, name, birth_date, language, "
                                                                 "custody, facility, attorney_name, attorney_email, "
                                                                 "attorney_address, removal_date).")]


def _mapping(items: list[str] | None, option: str = "--map") -> dict[str, str]:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep:
            expected = {"--map": "field=Column", "--date-order": "FIELD=dmy or FIELD=mdy (or serial1900, "
                                                                 "serial1904)"}.get(option, "VALUE=CATEGORY")
            raise _usage(f"{option} {item}: expected {expected}")
        out[key.strip()] = value.strip()
    return out

