"""``make bench-gate``: what the web-server gate costs, nginx + gate against nginx alone, same
files, same run.

Two nginx servers from the configuration ``spillguard gate config nginx`` prints serve one web
root: one asks the gate (``spillguard gate serve``, a separate process), the other is the same
configuration with ``auth_request off``. Figures:

- added latency of a cached verdict: p50 of sequential keep-alive GETs of 1 kB files whose
  verdicts are known, gated minus plain (target p50 ≤ 2 ms);
- throughput on small files: requests per second of CLIENTS keep-alive client processes for
  SECONDS, gated / plain (reported; the client, nginx and the gate share the machine's cores);
- the first request for a new 100 kB workbook in a warm gate: a workbook the gate has not seen,
  requested once; the time until its answer (target p50 ≤ 300 ms).
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.__main__ import Row, render

SMALL = 200  # 1 kB files
REQUESTS = 3_000  # sequential requests per server for the latency
CLIENTS = 4
SECONDS = 5.0
WORKBOOKS = 9  # new 100 kB workbooks, one first request each
NGINX = "/usr/sbin/nginx"


def _port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, process: subprocess.Popen) -> None:
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def _workbook(seed: int) -> bytes:
    from spillguard.synth.xlsx import Book

    rnd = random.Random(seed)
    book = Book()
    book.sheet("Stats", [["Facility", "Quarter", "Book-ins", "Releases", "Average daily population"]]
               + [[f"Facility {i % 300}", f"FY{20 + i % 5} Q{1 + i % 4}", rnd.randint(11, 999), rnd.randint(11, 999),
                   rnd.randint(11, 999)] for i in range(3_500)])
    return book.to_bytes()


def _get(connection: http.client.HTTPConnection, path: str) -> int:
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status


def _latencies(port: int, paths: list[str]) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    out = []
    for i in range(REQUESTS):
        start = time.perf_counter()
        status = _get(connection, paths[i % len(paths)])
        out.append(time.perf_counter() - start)
        if status != 200:
            raise RuntimeError(f"{paths[i % len(paths)]}: {status}")
    connection.close()
    return out


def _client(port: int, paths: list[str], seconds: float, counts: multiprocessing.Queue) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    done, end, i = 0, time.monotonic() + seconds, 0
    while time.monotonic() < end:
        _get(connection, paths[i % len(paths)])
        done, i = done + 1, i + 7
    counts.put(done)


def _throughput(port: int, paths: list[str]) -> float:
    counts: multiprocessing.Queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_client, args=(port, paths[k::CLIENTS], SECONDS, counts))
             for k in range(CLIENTS)]
    for p in procs:
        p.start()
    total = sum(counts.get() for _ in procs)
    for p in procs:
        p.join()
    return total / SECONDS


def rows() -> list[Row]:
    if not Path(NGINX).exists():
        print("bench-gate: nginx is not installed (Debian package nginx-light; tools/debian-packages)")
        return []
    work = Path(tempfile.mkdtemp(prefix="spillguard-bench-gate-", dir="/tmp"))
    os.chmod(work, 0o755)
    procs: list[subprocess.Popen] = []
    env = {**os.environ, "SPILLGUARD_KEY_DIR": str(work / "keys")}
    try:
        root = work / "www"
        (root / "files").mkdir(parents=True)
        for folder in (root, root / "files"):
            folder.chmod(0o755)
        small = []
        for i in range(SMALL):
            path = root / "files" / f"table_{i:03}.csv"
            rnd = random.Random(i)
            path.write_text("Facility,Book-ins\n"
                            + "".join(f"Facility {k},{rnd.randint(11, 999)}\n" for k in range(60)))
            path.chmod(0o644)
            small.append(f"/files/{path.name}")
        books = []
        for i in range(WORKBOOKS + 1):
            path = root / "files" / f"FY{i:02}_stats.xlsx"
            path.write_bytes(_workbook(1000 + i))
            path.chmod(0o644)
            books.append(f"/files/{path.name}")
        book_kb = (root / "files" / "FY00_stats.xlsx").stat().st_size / 1024
        gate_port = _port()
        log = (work / "gate.log").open("wb")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "spillguard", "gate", "serve", str(root), "--port", str(gate_port), "--db",
             str(work / "gate.db"), "--no-survey", "--budget", "60"], stdout=log, stderr=log, env=env))
        _wait(gate_port, procs[-1])
        ports = {}
        for name in ("gated", "plain"):
            ports[name] = _port()
            conf = subprocess.run([sys.executable, "-m", "spillguard", "gate", "config", "nginx", "--webroot",
                                   str(root), "--gate", f"http://127.0.0.1:{gate_port}", "--listen",
                                   f"127.0.0.1:{ports[name]}", "--run-dir", str(work / f"run-{name}")],
                                  capture_output=True, text=True, check=True, env=env).stdout
            if name == "plain":  # the same server, not asking the gate
                conf = conf.replace("auth_request /.spillguard-gate;", "auth_request off;")
            (work / f"{name}.conf").write_text(conf)
            procs.append(subprocess.Popen([NGINX, "-c", str(work / f"{name}.conf"), "-g", "daemon off;"],
                                          env={"PATH": "/usr/sbin:/usr/bin:/bin"}))
            _wait(ports[name], procs[-1])
        # warm: the worker's first scan, then every small file judged, then (past the racy window)
        # each file's identity read once more, so that the next answers come from the cache
        first = http.client.HTTPConnection("127.0.0.1", ports["gated"], timeout=120)
        _get(first, books[-1])
        for path in small:
            _get(first, path)
        time.sleep(2.5)
        for path in small:
            _get(first, path)
        first.close()
        gated, plain = _latencies(ports["gated"], small), _latencies(ports["plain"], small)
        p50 = {k: statistics.median(v) * 1000 for k, v in (("gated", gated), ("plain", plain))}
        p95 = {k: statistics.quantiles(v, n=20)[18] * 1000 for k, v in (("gated", gated), ("plain", plain))}
        rate = {"gated": _throughput(ports["gated"], small), "plain": _throughput(ports["plain"], small)}
        firsts = []
        for path in books[:WORKBOOKS]:
            connection = http.client.HTTPConnection("127.0.0.1", ports["gated"], timeout=120)
            start = time.perf_counter()
            status = _get(connection, path)
            firsts.append(time.perf_counter() - start)
            connection.close()
            if status != 200:
                raise RuntimeError(f"{path}: {status}")
        first_p50 = statistics.median(firsts) * 1000
        added = p50["gated"] - p50["plain"]
        return [
            Row("gate: cached verdict, p50 latency", p50["gated"], "nginx alone", p50["plain"], "ms",
                "added ≤ 2 ms", added <= 2.0, f"added {added:.2f} ms; p95 {p95['gated']:.2f} vs {p95['plain']:.2f} ms"),
            Row(f"gate: small files, {CLIENTS} clients", rate["gated"], "nginx alone", rate["plain"], "req/s",
                "reported", True, f"{rate['gated'] / rate['plain']:.2f} of nginx alone"),
            Row(f"gate: first request, new {book_kb:.0f} kB xlsx", first_p50, "—", None, "ms", "p50 ≤ 300 ms",
                first_p50 <= 300, f"{WORKBOOKS} workbooks, max {max(firsts) * 1000:.0f} ms"),
        ]
    finally:
        for process in reversed(procs):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    found = rows()
    if not found:
        return 1
    print(render(found))
    return 0 if all(r.ok for r in found) else 1


if __name__ == "__main__":
    raise SystemExit(main())
