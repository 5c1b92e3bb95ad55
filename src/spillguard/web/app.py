"""The HTTP API, documented by its OpenAPI schema (``/openapi.json``; Swagger UI at ``/docs`` with
``spillguard serve --docs``, as it loads its scripts from a public CDN).

- ``GET /api/v1/rules``: the rule catalogue.
- ``POST /api/v1/scan`` (multipart ``files``): the JSON report of ``spillguard scan``.
- ``POST /api/v1/check`` (multipart ``release`` and optional ``previous``): the report of
  ``spillguard check`` — scan, declared intent, disclosure risk, diff — with its decision.
- ``GET /api/v1/incidents``, ``GET /api/v1/incidents/{id}``: the incident reports (privacy role).

Machine clients authenticate with ``Authorization: Bearer <token>`` (``spillguard tokens
create``); 401 without a valid token, 403 when the account's role is not enough. Uploads are
written to a private temporary folder for the scan only and deleted as soon as it ends;
their total size is capped. Error bodies never carry file content.
"""

# no `from __future__ import annotations`: FastAPI reads these annotations at run time (closures too)

import contextlib
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Header, HTTPException, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from sqlalchemy import select

from spillguard import __version__
from spillguard.config import Config
from spillguard.errors import UsageError
from spillguard.report import json as json_report
from spillguard.respond.models import Account, Incident
from spillguard.respond.store import Store
from spillguard.rules import RULES
from spillguard.scan import Scanner
from spillguard.web.accounts import RANK, account_for_token, session_account

MAX_UPLOAD = 512 * 1024 * 1024
#: what multipart framing adds to the files themselves (boundaries, part headers, the CSRF field)
MULTIPART_OVERHEAD = 1 << 20


def _safe_name(name: str | None, index: int) -> str:
    """The upload's base name only: no folders, no traversal, nothing hidden, no control
    characters, and short enough for any file system (200 bytes, the extension kept)."""
    base = PurePosixPath((name or "").replace("\\", "/")).name.lstrip(".")
    base = "".join(c for c in base if c.isprintable())
    if len(base.encode()) > 200:
        stem, dot, ext = base.rpartition(".")
        ext = ext[:16] if dot else ""
        stem = (stem if dot else base).encode()[: 200 - len(ext) - 1].decode("utf-8", "ignore")
        base = f"{stem}.{ext}" if ext else stem
    return base or f"upload-{index}"


def save_uploads(files: list[UploadFile], folder: Path, max_upload: int) -> list[str]:
    """Write the uploads into ``folder`` under their base names; 413 past ``max_upload`` bytes."""
    total = 0
    names = []
    for i, upload in enumerate(files):
        target = folder / _safe_name(upload.filename, i)
        if target.exists():
            target = folder / f"{i}-{target.name}"
        with target.open("wb") as out:
            while block := upload.file.read(1 << 20):
                total += len(block)
                if total > max_upload:
                    raise HTTPException(413, f"uploads over {max_upload:,} bytes are refused")
                out.write(block)
        names.append(target.name)
    return names


def workspace(upload_dir: Path | None) -> Path:
    """A private folder for one request's uploads (removed when the request ends)."""
    base = upload_dir or Path(tempfile.gettempdir())
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="spillguard-upload-", dir=base))


class Uploads:
    """Where one request's uploads live, and what happens to them after the scan.

    By default (``retain_hours=0``) an upload folder is deleted as soon as its request ends. A
    positive retention moves it to ``spillguard-retained/`` (owner-only) instead, and every later
    request sweeps out retained folders (and unclaimed cleaned copies) older than that many hours."""

    def __init__(self, upload_dir: Path | None, retain_hours: float = 0.0) -> None:
        self.base = upload_dir or Path(tempfile.gettempdir())
        self.retain_hours = max(0.0, retain_hours)
        #: the web pages' owner-only folder of cleaned copies and notices (set by add_pages)
        self.downloads: Path | None = None
        self._swept = 0.0

    def open(self) -> Path:
        self.sweep()
        return workspace(self.base)

    def done(self, folder: Path) -> None:
        if not self.retain_hours:
            shutil.rmtree(folder, ignore_errors=True)
            return
        kept = self.base / "spillguard-retained"
        kept.mkdir(mode=0o700, exist_ok=True)
        folder.rename(kept / f"{int(time.time())}-{folder.name}")

    def sweep(self, downloads_hours: float = 1.0, every: float = 0.0) -> None:
        """Remove retained uploads past their time, and cleaned copies and notices past their hour;
        ``every``: not again within that many seconds (pages call it on their way)."""
        now = time.time()
        if every and now - self._swept < every:
            return
        self._swept = now
        for folder, hours in ((self.base / "spillguard-retained", self.retain_hours),
                              (self.downloads, downloads_hours)):
            if folder is None or not folder.is_dir() or folder.is_symlink():
                continue
            for child in folder.iterdir():
                with contextlib.suppress(OSError):
                    if now - child.stat().st_mtime > hours * 3600:
                        shutil.rmtree(child, ignore_errors=True)


def report_json(report: Any, *folders: Path) -> dict[str, Any]:
    """The CLI's JSON report, with the server's folders taken out of the file names."""
    data = json_report.to_dict(report)
    for item in (*data["findings"], *data["errors"]):
        for folder in folders:
            item["file"] = item["file"].replace(folder.as_posix().rstrip("/") + "/", "", 1)
    return data


def role_checker(store: Store) -> Callable[[str], Callable[..., Account]]:
    """A FastAPI dependency factory: the bearer token's account, at least of the given role."""

    def role(minimum: str) -> Callable[..., Account]:
        def check(authorization: Annotated[str | None, Header()] = None) -> Account:
            scheme, _, token = (authorization or "").partition(" ")
            account = account_for_token(store, token.strip()) if scheme.lower() == "bearer" and token else None
            if account is None:
                raise HTTPException(401, "a valid API token is needed", headers={"WWW-Authenticate": "Bearer"})
            if RANK[account.role] < RANK[minimum]:
                raise HTTPException(403, f"the {account.role} role may not do this")
            return account
        return check

    return role


def create_app(db: str | None = None, config: Config | None = None, upload_dir: Path | None = None,
               max_upload: int = MAX_UPLOAD, retain_hours: float = 0.0, docs: bool = False,
               timezone: str | None = None) -> FastAPI:
    """``docs``: serve Swagger UI at /docs (it loads its scripts from a public CDN: off by default;
    the schema is always at /openapi.json). ``timezone``: the office's, for times on the pages
    (IANA name; default ``$SPILLGUARD_TIMEZONE``, else UTC)."""
    import os
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone or os.environ.get("SPILLGUARD_TIMEZONE") or "UTC")
    store = Store(db)
    uploads = Uploads(upload_dir, retain_hours)
    cfg = config or Config()
    app = FastAPI(title="spillguard", version=__version__, docs_url="/docs" if docs else None, redoc_url=None,
                  description="Stops personal data from spilling onto public websites.")
    role = role_checker(store)

    @app.get("/api/v1/rules", summary="The rule catalogue")
    def rules() -> list[dict[str, str]]:
        return [{"code": r.code, "name": r.name, "severity": r.default.label, "summary": r.summary}
                for r in RULES.values()]

    @app.post("/api/v1/scan", summary="Scan files: the JSON report of `spillguard scan`")
    def scan(files: Annotated[list[UploadFile], File(description="The files to publish")],
             _: Annotated[Account, Depends(role("publisher"))]) -> JSONResponse:
        folder = uploads.open()
        try:
            save_uploads(files, folder, max_upload)
            report = Scanner(cfg).run([folder])
            return JSONResponse(report_json(report, folder))
        finally:
            uploads.done(folder)  # uploads live for the scan only, unless a retention is set

    @app.post("/api/v1/check", summary="The publishing gate: scan + intent + disclosure risk + diff")
    def check(release: Annotated[list[UploadFile], File(description="The release to publish")],
              _: Annotated[Account, Depends(role("publisher"))],
              previous: Annotated[list[UploadFile] | None, File(description="The last published release")] = None,
              ) -> JSONResponse:
        from spillguard.release import check as run_check

        folder = uploads.open()
        try:
            (folder / "release").mkdir()
            save_uploads(release, folder / "release", max_upload)
            prev = None
            if previous:
                prev = folder / "previous"
                prev.mkdir()
                save_uploads(previous, prev, max_upload)
            try:
                report = run_check(folder / "release", prev, cfg)
            except UsageError as exc:
                raise HTTPException(400, str(exc)) from None
            return JSONResponse(report_json(report, folder / "release", folder))
        finally:
            uploads.done(folder)

    @app.get("/api/v1/incidents", summary="Incidents (privacy office)")
    def incidents(_: Annotated[Account, Depends(role("privacy"))]) -> list[dict[str, Any]]:
        with store.session() as s:
            rows = s.scalars(select(Incident).order_by(Incident.id.desc())).all()
            return [{"id": i.id, "name": i.name, "file": i.file_name, "published_at": i.published_at.isoformat()}
                    for i in rows]

    @app.get("/api/v1/incidents/{incident_id}", summary="One incident's report (privacy office)")
    def incident(incident_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)],
                 _: Annotated[Account, Depends(role("privacy"))]) -> dict[str, Any]:
        from spillguard.respond.incident import report

        try:
            return report(store, incident_id)
        except UsageError as exc:
            raise HTTPException(404, str(exc)) from None

    from spillguard.web.pages import add_pages
    from spillguard.web.security import BodyGate, SecurityHeaders

    # inside the session middleware that add_pages puts around it: who and how much, before the body
    app.add_middleware(BodyGate, max_body=max_upload + MULTIPART_OVERHEAD,
                       token_user=lambda token: getattr(account_for_token(store, token), "name", None),
                       session_user=lambda sid: getattr(session_account(store, sid), "name", None))
    add_pages(app, store, cfg, uploads, max_upload, zone=zone)
    app.add_middleware(SecurityHeaders)
    return app
