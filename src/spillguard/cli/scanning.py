"""``spillguard scan | diff | check | clean``: the publication gate and the clean copy."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from spillguard.cli.common import (
    EXIT_BLOCK,
    EXIT_PASS,
    BaselineOpt,
    CacheDbOpt,
    ConfigOpt,
    DaskOpt,
    FailOnOpt,
    FormatOpt,
    IgnoreOpt,
    JobsOpt,
    NoCacheOpt,
    OutputFormat,
    OutputOpt,
    SelectOpt,
    ShowOpt,
    _config_or_exit,
    _execution,
    _exists,
    _finish,
    _guarded,
    _progress_scan,
    _usage,
    app,
    console,
)


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
    attest: Annotated[Path | None, typer.Option("--attest", help="Also write the verdict, signed, bound to each "
                                                                 "file's bytes (in-toto statement, DSSE).")] = None,
    key: Annotated[Path | None, typer.Option("--key", help="The Ed25519 private key that signs it "
                                                           "(spillguard keys create).")] = None,
) -> None:
    """The one step a CMS or CI runs: scan + declared intent + disclosure risk + diff, one decision."""
    from spillguard.release import check as run_check

    missing = [str(p) for p in (release, previous) if p is not None and not p.exists()]
    if missing:
        raise _usage(f"no such file or folder: {', '.join(missing)}")
    if (attest is None) != (key is None):
        raise _usage("--attest and --key go together")
    cfg = _execution(_config_or_exit(config, fail_on, select, ignore, show_values, baseline), jobs, dask, db,
                     no_cache)
    report = _guarded(lambda: run_check(release, previous, cfg))
    if attest is not None and key is not None:
        _attest(release, report, cfg, attest, key)
    _finish(report, format, output)


def _attest(release: Path, report, cfg, out: Path, key: Path) -> None:
    import json

    from spillguard.attest import sign, statement
    from spillguard.cli.common import usage_errors

    with usage_errors():
        envelope = sign(statement(release, report, cfg), key)
    try:
        out.write_text(json.dumps(envelope, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise _usage(f"cannot write the attestation: {exc.strerror or type(exc).__name__}") from None


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

        render_clean(results, console(highlight=False))
    raise typer.Exit(EXIT_PASS if ok else EXIT_BLOCK)

