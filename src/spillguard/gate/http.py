"""The gate over HTTP, for nginx's ``auth_request`` (and any proxy that asks by subrequest).

Request headers: ``X-Spillguard-File`` (the file the web server resolved; its bytes as they are,
taken as ISO-8859-1 on the wire), ``X-Original-URI``, ``X-Original-Host``, ``X-Original-Proto``
(for alerts and the log only, never to find the file). Answers: 200 to serve, 403 not to — nginx's
``auth_request`` passes only 2xx, 401 and 403 — with ``X-Spillguard-Verdict`` (pass, attested,
ungated, directory, block, would-block, refused, absent, pending), ``X-Spillguard-Rules`` and,
while a scan runs, ``Retry-After``; the generated nginx configuration turns ``absent`` into 404
and ``pending`` into 503. ``GET /healthz`` answers 200 when the gate is up.
"""

from __future__ import annotations

import logging
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spillguard.gate.core import Gate

log = logging.getLogger("spillguard.gate")


def url_of(uri: str, host: str, proto: str) -> str:
    path = uri.split("?", 1)[0] or "/"
    return f"{proto or 'http'}://{host}{path}" if host else path


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive with nginx's upstream keepalive
    server_version = "spillguard-gate"
    sys_version = ""
    timeout = 60  # an idle or stalled connection is closed (the web server reconnects)
    gate: Gate

    def log_message(self, format: str, *args: object) -> None:
        pass  # the gate logs its own decisions (rule codes and the URL path, nothing else)

    def _send(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._send(200, {"X-Spillguard-Verdict": "up"})
            return
        raw = self.headers.get("X-Spillguard-File")
        if raw is None:
            self._send(403, {"X-Spillguard-Verdict": "refused"})
            return
        filename = os.fsdecode(raw.encode("latin-1", "replace"))
        url = url_of(self.headers.get("X-Original-URI", ""), self.headers.get("X-Original-Host", ""),
                     self.headers.get("X-Original-Proto", ""))
        try:
            answer = self.gate.decide(filename, url)
        except Exception:  # the gate cannot decide: refuse, never serve
            log.exception("refused 403 %s: the gate failed", url.split("?", 1)[0])
            self._send(403, {"X-Spillguard-Verdict": "refused"})
            return
        headers = {"X-Spillguard-Verdict": answer.verdict, "X-Spillguard-Rules": ",".join(answer.rules) or "-"}
        if answer.retry_after:
            headers["Retry-After"] = str(answer.retry_after)
        self._send(200 if answer.status == 200 else 403, headers)

    do_HEAD = do_GET


def server(gate: Gate, host: str, port: int) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"gate": gate})
    httpd = ThreadingHTTPServer((host, port), handler)
    httpd.daemon_threads = True
    return httpd


def serve_in_thread(httpd: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True,
                              name="spillguard-gate-http")
    thread.start()
    return thread
