"""``spillguard incident ...``: the response record once a file did go out (store, logs, roster,
holds, notices, report)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from spillguard.cli.common import (
    ConfigOpt,
    DbOpt,
    IncidentOpt,
    MapOpt,
    ShowOpt,
    _by,
    _config_or_exit,
    _mapping,
    _store,
    _usage,
    app,
    console,
    usage_errors,
)
from spillguard.errors import UsageError

incident_app = typer.Typer(no_args_is_help=True, help="When a file did go out: affected people, downloaders, report.")
app.add_typer(incident_app, name="incident")



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
    timezone: Annotated[str | None, typer.Option("--timezone", help="The office's time zone (IANA name), kept "
                                                                    "with the incident for every later command "
                                                                    "and the web app.")] = None,
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
    with usage_errors():
        times = [parse_time(t, n) for t, n in ((published_at, "--published-at"), (discovered_at, "--discovered-at"),
                                               (removed_at, "--removed-at"))]
    with usage_errors():
        result = open_incident(store, name, file, url or [], times[0], times[1], times[2], cfg,  # type: ignore[arg-type]
                               timezone=timezone)
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
    err = console(stderr=True)
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
    print(f"{found.new_requests:,} new request(s) for the file, {found.known_requests:,} already known"
          + (f" ({found.reread:,} read differently now: updated)" if found.reread else ""))
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

    with usage_errors():
        urls = add_url(_store(db), incident, url)
    print(f"{len(urls)} URL(s): " + ", ".join(urls))
    print("run `spillguard incident logs` again on the logs: requests for the new URL are read then")




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
    timezone: Annotated[str | None, typer.Option("--timezone", help="The zone of times the roster gives without "
                                                                    "one (IANA name) [default: the incident's, "
                                                                    "else UTC].")] = None,
    notice_date: Annotated[str | None, typer.Option("--notice-date", help="When notices go out (ISO date or "
                                                                          "date-time); today by default.")] = None,
    date_order: Annotated[list[str] | None, typer.Option(
        "--date-order", help="FIELD=dmy or FIELD=mdy for a date column whose values do not say which "
                             "(removal_date, birth_date).")] = None,
    duplicates: Annotated[str | None, typer.Option(
        "--duplicates", help="A person in rows that disagree: keep the first, the last, or the protective "
                             "row (the one that keeps a hold).")] = None,
    encoding: Annotated[str | None, typer.Option(
        "--encoding", help="The roster's encoding (cp1252, cp1250…) when its bytes do not say.")] = None,
    db: DbOpt = None, incident: IncidentOpt = None, config: ConfigOpt = None,
) -> None:
    """Match the affected people to the case system: exact on A-number, careful on name + birth date.
    Prints what it understood first; refuses (exit 1, store unchanged) what it could not."""
    import datetime as dt

    from spillguard.respond.roster import RosterRefused, match_roster, understand
    from spillguard.respond.roster_read import parse_when

    if not roster.is_file():
        raise _usage(f"no such file: {roster}")
    from spillguard.respond.incident import office_zone

    store = _store(db)
    with usage_errors():
        zone, _ = office_zone(store, incident, timezone)
    notice = parse_when(notice_date, zone) if notice_date else None
    if notice_date and notice is None:
        raise _usage(f"--notice-date {notice_date}: not a date")
    if notice is not None and len(notice_date.strip()) <= 10:  # a day: notices go out by its end
        notice = notice.replace(hour=23, minute=59)
    cfg = _config_or_exit(config, None, None, None, False)
    try:
        understood = understand(roster, _mapping(map_), _mapping(status, "--status"), zone,
                                _mapping(date_order, "--date-order"), duplicates, encoding)
    except RosterRefused as exc:
        print("\n".join(exc.understood.lines()))
        console(stderr=True).print(f"[bold red]spillguard: refused:[/] {exc} — nothing was written",
                                   highlight=False)
        raise typer.Exit(1) from None
    except UsageError as exc:
        raise _usage(str(exc)) from None
    print("\n".join(understood.lines()))
    with usage_errors():
        result = match_roster(store, incident, understood, {}, file, cfg, notice=notice or dt.datetime.now(dt.UTC))
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
        with usage_errors():
            inc = store.incident(s, incident)
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

    with usage_errors():
        set_hold(_store(db), incident, who, status, reason)
    print("hold status set")


@holds_app.command("export")
def holds_export(
    roster: Annotated[Path, typer.Option("--roster", help="The case-system export the A-numbers come from.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV to write for the case system.")],
    map_: MapOpt = None, db: DbOpt = None, incident: IncidentOpt = None,
) -> None:
    """The register as CSV for the case system, keyed by the roster's own A-numbers."""
    from spillguard.respond.roster import export_holds

    with usage_errors():
        n = export_holds(_store(db), incident, roster, _mapping(map_), output)
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


@incident_app.command("timezone")
def incident_timezone(
    name: Annotated[str, typer.Argument(help="The office's time zone (IANA name, e.g. America/New_York).",
                                        show_default=False)],
    db: DbOpt = None, incident: IncidentOpt = None,
) -> None:
    """Keep the office's time zone with the incident (audited): notices, letters, roster times and the
    web app use it unless a command is given --timezone."""
    from spillguard.respond.incident import set_zone

    with usage_errors():
        old = set_zone(_store(db), incident, name)
    print(f"time zone: {name}" + (f" (was {old})" if old and old != name else ""))


@incident_app.command("notices")
def incident_notices(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the documents.")],
    agency: Annotated[str, typer.Option(help="The agency's name as it signs the notices.")] = "[Agency name]",
    contact: Annotated[str, typer.Option(help="Where people can ask (phone, address, e-mail).")]
    = "[Privacy office contact]",
    templates: Annotated[Path | None, typer.Option(help="A folder of your own templates (same names).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also printable PDFs of the notices.")] = True,
    timezone: Annotated[str | None, typer.Option("--timezone", help="The agency's time zone for every date and "
                                                                    "time (IANA name) [default: the incident's, "
                                                                    "else UTC].")] = None,
    roster: Annotated[Path | None, typer.Option("--roster", help="The case-system export again: notices quote "
                                                                "the A-number for mailroom delivery.")] = None,
    map_: MapOpt = None, db: DbOpt = None, incident: IncidentOpt = None,
) -> None:
    """Notices to each affected person (their language), to each attorney of record, claw-back letters
    and removal requests to crawlers and archives."""
    from spillguard.respond.incident import office_zone
    from spillguard.respond.notices import write_documents

    if roster is not None and not roster.is_file():
        raise _usage(f"no such file: {roster}")
    store = _store(db)
    with usage_errors():
        zone, source = office_zone(store, incident, timezone)
    print(f"times in {getattr(zone, 'key', 'UTC')} ({source})")
    with usage_errors():
        w = write_documents(store, incident, output, agency, contact, templates, pdf=pdf, zone=zone,
                            roster=roster, mapping=_mapping(map_))
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
    with usage_errors():
        data = report(store, incident, show_values)
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


