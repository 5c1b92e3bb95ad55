"""spillguard watch against real servers on loopback: a generated site (robots.txt, sitemap,
HTML pages linking documents, an ETag-aware handler), a webhook receiver and an SMTP sink; and a
web root on disk. Each leaking document alerts once, unchanged documents are not downloaded
again, robots exclusions hold, the rate limit holds, the webhook gets the documented JSON."""

from __future__ import annotations

import hashlib
import http.server
import itertools
import json
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from spillguard.config import Config
from spillguard.monitor.watch import Alerting, Crawl, Watcher, crawl_once, watch_webroot
from spillguard.respond.models import Alert
from spillguard.respond.store import Store
from spillguard.synth.people import people
from spillguard.synth.xlsx import Book

LOG: list[tuple[float, str, int]] = []


def leaking_workbook() -> bytes:
    book = Book()
    book.sheet("Stats", [["Facility", "Detained"], ["Stewart", 120]])
    book.sheet("Extract", [["Name", "A-Number", "Date of Birth"],
                           *[[p.name, p.a_number_as(0), p.birth] for p in people(30, seed=61)]], state="hidden")
    return book.to_bytes()


def clean_workbook() -> bytes:
    book = Book()
    book.sheet("Stats", [["Facility", "Detained"], ["Stewart", 120], ["Otay Mesa", 85]])
    return book.to_bytes()


class Site(http.server.BaseHTTPRequestHandler):
    files: ClassVar[dict[str, tuple[bytes, str]]] = {}

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body, ctype = self.files.get(self.path, (b"", ""))
        if not ctype:
            LOG.append((time.monotonic(), self.path, 404))
            self.send_error(404)
            return
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            LOG.append((time.monotonic(), self.path, 304))
            self.send_response(304)
            self.end_headers()
            return
        LOG.append((time.monotonic(), self.path, 200))
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


class Hook(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[dict]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(204)
        self.end_headers()


class Mailbox:
    """An SMTP sink that keeps what it is sent."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(envelope.content)  # type: ignore[attr-defined]
        return "250 OK"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(handler: type) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture()
def site():
    server = serve(Site)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    Site.files = {
        "/robots.txt": (f"User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap.xml\n".encode(), "text/plain"),
        "/sitemap.xml": (f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{base}/</loc></url>'
                         f"<url><loc>{base}/statistics.html</loc></url></urlset>".encode(), "application/xml"),
        "/": (b'<html><body><a href="/statistics.html">Statistics</a></body></html>', "text/html"),
        "/statistics.html": (b'<html><body><a href="/files/stats.xlsx">FY24</a> <a href="/files/detail.xlsx">'
                             b'Detail</a> <a href="/private/extract.xlsx">Internal</a></body></html>', "text/html"),
        "/files/stats.xlsx": (clean_workbook(), xlsx),
        "/files/detail.xlsx": (leaking_workbook(), xlsx),
        "/private/extract.xlsx": (leaking_workbook(), xlsx),
    }
    LOG.clear()
    yield base
    server.shutdown()


def test_crawl(tmp_path: Path, site: str, monkeypatch) -> None:
    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "watch-test-key")
    hook = serve(Hook)
    Hook.received = []
    mailbox = Mailbox()
    smtp_port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    try:
        alerting = Alerting(webhook=f"http://127.0.0.1:{hook.server_address[1]}/alerts",
                            smtp=f"127.0.0.1:{smtp_port}", mail_to=["privacy@agency.example.gov"], console=False)
        watcher = Watcher(Store(str(tmp_path / "watch.db")), Config(), alerting)
        crawl = Crawl(site + "/", rate=20)
        first = crawl_once(watcher, crawl)
        second = crawl_once(watcher, crawl)
    finally:
        smtp.stop()
        hook.shutdown()
    assert first["alerts"] == 1 and first["documents"] == 1 and first["disallowed"] == 1
    assert second["alerts"] == 0 and second["not_modified"] == 2
    gets = [(p, s) for _, p, s in LOG if p.startswith(("/files", "/private"))]
    assert gets.count(("/files/detail.xlsx", 200)) == 1 and gets.count(("/files/stats.xlsx", 200)) == 1
    assert not [p for p, _ in gets if p.startswith("/private")]  # robots.txt is obeyed
    times = [t for t, _, _ in LOG]
    assert min(b - a for a, b in itertools.pairwise(times)) >= 1 / 20 - 0.01  # the rate limit holds
    assert len(Hook.received) == 1
    body = Hook.received[0]
    assert set(body) == {"spillguard", "alert_id", "url", "first_seen", "decision", "findings"}
    assert body["url"] == site + "/files/detail.xlsx" and body["decision"] == "block"
    assert {f["rule"] for f in body["findings"]} == {"SG201"}
    assert len(mailbox.messages) == 1 and b"/files/detail.xlsx" in mailbox.messages[0]


def test_webroot(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "watch-test-key")
    root = tmp_path / "www"
    (root / "statistics").mkdir(parents=True)
    (root / "statistics" / "FY23.xlsx").write_bytes(clean_workbook())
    store = Store(str(tmp_path / "watch.db"))
    watcher = Watcher(store, Config(), Alerting(console=False))
    stop = threading.Event()
    thread = threading.Thread(target=watch_webroot, args=(watcher, root, "https://www.example.gov", stop),
                              kwargs={"settle": 0.3, "polling": True}, daemon=True)
    thread.start()
    time.sleep(1.0)
    data = leaking_workbook()
    arrived = time.monotonic()
    target = root / "statistics" / "FY24.xlsx"
    with target.open("wb") as fh:  # an upload in two parts
        fh.write(data[: len(data) // 2])
        fh.flush()
        time.sleep(0.1)
        fh.write(data[len(data) // 2:])
    alerts: list = []
    while time.monotonic() - arrived < 60 and not alerts:
        time.sleep(0.2)
        with store.session() as s:
            alerts = s.scalars(select(Alert)).all()
    latency = time.monotonic() - arrived
    target.touch()  # same content again: no second alert
    time.sleep(1.5)
    stop.set()
    thread.join(timeout=5)
    with store.session() as s:
        alerts = s.scalars(select(Alert)).all()
    assert [a.url for a in alerts] == ["https://www.example.gov/statistics/FY24.xlsx"]
    assert latency < 60  # the promise: within a minute (bench-watch measures the real figure)


def test_watch_once_and_an_incident_from_the_alert(tmp_path: Path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from spillguard.cli import app

    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "watch-test-key")
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "www"
    root.mkdir()
    (root / "FY24.xlsx").write_bytes(leaking_workbook())
    runner = CliRunner()
    first = runner.invoke(app, ["watch", str(root), "--once", "--url-prefix", "https://www.example.gov/stats"])
    assert first.exit_code == 0 and "ALERT 1: https://www.example.gov/stats/FY24.xlsx" in first.output
    again = runner.invoke(app, ["watch", str(root), "--once", "--url-prefix", "https://www.example.gov/stats"])
    assert "ALERT" not in again.output  # one alert per document
    opened = runner.invoke(app, ["incident", "open", "FY24", "--file", str(root / "FY24.xlsx"), "--from-alert", "1"])
    assert opened.exit_code == 0 and "30 affected people" in opened.output
    report = json.loads(runner.invoke(app, ["incident", "report", "--format", "json"]).output)
    assert report["incident"]["urls"] == ["https://www.example.gov/stats/FY24.xlsx"]
    assert report["timeline"]["published"] is not None and report["timeline"]["discovered"] is not None
    assert runner.invoke(app, ["watch"]).exit_code == 2


def test_an_upload_whose_last_write_brings_no_event_is_still_checked(tmp_path: Path, monkeypatch) -> None:
    """Seen in loaded test runs: the only file event came while the upload was half written (a
    polling watcher may see the two writes as one change); the file did not settle, was dropped,
    and no alert came until the file was touched again. Unsettled files now stay pending."""
    import watchfiles

    root = tmp_path / "www"
    root.mkdir()
    target = root / "FY24.xlsx"
    data = leaking_workbook()
    stop = threading.Event()

    def one_event_only(path, stop_event, **kwargs):  # type: ignore[no-untyped-def]
        target.write_bytes(data[: len(data) // 2])  # the upload starts once the watcher runs
        threading.Thread(target=finish_upload, daemon=True).start()
        yield {(watchfiles.Change.added, str(target))}
        while not stop_event.is_set():
            time.sleep(0.1)
            yield set()  # timeouts: no further event for this file

    def finish_upload() -> None:
        time.sleep(0.1)  # while the watcher waits for the file to settle
        with target.open("ab") as fh:
            fh.write(data[len(data) // 2:])

    monkeypatch.setattr(watchfiles, "watch", one_event_only)
    store = Store(str(tmp_path / "watch.db"))
    watcher = Watcher(store, Config(), Alerting(console=False))
    thread = threading.Thread(target=watch_webroot, args=(watcher, root, "https://www.example.gov", stop),
                              kwargs={"settle": 0.3}, daemon=True)
    started = time.monotonic()
    thread.start()
    alerts: list = []
    while time.monotonic() - started < 15 and not alerts:
        time.sleep(0.2)
        with store.session() as s:
            alerts = s.scalars(select(Alert)).all()
    stop.set()
    thread.join(timeout=10)
    assert [(a.url, a.sha256) for a in alerts] == [("https://www.example.gov/FY24.xlsx",
                                                     hashlib.sha256(data).hexdigest())]  # the whole file
