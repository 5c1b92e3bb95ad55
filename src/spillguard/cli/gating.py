"""``spillguard gate serve | config | report``, ``spillguard keys create`` and ``spillguard verify``:
the gate where files are served, and verdicts bound to the bytes they judged."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from spillguard.cli.common import (
    EXIT_BLOCK,
    EXIT_PASS,
    ConfigOpt,
    DbOpt,
    _config_or_exit,
    _store,
    _usage,
    app,
    usage_errors,
)

gate_app = typer.Typer(no_args_is_help=True, help="Enforce the gate where files are served (nginx, Apache).")
app.add_typer(gate_app, name="gate")
keys_app = typer.Typer(no_args_is_help=True, help="Signing keys for attested verdicts.")
app.add_typer(keys_app, name="keys")

TrustOpt = Annotated[list[Path] | None, typer.Option("--trust", help="A trusted Ed25519 public key (PEM; repeatable).")]
MaxAgeOpt = Annotated[float, typer.Option("--max-age", help="Days an attestation stays valid.")]


def _keys(paths: list[Path] | None) -> list:
    from spillguard.attest import public_key

    with usage_errors():
        return [public_key(p) for p in paths or []]


@gate_app.command("serve")
def gate_serve(
    webroot: Annotated[Path, typer.Argument(help="The directory the web server serves.", show_default=False)],
    url_prefix: Annotated[list[str] | None, typer.Option(
        "--url-prefix", help="Gate only the files under this URL path (repeatable) [default: every file].")] = None,
    host: Annotated[str, typer.Option(help="Address to listen on (keep it on loopback).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="HTTP port, for nginx's auth_request.")] = 8181,
    fcgi_port: Annotated[int | None, typer.Option("--fcgi-port", help="FastCGI port, for Apache's "
                                                                      "mod_authnz_fcgi.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Serve everything; record and alert what would "
                                                            "be refused (see `gate report`).")] = False,
    budget: Annotated[float, typer.Option(help="Seconds a request waits for a new file's scan before 503.")] = 2.0,
    retry_after: Annotated[int, typer.Option(help="Retry-After (s) of that 503.")] = 5,
    workers: Annotated[int, typer.Option(min=1, help="Scanning worker processes.")] = 1,
    survey_pause: Annotated[float, typer.Option(help="Seconds between two files of the first pass over the "
                                                     "files already under the root.")] = 0.2,
    no_survey: Annotated[bool, typer.Option("--no-survey", help="Skip the first pass (files are judged "
                                                                "on request).")] = False,
    polling: Annotated[bool, typer.Option("--polling", help="Poll the web root instead of file events.")] = False,
    trust: TrustOpt = None,
    attestations: Annotated[Path | None, typer.Option(help="Folder of signed verdicts (DSSE envelopes).")] = None,
    max_age: MaxAgeOpt = 30.0,
    accept_config: Annotated[list[str] | None, typer.Option(
        "--accept-config", help="Also take attestations made with these configuration digests.")] = None,
    public_url: Annotated[str, typer.Option(help="The site's address, for alerts about arriving files.")]
    = "http://localhost",
    webhook: Annotated[str | None, typer.Option(help="POST a JSON alert to this URL.")] = None,
    smtp: Annotated[str | None, typer.Option(help="HOST:PORT of a mail relay for alerts.")] = None,
    mail_to: Annotated[list[str] | None, typer.Option("--mail-to", help="Alert recipient (repeatable).")] = None,
    mail_from: Annotated[str, typer.Option(help="Sender of alert mails.")] = "spillguard@localhost",
    db: DbOpt = None, config: ConfigOpt = None,
) -> None:
    """The authorization service web servers ask before serving a file (runs until stopped)."""
    import logging
    import signal
    import sys
    import threading

    from spillguard.gate import fastcgi, http
    from spillguard.gate.core import Gate, Options
    from spillguard.gate.trust import Attestations
    from spillguard.monitor.watch import Alerting, watch_webroot

    if not webroot.is_dir():
        raise _usage(f"no such directory: {webroot}")
    if attestations is not None and not attestations.is_dir():
        raise _usage(f"--attestations: no such directory: {attestations}")
    if (attestations is None) != (not trust):
        raise _usage("--trust and --attestations go together")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("spillguard-gate: %(message)s"))
    gate_log = logging.getLogger("spillguard.gate")
    gate_log.addHandler(handler)
    gate_log.setLevel(logging.INFO)
    cfg = _config_or_exit(config, None, None, None, False)
    trusted = None
    if attestations is not None:
        trusted = Attestations(attestations, _keys(trust), dt.timedelta(days=max_age), tuple(accept_config or ()))
    options = Options(dry_run=dry_run, budget=budget, retry_after=retry_after, workers=workers,
                      survey_pause=survey_pause, public_url=public_url)
    try:
        gate = Gate(str(webroot), tuple(url_prefix or ("/",)), _store(db), cfg,
                    Alerting(webhook, smtp, list(mail_to or []), mail_from, console=False), options, trusted)
    except ValueError as exc:
        raise _usage(str(exc)) from None
    try:
        front = [http.server(gate, host, port)]
        if fcgi_port is not None:
            front.append(fastcgi.server(gate, host, fcgi_port))
    except OSError as exc:
        gate.close()
        raise _usage(f"cannot listen on {host}: {exc.strerror}") from None
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    http.serve_in_thread(front[0])
    if fcgi_port is not None:
        fastcgi.serve_in_thread(front[1])  # type: ignore[arg-type]
    from spillguard.attest import config_digest

    print(f"gate {'(dry run) ' if dry_run else ''}listening on http://{host}:{port}"
          + (f" and fcgi://{host}:{fcgi_port}" if fcgi_port is not None else "")
          + f"; configuration {config_digest(gate.config)}; Ctrl-C stops", flush=True)
    arrivals = threading.Thread(target=watch_webroot, args=(gate, webroot, public_url, stop),
                                kwargs={"polling": polling, "initial": False}, daemon=True)
    arrivals.start()
    if not no_survey:
        threading.Thread(target=gate.survey, args=(stop,), daemon=True).start()
    stop.wait()
    for srv in front:
        srv.shutdown()
        srv.server_close()
    gate.close()


class Server(StrEnum):
    nginx = "nginx"
    apache = "apache"


@gate_app.command("config")
def gate_config(
    server: Annotated[Server, typer.Argument(help="nginx or apache.", show_default=False)],
    webroot: Annotated[Path, typer.Option("--webroot", help="The directory to serve.")],
    gate: Annotated[str, typer.Option("--gate", help="The gate: http://H:P (nginx) or fcgi://H:P2 (apache).")],
    listen: Annotated[str, typer.Option("--listen", help="Address the web server listens on.")] = "127.0.0.1:8080",
    run_dir: Annotated[Path | None, typer.Option("--run-dir", help="Where the server keeps its pid, logs and "
                                                                   "temporary files [default: ./spillguard-SERVER].")]
    = None,
    user: Annotated[str, typer.Option("--user", help="The user the server's workers run as (when started "
                                                     "as root).")] = "www-data",
    fail_open: Annotated[bool, typer.Option("--fail-open", help="nginx only: serve when the gate does not "
                                                                "answer (default: refuse).")] = False,
) -> None:
    """Print a complete server configuration that serves WEBROOT through the gate."""
    from spillguard.gate.servers import Site, apache, nginx

    if not webroot.is_dir():
        raise _usage(f"no such directory: {webroot}")
    run = (run_dir or Path(f"spillguard-{server.value}")).resolve()
    site = Site(webroot=str(webroot.resolve()), gate=gate, listen=listen, run_dir=str(run), user=user,
                fail_open=fail_open)
    with usage_errors():
        text = nginx(site) if server is Server.nginx else apache(site)
    run.mkdir(mode=0o755, parents=True, exist_ok=True)
    typer.echo(text, nl=False)


@gate_app.command("report")
def gate_report(
    dry_run_only: Annotated[bool, typer.Option("--dry-run-only", help="Only what a dry run would have "
                                                                      "refused.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
    db: DbOpt = None,
) -> None:
    """The files the gate refused, or in a dry run would have refused: URL, rule codes, requests."""
    import json

    from sqlalchemy import select

    from spillguard.respond.models import GateEvent

    store = _store(db)
    with store.session() as s:
        query = select(GateEvent).order_by(GateEvent.first_at, GateEvent.id)
        if dry_run_only:
            query = query.where(GateEvent.mode == "dry-run")
        rows = [{"url": e.url, "path": e.path, "mode": e.mode, "rules": e.rules, "requests": e.requests,
                 "sha256": e.sha256, "first": e.first_at.isoformat(), "last": e.last_at.isoformat()}
                for e in s.scalars(query)]
    if json_out:
        typer.echo(json.dumps({"files": rows}, indent=2))
        return
    if not rows:
        typer.echo("nothing refused")
        return
    for row in rows:
        rules = ", ".join(f"{code}×{n}" if n > 1 else code for code, n in row["rules"].items())
        action = "would refuse" if row["mode"] == "dry-run" else "refused"
        typer.echo(f"{action}  {row['url']}  [{rules}]  {row['requests']} request(s)  first {row['first'][:19]}")
    typer.echo(f"{len(rows)} file(s)")


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option("--name", help="File name of the pair (NAME.key, NAME.pub).")] = "spillguard",
    folder: Annotated[Path | None, typer.Option("--dir", help="Where to keep them [default: the folder of the "
                                                              "project's other keys].")] = None,
) -> None:
    """An Ed25519 key pair for `check --attest` (private key owner-only, PEM)."""
    from spillguard.attest import create_keys
    from spillguard.respond.store import key_dir

    with usage_errors():
        private, public = create_keys(folder or key_dir(), name)
    typer.echo(f"private key {private} (keep it in CI's secrets)\npublic key  {public} (give it to the gate: --trust)")


@app.command()
def verify(
    attestation: Annotated[Path, typer.Argument(help="The signed verdict (DSSE envelope).", show_default=False)],
    files: Annotated[list[Path], typer.Argument(help="Files to check against it.", show_default=False)],
    trust: TrustOpt = None,
    max_age: MaxAgeOpt = 30.0,
) -> None:
    """Check that each file is covered, byte for byte, by a passing verdict signed by a trusted key."""
    from spillguard.attest import Invalid, file_sha256, open_envelope

    if not trust:
        raise _usage("--trust PUBKEY: verify against which key?")
    missing = [str(p) for p in (attestation, *files) if not p.is_file()]
    if missing:
        raise _usage(f"no such file: {', '.join(missing)}")
    try:
        attested = open_envelope(attestation.read_bytes(), _keys(trust))
    except Invalid as exc:
        typer.echo(f"{attestation}: INVALID: {exc}")
        raise typer.Exit(EXIT_BLOCK) from None
    by_sha = {a.sha256: a for a in attested}
    ok = True
    moment = dt.datetime.now(dt.UTC)
    for path in files:
        found = by_sha.get(file_sha256(path))
        if found is None:
            typer.echo(f"{path}: NOT COVERED (these bytes are not in the attestation)")
            ok = False
        elif moment - found.time > dt.timedelta(days=max_age):
            typer.echo(f"{path}: EXPIRED (attested {found.time:%Y-%m-%d}, older than {max_age:g} days)")
            ok = False
        elif found.decision != "pass":
            typer.echo(f"{path}: BLOCK attested as {found.name} [{', '.join(found.rules)}]")
            ok = False
        else:
            typer.echo(f"{path}: PASS attested as {found.name} on {found.time:%Y-%m-%d %H:%M}Z, "
                       f"key {found.keyid[:16]}, configuration {found.config_digest[:23]}")
    raise typer.Exit(EXIT_PASS if ok else EXIT_BLOCK)
