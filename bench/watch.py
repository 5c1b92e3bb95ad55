"""``make bench-watch``: seconds from a leaking file's arrival to the alert.

Web-root mode: the watcher runs on a fresh web root (file events); a leaked workbook is written
into it; the clock stops when the alert is recorded (target ≤ 10 s). Crawl mode: a local HTTP
server on loopback serves the same web root (sitemap and an index page linking the documents);
the crawler runs passes every INTERVAL seconds; the file is dropped at a random moment of a pass
cycle (target ≤ one interval + scan time).
"""

from __future__ import annotations

import functools
import http.server
import os
import random
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import select

from spillguard.config import Config
from spillguard.monitor.watch import Alerting, Crawl, Watcher, crawl_once, watch_webroot
from spillguard.respond.models import Alert
from spillguard.respond.store import Store
from spillguard.synth.people import people
from spillguard.synth.xlsx import Book, PivotCache

INTERVAL = 5.0


def leaked() -> bytes:
    book = Book()
    book.sheet("Stats", [["Facility", "Detained"], ["Stewart", 120]])
    crowd = list(people(6_252, seed=2022))
    book.extras.pivots.append(PivotCache(["Name", "A-Number", "Birth Date", "Country", "Facility"],
                                         [[p.listed_name, p.a_number, p.birth, p.country, p.facility] for p in crowd],
                                         "Extract", indexed=("Country", "Facility")))
    return book.to_bytes()


def wait_for_alert(store: Store, since: float, limit: float = 120) -> float | None:
    while time.monotonic() - since < limit:
        with store.session() as s:
            if s.scalars(select(Alert)).first() is not None:
                return time.monotonic() - since
        time.sleep(0.05)
    return None


def webroot_latency(data: bytes, tmp: Path) -> float | None:
    root = tmp / "www"
    root.mkdir()
    store = Store(str(tmp / "webroot.db"))
    watcher = Watcher(store, Config(), Alerting(console=False))
    stop = threading.Event()
    thread = threading.Thread(target=watch_webroot, args=(watcher, root, "https://www.example.gov", stop),
                              kwargs={"settle": 0.3}, daemon=True)
    thread.start()
    time.sleep(1.0)
    start = time.monotonic()
    (root / "FY24_Q1_detentionStats.xlsx").write_bytes(data)
    latency = wait_for_alert(store, start)
    stop.set()
    thread.join(timeout=5)
    return latency


def crawl_latency(data: bytes, tmp: Path) -> float | None:
    root = tmp / "site"
    (root / "files").mkdir(parents=True)
    (root / "index.html").write_text('<html><body><a href="/files/FY24_Q1_detentionStats.xlsx">FY24</a>'
                                     "</body></html>", encoding="utf-8")
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    store = Store(str(tmp / "crawl.db"))
    watcher = Watcher(store, Config(), Alerting(console=False))
    stop = threading.Event()

    def loop() -> None:
        job = Crawl(f"http://127.0.0.1:{server.server_address[1]}/index.html", rate=50)
        while not stop.is_set():
            crawl_once(watcher, job)
            stop.wait(INTERVAL)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    time.sleep(random.Random(3).uniform(0.5, INTERVAL))
    start = time.monotonic()
    (root / "files" / "FY24_Q1_detentionStats.xlsx").write_bytes(data)
    latency = wait_for_alert(store, start)
    stop.set()
    thread.join(timeout=INTERVAL + 5)
    server.shutdown()
    return latency


def main() -> int:
    os.environ.setdefault("SPILLGUARD_INCIDENT_KEY", "bench-watch")
    data = leaked()
    with tempfile.TemporaryDirectory() as tmp:
        a = webroot_latency(data, Path(tmp))
        b = crawl_latency(data, Path(tmp))
    print(f"leaked workbook: 6,252 records in a pivot cache ({len(data) / 1024:,.0f} KiB)")
    print(f"  web root (file events): {a:.2f} s from arrival to alert (target ≤ 10 s)" if a else "  web root: no alert")
    print(f"  crawl (pass every {INTERVAL:g} s): {b:.2f} s from arrival to alert (target ≤ {INTERVAL:g} s + scan)"
          if b else "  crawl: no alert")
    return 0 if a and b else 1


if __name__ == "__main__":
    raise SystemExit(main())
