"""Real nginx and Apache (Debian) in front of a real `spillguard gate serve`, each on loopback ports
of its own with its own configuration from `spillguard gate config`, stopped after the tests.

Every answer a test receives is recorded; :meth:`Site.check_invariant` asserts over all of them
that a 2xx body is made of bytes the gate (or a valid attestation) passed — never of a leak."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BINARIES = {"nginx": "/usr/sbin/nginx", "apache": "/usr/sbin/apache2"}
MODULES = "/usr/lib/apache2/modules"
#: how long a server may take to come up; a bound on waiting, not a measured time
START = 60.0


def need(server: str) -> None:
    missing = not Path(BINARIES[server]).exists() or (
        server == "apache" and not Path(MODULES, "mod_authnz_fcgi.so").exists())
    if missing:
        message = f"{server} is not installed (Debian package {'nginx-light' if server == 'nginx' else 'apache2'}; " \
                  "`make test` installs it when it can)"
        if os.environ.get("SPILLGUARD_REQUIRE_SERVERS"):
            pytest.fail(message + " — required here (SPILLGUARD_REQUIRE_SERVERS)")
        pytest.skip(message)


def stop(process: subprocess.Popen | None) -> None:
    """SIGTERM, then SIGKILL if it has not gone after 30 s."""
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + START
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {START:.0f} s")


class Hook:
    """A webhook receiver: the alerts the gate sends."""

    def __init__(self) -> None:
        self.alerts: list[dict] = []  # each with "_to": the path it was posted to (one per site)
        self.cond = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                body["_to"] = self.path
                with outer.cond:
                    outer.alerts.append(body)
                    outer.cond.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/alerts"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def wait_for(self, to: str, url_end: str, timeout: float = 120.0) -> dict:
        """The alert posted to ``to`` naming a URL that ends so; waits for its arrival (bounded,
        never a race)."""

        def found() -> list[dict]:
            return [a for a in self.alerts if a["_to"] == to and a["url"].endswith(url_end)]

        with self.cond:
            self.cond.wait_for(lambda: bool(found()), timeout=timeout)
            got = found()
        assert got, f"no alert for {url_end}"
        return got[0]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class Answer:
    status: int
    path: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Site:
    server: str
    root: Path
    work: Path
    hook: Hook
    gate_args: list[str] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    #: bytes the gate passed (or a valid attestation did) — what a 2xx body may be made of
    passed: list[bytes] = field(default_factory=list)
    leaks: list[bytes] = field(default_factory=list)
    gate: subprocess.Popen | None = None
    web: subprocess.Popen | None = None
    port: int = 0
    gate_port: int = 0
    fcgi_port: int = 0

    # -- processes -------------------------------------------------------------------------

    @property
    def webhook(self) -> str:
        """This site's own address at the webhook receiver: its alerts are told apart."""
        return f"{self.hook.url}/{self.work.name}"

    def alert(self, url_end: str) -> dict:
        return self.hook.wait_for(f"/alerts/{self.work.name}", url_end)

    def env(self) -> dict[str, str]:
        return {**os.environ, "SPILLGUARD_KEY_DIR": str(self.work / "keys"), "PYTHONUNBUFFERED": "1"}

    def spillguard(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        run = subprocess.run([sys.executable, "-m", "spillguard", *args], capture_output=True, text=True,
                             env=self.env(), check=False, timeout=300)
        if check and run.returncode not in (0, 1):
            raise AssertionError(run.stderr)
        return run

    def start_gate(self, *extra: str) -> None:
        self.gate_port, self.fcgi_port = free_port(), free_port()
        log = (self.work / "gate.log").open("ab")
        self.gate = subprocess.Popen(
            [sys.executable, "-m", "spillguard", "gate", "serve", str(self.root), "--url-prefix", "/files",
             "--port", str(self.gate_port), "--fcgi-port", str(self.fcgi_port), "--db", str(self.work / "gate.db"),
             "--webhook", self.webhook, "--budget", "120", "--public-url", "https://www.example.gov",
             *self.gate_args, *extra], stdout=log, stderr=log, env=self.env())
        wait_port(self.gate_port, self.gate)
        wait_port(self.fcgi_port, self.gate)

    def stop_gate(self) -> None:
        stop(self.gate)
        self.gate = None

    def start_web(self, extra_config: str = "") -> None:
        self.port = free_port()
        run_dir = self.work / f"run-{self.server}"
        gate = f"http://127.0.0.1:{self.gate_port}" if self.server == "nginx" else f"fcgi://127.0.0.1:{self.fcgi_port}"
        made = self.spillguard("gate", "config", self.server, "--webroot", str(self.root), "--gate", gate,
                               "--listen", f"127.0.0.1:{self.port}", "--run-dir", str(run_dir))
        assert made.returncode == 0, made.stderr
        conf = self.work / f"{self.server}.conf"
        conf.write_text(made.stdout + extra_config, encoding="utf-8")
        if self.server == "nginx":
            command = [BINARIES["nginx"], "-c", str(conf), "-g", "daemon off;"]
        else:
            command = [BINARIES["apache"], "-f", str(conf), "-DFOREGROUND"]
        log = (self.work / f"{self.server}.out").open("ab")
        self.web = subprocess.Popen(command, stdout=log, stderr=log, env={"PATH": "/usr/sbin:/usr/bin:/bin"})
        wait_port(self.port, self.web)

    def stop_web(self) -> None:
        stop(self.web)
        self.web = None

    def close(self) -> None:
        self.stop_web()
        self.stop_gate()

    # -- files and requests ----------------------------------------------------------------

    def put(self, relative: str, data: bytes, *, passes: bool) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o755)
        path.write_bytes(data)
        path.chmod(0o644)
        (self.passed if passes else self.leaks).append(data)
        return path

    def get(self, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=180)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            answer = Answer(response.status, path, response.read(), {k.lower(): v for k, v in response.getheaders()})
        finally:
            connection.close()
        self.answers.append(answer)
        return answer

    def log(self) -> str:
        return (self.work / f"run-{self.server}" / "access.log").read_text(encoding="utf-8", errors="replace")

    def logged(self, *texts: str, timeout: float = 60.0) -> str:
        """The server's access log once it holds every one of ``texts``: a server writes the line
        after the answer is sent, so it is waited for (bounded), never raced."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log() if (self.work / f"run-{self.server}" / "access.log").exists() else ""
            if all(t in text for t in texts) or time.monotonic() > deadline:
                return text
            time.sleep(0.05)

    def check_invariant(self) -> None:
        """Every 2xx body is made of passed bytes; no leak's bytes are in any 2xx body."""
        for answer in self.answers:
            if not 200 <= answer.status < 300 or not answer.body:
                continue
            assert any(answer.body in ok for ok in self.passed), f"{answer.path}: {answer.status} with unpassed bytes"
            for leak in self.leaks:
                assert answer.body not in leak or any(answer.body in ok for ok in self.passed), answer.path


def make_site(server: str, hook: Hook, gate_args: list[str] | None = None) -> Site:
    need(server)
    work = Path(tempfile.mkdtemp(prefix=f"spillguard-gate-{server}-", dir="/tmp"))
    os.chmod(work, 0o755)  # the server's workers (www-data) read the web root under it
    root = work / "www"
    (root / "files").mkdir(parents=True)
    for folder in (root, root / "files"):
        os.chmod(folder, 0o755)
    (root / "index.html").write_bytes(b"<p>Detention statistics</p>\n")
    (root / "index.html").chmod(0o644)
    site = Site(server, root, work, hook, list(gate_args or []))
    site.passed.append(b"<p>Detention statistics</p>\n")
    return site


def remove(site: Site) -> None:
    site.close()
    shutil.rmtree(site.work, ignore_errors=True)
