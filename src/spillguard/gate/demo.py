"""The demo's enforcement step: the 2022 workbook copied straight into a gated web root (the
check skipped) is never served; last quarter's is. Real nginx when it is installed, with the
configuration ``spillguard gate config nginx`` prints; otherwise the gate is asked exactly as
nginx would ask it."""

from __future__ import annotations

import contextlib
import getpass
import http.client
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from rich.console import Console

NGINX = "/usr/sbin/nginx"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def _start_nginx(folder: Path, root: Path, gate_port: int) -> tuple[subprocess.Popen, int] | None:
    from spillguard.gate.servers import Site, nginx

    if not Path(NGINX).exists() or not Path("/etc/nginx/mime.types").exists():
        return None
    port = _port()
    folder = folder.resolve()  # nginx reads relative paths from its own prefix, not from here
    run = folder / "gate-nginx"
    run.mkdir(exist_ok=True)
    conf = folder / "gate-nginx.conf"
    conf.write_text(nginx(Site(webroot=str(root), gate=f"http://127.0.0.1:{gate_port}", listen=f"127.0.0.1:{port}",
                               run_dir=str(run), user=getpass.getuser())), encoding="utf-8")
    process = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={"PATH": "/usr/sbin:/usr/bin:/bin"})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return process, port
        time.sleep(0.05)
    process.kill()
    return None


def run_gate(folder: Path, last: Path, this: Path, console: Console) -> str:
    from sqlalchemy import select

    from spillguard.config import Config
    from spillguard.gate import http as gate_http
    from spillguard.gate.core import Gate, Options
    from spillguard.monitor.watch import Alerting
    from spillguard.respond.models import Alert
    from spillguard.respond.store import Store

    root = (folder / "www-gated").resolve()
    console.rule(f"Had the file been copied by hand: spillguard gate serve {root.relative_to(folder.resolve().parent)}")
    if root.exists():
        shutil.rmtree(root)
    files = root / "detention-statistics"
    files.mkdir(parents=True)
    shutil.copy(last, files / last.name)
    (folder / "gate.db").unlink(missing_ok=True)
    store = Store(str(folder / "gate.db"))
    gate = Gate(str(root), ("/detention-statistics",), store, Config(), Alerting(console=False),
                Options(budget=60, public_url="https://www.example.gov"))
    gate_port = _port()
    httpd = gate_http.server(gate, "127.0.0.1", gate_port)
    gate_http.serve_in_thread(httpd)
    web = _start_nginx(folder, root, gate_port)
    try:
        shutil.copy(this, files / this.name)  # the routine update, copied straight into the web root
        answers = {}
        for path in (files / last.name, files / this.name):
            url = f"/detention-statistics/{path.name}"
            if web is not None:
                status, _, _ = _get(web[1], url)
            else:  # no nginx here: the gate asked exactly as nginx's auth_request asks it
                status, _, _ = _get(gate_port, "/authorize", {"X-Spillguard-File": str(path),
                                                                    "X-Original-URI": url})
            answers[path.name] = status
            console.print(f"GET {url} → [bold]{status}[/]")
        missing = not Path(NGINX).exists()
        where = f"nginx on 127.0.0.1:{web[1]} ({folder / 'gate-nginx.conf'})" if web else \
            "the gate asked as nginx asks it (" + ("nginx is not installed here" if missing else
                                                   f"nginx did not start: {folder / 'gate-nginx' / 'error.log'}") + ")"
        console.print(f"served by {where}")
        with store.session() as s:
            alert = s.scalars(select(Alert)).first()
        if alert is not None:
            console.print(f"ALERT {alert.id} to the privacy office: {alert.url} refused — "
                          + "; ".join(f"{f['severity'].upper()} {f['rule']} {f['title']}" for f in alert.findings[:2]))
    finally:
        if web is not None:
            web[0].send_signal(signal.SIGTERM)
            try:
                web[0].wait(timeout=10)
            except subprocess.TimeoutExpired:
                web[0].kill()
        httpd.shutdown()
        httpd.server_close()
        gate.close()
        store.engine.dispose()
    console.print("(`spillguard gate config nginx|apache` prints the server configuration; `--dry-run` first "
                  "lists what would be refused, `spillguard gate report`)")
    ok = answers.get(last.name) == 200 and answers.get(this.name) == 403 and alert is not None
    return "enforced" if ok else "served"
