"""The pages: publishers check files and download a cleaned copy; the privacy office runs
incidents (timeline, exposed people, downloaders, holds with audited changes) and reads the
watch alerts. Server-rendered (Jinja2), one small script for drag-and-drop, every asset in the
package. Sessions are signed cookies (HttpOnly, SameSite=Strict, Secure unless told otherwise);
every form carries a CSRF token bound to the session; a page without a session answers 401, a
page beyond the account's role 403."""

import datetime as dt
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func, or_, select
from starlette.middleware.sessions import SessionMiddleware

from spillguard.checks.content import ENTITY_WORDS
from spillguard.config import Config
from spillguard.respond.incident import HOLD_STATUSES as STATUSES
from spillguard.respond.models import Account, Alert, CheckHistory, Incident, Person
from spillguard.respond.store import Store, now
from spillguard.rules import PLACE_WORDS
from spillguard.scan import Scanner
from spillguard.web.accounts import (
    RANK,
    Busy,
    Throttle,
    change_password,
    list_tokens,
    open_session,
    revoke_session,
    revoke_token,
    session_account,
    set_disabled,
    verify,
)

if TYPE_CHECKING:
    from spillguard.web.app import Uploads

HERE = Path(__file__).parent
#: people a page of the register shows
REGISTER_PAGE = 100
#: the hold statuses in words a privacy officer uses
STATUS_LABELS = {"hold": "On hold", "removed_before_exposure": "Removed before the exposure",
                 "removed_during_exposure": "Removed during the exposure",
                 "removed_before_notice": "Removed before notice (review return)",
                 "removed_after_notice": "Removed after notice", "removed_date_unknown": "Removed, date unknown",
                 "released": "Released", "lifted": "Hold lifted", "unassessed": "Not yet assessed"}


def _in_words(text: str) -> str:
    """Entity codes in an explanation (``A_NUMBER``) as the words a reader uses (A-numbers)."""
    from spillguard.model import Entity

    codes = re.compile(r"\b(" + "|".join(sorted((e.value for e in Entity), key=len, reverse=True)) + r")\b")
    return codes.sub(lambda m: ENTITY_WORDS.get(Entity(m.group(1)), m.group(1)), text)


class Denied(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


def add_pages(app: FastAPI, store: Store, cfg: Config, uploads: "Uploads", max_upload: int,
              secure_cookies: bool = False, zone: dt.tzinfo = dt.UTC) -> None:
    import os

    from spillguard.web.app import save_uploads

    secret = os.environ.get("SPILLGUARD_SECRET") or secrets.token_urlsafe(32)
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="spillguard", same_site="strict",
                       https_only=secure_cookies or bool(os.environ.get("SPILLGUARD_SECURE_COOKIES")), max_age=8 * 3600)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    display_zone = zone

    def when(iso: str | None) -> str:
        """An ISO time from the store in the office's time zone, as people read it."""
        if not iso:
            return "—"
        t = dt.datetime.fromisoformat(iso)
        t = (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(display_zone)
        return f"{t:%a %d %b %Y, %H:%M} {t.tzname()}"

    env.filters["when"] = when

    def entity_words(code: str) -> str:
        from spillguard.model import Entity

        try:
            return ENTITY_WORDS.get(Entity(code), code)
        except ValueError:
            return code

    env.filters["entity"] = entity_words
    # cleaned copies and notices: a fresh owner-only folder (mkdtemp, 0700) of this process, never a
    # path that exists already (another local user's symlink), swept of copies past their hour
    def downloads() -> Path:
        if uploads.downloads is None:  # made when the first copy is written
            uploads.base.mkdir(parents=True, exist_ok=True)
            uploads.downloads = Path(tempfile.mkdtemp(prefix="spillguard-downloads-", dir=uploads.base))
        return uploads.downloads

    throttle = Throttle()

    def csrf(request: Request) -> str:
        if "csrf" not in request.session:
            request.session["csrf"] = secrets.token_urlsafe(24)
        return request.session["csrf"]

    def user(request: Request, minimum: str | None = "publisher") -> Account | None:
        account = session_account(store, request.session.get("sid"))  # revoked, expired or disabled: none
        if minimum is None:
            return account
        if account is None:
            raise Denied(401)
        if RANK[account.role] < RANK[minimum]:
            raise Denied(403)
        return account

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        uploads.sweep(every=60)  # copies past their hour go even when nobody uploads
        context.setdefault("user", user(request, None))
        context.setdefault("title", "spillguard")
        html = env.get_template(name).render(csrf=csrf(request), **context)
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})

    def check_csrf(request: Request, token: str) -> None:
        if not token or not secrets.compare_digest(token, request.session.get("csrf", "")):
            raise Denied(403)

    @app.exception_handler(Denied)
    def denied(request: Request, exc: Denied) -> HTMLResponse:
        words = {401: ("Please log in", "This page needs an account (or your session ended)."),
                 403: ("Not allowed", "Your account may not do this, or the form was stale: reload and try again."),
                 404: ("Not found", "There is no such incident or file (it may have expired).")}
        heading, message = words[exc.status]
        return page(request, "error.html", exc.status, heading=heading, message=message, login=exc.status == 401)

    def _incident_report(report: Callable[..., dict[str, Any]] | None, incident_id: int) -> dict[str, Any]:
        """The incident's report (or only its existence when ``report`` is None); 404 when there is none."""
        if not 0 < incident_id < 2**31:
            raise Denied(404)
        with store.session() as s:
            if s.get(Incident, incident_id) is None:
                raise Denied(404)
        return report(store, incident_id) if report is not None else {}

    def _own_download(request: Request, link: str) -> bool:
        m = re.fullmatch(r"/download/([A-Za-z0-9_-]+)/[A-Za-z0-9._%-]+", link)
        return m is not None and m.group(1) in request.session.get("tickets", [])

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request) -> HTMLResponse:
        return page(request, "login.html", title="Log in")

    @app.post("/login", include_in_schema=False)
    def login(request: Request, name: Annotated[str, Form()], password: Annotated[str, Form()],
              csrf_token: Annotated[str, Form(alias="csrf")] = "") -> Response:
        check_csrf(request, csrf_token)
        address = request.client.host if request.client else "-"
        wait = throttle.wait(name, address)
        if wait:
            response = page(request, "login.html", 429, title="Log in",
                            error=f"Too many failed log-ins: try again in {wait // 60 + 1} minutes.")
            response.headers["Retry-After"] = str(wait)
            return response
        try:
            account = verify(store, name, password)
        except Busy:
            return page(request, "login.html", 503, title="Log in", error="Busy: try again in a moment.")
        if account is None:
            throttle.failed(name, address)
            return page(request, "login.html", 401, title="Log in", error="Wrong account or password.")
        throttle.succeeded(name)
        request.session.clear()
        request.session["sid"] = open_session(store, account)
        request.session["csrf"] = secrets.token_urlsafe(24)
        return RedirectResponse("/incidents" if account.role == "privacy" else "/", status_code=303)

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf_token: Annotated[str, Form(alias="csrf")] = "") -> Response:
        check_csrf(request, csrf_token)
        revoke_session(store, request.session.get("sid"))  # the cookie is worthless from now on, even replayed
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    @app.get("/account", response_class=HTMLResponse, include_in_schema=False)
    def account_page(request: Request, message: str = "") -> HTMLResponse:
        user(request)
        return page(request, "account.html", title="My account", message=message)

    @app.post("/account/password", response_class=HTMLResponse, include_in_schema=False)
    def password(request: Request, current: Annotated[str, Form()], new: Annotated[str, Form()],
                 csrf_token: Annotated[str, Form(alias="csrf")] = "") -> Response:
        from spillguard.errors import UsageError

        account = user(request)
        check_csrf(request, csrf_token)
        try:
            change_password(store, account.name, new, old=current, actor=account.name)
        except UsageError as exc:
            return page(request, "account.html", 400, title="My account", message=str(exc))
        except Busy:
            return page(request, "account.html", 503, title="My account", message="Busy: try again in a moment.")
        request.session.clear()  # every session of the account ended, this one too
        return RedirectResponse("/login", status_code=303)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        user(request)
        return page(request, "upload.html", title="Check files")

    @app.post("/check", response_class=HTMLResponse, include_in_schema=False)
    def check_files(request: Request, files: Annotated[list[UploadFile], File()],
                    csrf_token: Annotated[str, Form(alias="csrf")] = "") -> HTMLResponse:
        from spillguard.clean import Options, clean_path

        account = user(request)
        check_csrf(request, csrf_token)
        folder = uploads.open()
        ticket = secrets.token_urlsafe(16)
        out = downloads() / ticket
        try:
            names = save_uploads(files, folder, max_upload)
            report = Scanner(cfg).run([folder])
            cleaned = None
            if report.blocked:
                results = clean_path(folder, out, Options(), cfg)
                links = [{"name": Path(p).name,
                          "href": f"/download/{ticket}/{quote(Path(p).relative_to(out).as_posix())}"}
                         for r in results for p in r.outputs]
                cleaned = {"ok": bool(results) and all(r.ok for r in results), "links": links}
        finally:
            uploads.done(folder)  # uploads live for the scan only, unless a retention is set
        prefix = folder.as_posix().rstrip("/") + "/"
        findings = [{"title": f.title, "severity": f.severity.label, "rule": f.rule, "why": _in_words(f.why),
                     "file": f.location.file.replace(prefix, "").split("!/", 1)[0],
                     "where": " · ".join(x for x in (PLACE_WORDS.get(f.visibility, f.visibility.value),
                                                     f"sheet '{f.location.sheet}'" if f.location.sheet else
                                                     f.location.part, f.location.file.replace(prefix, "")) if x),
                     "entities": [ENTITY_WORDS.get(e, e.value) for e in f.entities], "records": f.records,
                     "samples": f.samples, "blocks": f.severity >= cfg.fail_on or f.rule.startswith("SG9")}
                    for f in sorted(report.findings, key=lambda f: -f.severity)]
        # a verdict per file: which of the files blocks, and why, when several are checked at once
        per_file = [{"name": n, "blocked": any(f["blocks"] and f["file"] == n for f in findings),
                     "findings": sum(f["file"] == n for f in findings)} for n in names]
        verdict = {"blocked": report.blocked, "files": names, "findings": findings, "per_file": per_file,
                   "cleaned": cleaned}
        with store.session() as s:
            row = CheckHistory(account_id=account.id, at=now(), files=names, decision=report.decision,
                               findings=len(report.findings), verdict=verdict)
            s.add(row)
            s.commit()
            check_id = row.id
        if cleaned:
            request.session.setdefault("tickets", [])
            request.session["tickets"] = [*request.session["tickets"], ticket][-20:]
        return page(request, "verdict.html", title="Verdict", check_id=check_id, **verdict)

    @app.get("/history/{check_id}", response_class=HTMLResponse, include_in_schema=False)
    def verdict_again(request: Request, check_id: int) -> HTMLResponse:
        """A check's verdict page again (masked findings as shown then; cleaned copies while kept)."""
        account = user(request)
        with store.session() as s:
            row = s.get(CheckHistory, check_id) if 0 < check_id < 2**31 else None
            if row is None or row.account_id != account.id or not row.verdict:
                raise Denied(404)
            verdict = dict(row.verdict)
        cleaned = verdict.get("cleaned")
        if cleaned:  # links only to copies this session may still fetch
            cleaned = {**cleaned, "links": [link for link in cleaned["links"] if _own_download(request, link["href"])]}
        return page(request, "verdict.html", title="Verdict", check_id=check_id, again=True,
                    **{**verdict, "cleaned": cleaned})

    @app.get("/download/{ticket}/{name:path}", include_in_schema=False)
    def download(request: Request, ticket: str, name: str) -> FileResponse:
        user(request)
        if ticket not in request.session.get("tickets", []):
            raise Denied(403)
        target = (downloads() / ticket / name).resolve()
        if not target.is_relative_to((downloads() / ticket).resolve()):
            raise Denied(403)
        if not target.is_file():
            raise Denied(404)  # expired (swept after its hour) or never there
        # each file of a check is its own download; the folder is swept when its hour is over
        return FileResponse(target, filename=target.name)

    @app.get("/history", response_class=HTMLResponse, include_in_schema=False)
    def history(request: Request) -> HTMLResponse:
        account = user(request)
        with store.session() as s:
            rows = s.scalars(select(CheckHistory).where(CheckHistory.account_id == account.id)
                             .order_by(CheckHistory.id.desc()).limit(200)).all()
        return page(request, "history.html", title="My checks", history=[
            {"id": r.id, "at": r.at.strftime("%Y-%m-%d %H:%M"), "files": ", ".join(r.files), "decision": r.decision,
             "findings": r.findings, "kept": bool(r.verdict)} for r in rows])

    @app.get("/incidents", response_class=HTMLResponse, include_in_schema=False)
    def incidents(request: Request) -> HTMLResponse:
        user(request, "privacy")
        with store.session() as s:
            rows = s.scalars(select(Incident).order_by(Incident.id.desc())).all()
        return page(request, "incidents.html", title="Incidents", incidents=[
            {"id": i.id, "name": i.name, "file": i.file_name, "published": i.published_at.strftime("%Y-%m-%d %H:%M")}
            for i in rows])

    def show_incident(request: Request, incident_id: int, status: int = 200, **extra: Any) -> HTMLResponse:
        from spillguard.respond.incident import report
        from spillguard.respond.render import _hours, svg_chart

        data = _incident_report(report, incident_id)
        with store.session() as s:
            named = s.scalar(select(func.count()).select_from(Person).where(Person.incident_id == incident_id,
                                                                             Person.name.is_not(None))) or 0
        steps = []
        if data["timeline"]["removed"] is None:
            steps.append("Take the file down (and its copies on other addresses), then record when.")
        if not named:
            steps.append("Load the case-system roster below: it gives each person's name, language, custody and "
                         "attorney of record, and sets the removal holds.")
        if not data["downloaders"]:
            steps.append("Load the web logs below: they tell who downloaded the file, for the claw-back letters.")
        if data["holds"].get("unassessed"):
            steps.append(f"Review the {data['holds']['unassessed']:,} people not yet assessed in the register.")
        if named and data["downloaders"]:
            steps.append("Draft the notices and letters below, and send them once reviewed.")
        return page(request, "incident.html", status, title="Incident", r=data, statuses=STATUSES,
                    labels=STATUS_LABELS, chart=svg_chart(_hours(data)), steps=steps,
                    zone=getattr(_zone_of(incident_id), "key", "UTC"), **extra)

    def _zone_of(incident_id: int) -> dt.tzinfo:
        """The incident's own time zone (kept with it, as the CLI keeps it), else the server's."""
        from spillguard.respond.incident import office_zone

        zone_, source = office_zone(store, incident_id)
        return zone_ if source == "the incident's" else display_zone

    @app.get("/incidents/{incident_id}", response_class=HTMLResponse, include_in_schema=False)
    def incident(request: Request, incident_id: int, status: str = "", documents: str = "") -> Response:
        user(request, "privacy")
        if status:  # the register has its own page now; an old link lands there
            return RedirectResponse(f"/incidents/{incident_id}/register?status={quote(status)}", status_code=303)
        if documents and not _own_download(request, documents):
            documents = ""  # only a link to this session's own download, never an outside URL
        return show_incident(request, incident_id, documents=documents)

    @app.post("/incidents/{incident_id}/roster", response_class=HTMLResponse, include_in_schema=False)
    def roster_upload(request: Request, incident_id: int, file: Annotated[UploadFile, File()],
                      timezone: Annotated[str, Form()] = "UTC",
                      csrf_token: Annotated[str, Form(alias="csrf")] = "") -> HTMLResponse:
        """The roster from the page: what was understood is shown; a roster that cannot be used
        is refused with its reasons and nothing is written."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        from spillguard.errors import UsageError
        from spillguard.respond.roster import RosterRefused, match_roster, understand

        account = user(request, "privacy")
        check_csrf(request, csrf_token)
        _incident_report(None, incident_id)
        try:
            zone = ZoneInfo(timezone.strip() or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            return show_incident(request, incident_id, 422, message=f"{timezone!r} is not a time zone name.",
                                 failed=True)
        folder = uploads.open()
        try:
            [saved] = save_uploads([file], folder, max_upload)
            try:
                understood = understand(folder / saved, {}, zone=zone)
            except RosterRefused as exc:
                return show_incident(request, incident_id, 422, failed=True, understood="\n".join(
                    exc.understood.lines()), message=f"Refused, nothing written: {exc}")
            except UsageError as exc:
                return show_incident(request, incident_id, 422, failed=True, message=str(exc))
            result = match_roster(store, incident_id, understood, {}, None, cfg, actor=account.name)
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # the roster is read, never kept
        return show_incident(request, incident_id, understood="\n".join(understood.lines()),
                             message=f"{result.matched:,} affected people matched in {result.roster_rows:,} roster "
                                     f"rows; {len(result.not_in_roster):,} not in the roster, "
                                     f"{len(result.ambiguous):,} ambiguous (for review).")

    @app.post("/incidents/{incident_id}/logs", response_class=HTMLResponse, include_in_schema=False)
    def logs_upload(request: Request, incident_id: int, files: Annotated[list[UploadFile], File()],
                    csrf_token: Annotated[str, Form(alias="csrf")] = "") -> HTMLResponse:
        from spillguard.errors import UsageError
        from spillguard.respond.incident import ingest_logs
        from spillguard.respond.logs import LogFormatError

        account = user(request, "privacy")
        check_csrf(request, csrf_token)
        _incident_report(None, incident_id)
        folder = uploads.open()
        try:
            names = save_uploads(files, folder, max_upload)
            try:
                found = ingest_logs(store, incident_id, [folder / n for n in names], actor=account.name)
            except (LogFormatError, UsageError) as exc:
                return show_incident(request, incident_id, 422, failed=True,
                                     message=f"Refused, nothing changed: {exc}")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        formats = ", ".join(sorted({f.format for f in found.files}))
        return show_incident(request, incident_id, message=(
            f"Read {formats}: {found.new_requests:,} new requests for the file; {len(found):,} downloaders in the "
            f"window, {len(found.outside):,} outside it, {sum(found.not_downloads.values()):,} HEAD/304 requests "
            "(no copy)." + (f" {found.unreadable:,} damaged lines not counted." if found.unreadable else "")))

    @app.get("/incidents/{incident_id}/register", response_class=HTMLResponse, include_in_schema=False)
    def register(request: Request, incident_id: int, status: str = "", q: str = "",
                 page_no: int = Query(1, alias="page", ge=1, le=2**31 - 1)) -> HTMLResponse:
        """The removal-hold register, paginated in the store: search by name, A-number or facility,
        filter by every status and 'unassessed', edit in place."""
        user(request, "privacy")
        _incident_report(None, incident_id)
        q = q.strip()[:200]
        with store.session() as s:
            base = select(Person).where(Person.incident_id == incident_id)
            if status == "unassessed":
                base = base.where(Person.hold_status.is_(None))
            elif status in STATUSES:
                base = base.where(Person.hold_status == status)
            if q:
                like = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                terms = [Person.name.ilike(like, escape="\\"), Person.facility.ilike(like, escape="\\")]
                digits = re.sub(r"\D", "", q)
                if 8 <= len(digits) <= 9:  # an A-number: matched through the store's keyed hash
                    terms.append(Person.key == store.hmac(f"A:{digits.zfill(9)}"))
                base = base.where(or_(*terms))
            total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
            pages = max(1, -(-total // REGISTER_PAGE))
            page_no = min(max(1, page_no), pages)
            people = s.scalars(base.order_by(Person.id).offset((page_no - 1) * REGISTER_PAGE).limit(REGISTER_PAGE)
                               ).all()
            counts = dict(s.execute(select(Person.hold_status, func.count()).where(Person.incident_id == incident_id)
                                    .group_by(Person.hold_status)).all())
        here = f"/incidents/{incident_id}/register?" + urlencode({"status": status, "q": q})
        return page(request, "register.html", title="Removal holds", incident_id=incident_id, people=people,
                    statuses=STATUSES, labels=STATUS_LABELS, shown=status, q=q, total=total, page_no=page_no,
                    pages=pages, first=(page_no - 1) * REGISTER_PAGE + 1, here=here,
                    counts={"unassessed": counts.get(None, 0), **{k: counts.get(k, 0) for k in STATUSES}})

    @app.post("/incidents/{incident_id}/holds/{person_id}", include_in_schema=False)
    def set_hold(request: Request, incident_id: int, person_id: int, status: Annotated[str, Form()],
                 reason: Annotated[str, Form()], csrf_token: Annotated[str, Form(alias="csrf")] = "",
                 back: Annotated[str, Form()] = "") -> Response:
        account = user(request, "privacy")
        check_csrf(request, csrf_token)
        if status not in STATUSES or not reason.strip():
            raise Denied(403)
        with store.session() as s:
            person = s.get(Person, person_id) if 0 < person_id < 2**31 else None
            if person is None or person.incident_id != incident_id:
                raise Denied(404)
            old = person.hold_status
            person.hold_status, person.hold_reason = status, reason.strip()
            incident = s.get(Incident, incident_id)
            store.audit(s, incident, "hold", actor=account.name, key=person.key[:12], old=old, new=status,
                        reason=reason.strip())
            s.commit()
        if "application/json" in request.headers.get("accept", ""):  # the in-place edit: no page reload
            return JSONResponse({"status": status, "label": STATUS_LABELS[status], "reason": reason.strip()})
        register_path = f"/incidents/{incident_id}/register"
        target = back if back.startswith(register_path + "?") and "//" not in back else register_path
        return RedirectResponse(target, status_code=303)  # back to the same filter and search

    @app.post("/incidents/{incident_id}/notices", include_in_schema=False)
    def notices(request: Request, incident_id: int, agency: Annotated[str, Form()], contact: Annotated[str, Form()],
                csrf_token: Annotated[str, Form(alias="csrf")] = "") -> Response:
        """Drafting thousands of notices takes a while: a background job, its page at once."""
        from spillguard.respond.notices import write_documents
        from spillguard.web import jobs

        account = user(request, "privacy")
        check_csrf(request, csrf_token)
        _incident_report(None, incident_id)
        ticket = secrets.token_urlsafe(16)
        folder = downloads() / ticket
        name = f"incident-{incident_id}-documents"

        def work(progress: Callable[[int, int], None]) -> str:
            work_dir = folder / "documents"
            write_documents(store, incident_id, work_dir, agency, contact, pdf=False, progress=progress,
                            zone=_zone_of(incident_id))
            shutil.make_archive(str(folder / name), "zip", work_dir)
            shutil.rmtree(work_dir)
            with store.session() as s:
                store.audit(s, s.get(Incident, incident_id), "documents-web", actor=account.name)
                s.commit()
            return f"/download/{ticket}/{name}.zip"

        job_id = jobs.start(store, "notices", account.id, incident_id, work)
        request.session["tickets"] = [*request.session.get("tickets", []), ticket][-20:]
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(request: Request, job_id: int) -> HTMLResponse:
        from spillguard.web import jobs

        account = user(request)
        job = jobs.get(store, job_id) if 0 < job_id < 2**31 else None
        if job is None or (job.account_id != account.id and account.role != "admin"):
            raise Denied(404)
        result = job.result if job.state == "done" and _own_download(request, job.result) else ""
        return page(request, "job.html", title="Job", job=job, result=result,
                    refresh=job.state in ("queued", "running"))

    @app.get("/admin", response_class=HTMLResponse, include_in_schema=False)
    def admin(request: Request, message: str = "") -> HTMLResponse:
        user(request, "admin")
        with store.session() as s:
            rows = s.scalars(select(Account).order_by(Account.name)).all()
        return page(request, "admin.html", title="Accounts", message=message, accounts=[
            {"name": a.name, "role": a.role, "since": a.created_at.strftime("%Y-%m-%d"), "disabled": a.disabled,
             "tokens": [t for t in list_tokens(store, a.name) if t["revoked"] is None]} for a in rows])

    @app.post("/admin/users/{name}/{action}", response_class=HTMLResponse, include_in_schema=False)
    def admin_account(request: Request, name: str, action: str, token_id: Annotated[int, Form()] = 0,
                      csrf_token: Annotated[str, Form(alias="csrf")] = "") -> HTMLResponse:
        from spillguard.errors import UsageError

        me = user(request, "admin")
        check_csrf(request, csrf_token)
        try:
            if action in ("disable", "enable"):
                if action == "disable" and name == me.name:
                    raise UsageError("you cannot disable your own account")
                set_disabled(store, name, action == "disable", actor=me.name)
                message = f"Account {name} {action}d."
            elif action == "revoke-token":
                revoke_token(store, name, token_id, actor=me.name)
                message = f"Token {token_id} of {name} revoked."
            else:
                raise Denied(404)
        except UsageError as exc:
            message = str(exc)
        return admin(request, message)

    @app.post("/admin/users", response_class=HTMLResponse, include_in_schema=False)
    def admin_add(request: Request, name: Annotated[str, Form()], role: Annotated[str, Form()],
                  password: Annotated[str, Form()],
                  csrf_token: Annotated[str, Form(alias="csrf")] = "") -> HTMLResponse:
        from spillguard.errors import UsageError
        from spillguard.web.accounts import add_user

        user(request, "admin")
        check_csrf(request, csrf_token)
        try:
            add_user(store, name.strip(), password, role)
            message = f"Account {name.strip()} ({role}) added."
        except UsageError as exc:
            message = str(exc)
        return admin(request, message)

    @app.post("/admin/tokens", response_class=HTMLResponse, include_in_schema=False)
    def admin_token(request: Request, name: Annotated[str, Form()], label: Annotated[str, Form()],
                    csrf_token: Annotated[str, Form(alias="csrf")] = "") -> HTMLResponse:
        from spillguard.errors import UsageError
        from spillguard.web.accounts import create_token

        user(request, "admin")
        check_csrf(request, csrf_token)
        try:
            message = f"Token for {name} (shown once, copy it now): {create_token(store, name.strip(), label)}"
        except UsageError as exc:
            message = str(exc)
        return admin(request, message)

    @app.post("/alerts/{alert_id}/incident", include_in_schema=False)
    def incident_from_alert(request: Request, alert_id: int, name: Annotated[str, Form()],
                            file: Annotated[UploadFile, File()],
                            csrf_token: Annotated[str, Form(alias="csrf")] = "") -> Response:
        from spillguard.respond.incident import open_incident

        user(request, "privacy")
        check_csrf(request, csrf_token)
        with store.session() as s:
            alert = s.get(Alert, alert_id) if 0 < alert_id < 2**31 else None
        if alert is None:
            raise Denied(403)
        folder = uploads.open()
        try:
            [saved] = save_uploads([file], folder, max_upload)
            first = alert.first_seen if alert.first_seen.tzinfo else alert.first_seen.replace(tzinfo=dt.UTC)
            raised = alert.raised_at if alert.raised_at.tzinfo else alert.raised_at.replace(tzinfo=dt.UTC)
            opened = open_incident(store, name.strip() or alert.url, folder / saved, [alert.url], first, raised, None,
                                   cfg)
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # the leaked file is hashed, never kept (no retention)
        return RedirectResponse(f"/incidents/{opened['incident']}", status_code=303)

    @app.get("/alerts", response_class=HTMLResponse, include_in_schema=False)
    def alerts(request: Request, message: str = "") -> HTMLResponse:
        user(request, "privacy")
        with store.session() as s:
            rows = s.scalars(select(Alert).order_by(Alert.id.desc()).limit(200)).all()
        return page(request, "alerts.html", title="Alerts", message=message, alerts=[
            {"id": a.id, "url": a.url, "first_seen": a.first_seen.strftime("%Y-%m-%d %H:%M:%S"),
             "rules": ", ".join(sorted({f["rule"] for f in a.findings}))} for a in rows])

