"""``spillguard fingerprint build | match`` and ``spillguard watch``: finding the data where it
should not be, after publication."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from spillguard.cli.common import (
    EXIT_BLOCK,
    EXIT_PASS,
    ConfigOpt,
    DbOpt,
    _config_or_exit,
    _guarded_key,
    _store,
    _usage,
    app,
)

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

    from spillguard.files import iter_files
    from spillguard.monitor.fingerprint import Fingerprints, load_key, match

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
            from spillguard.files import iter_files

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


