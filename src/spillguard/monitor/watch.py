"""``spillguard watch``: know within a minute when a leaking file goes live.

Two modes, one check: a document (a file of the web root, or a download of the crawl) is hashed;
a hash not seen before for its URL is scanned with the configured gate; a blocking result raises
**one** alert per URL and content — console, JSON webhook (POST), e-mail (SMTP) — carrying the
URL, the first-seen time, the rules and masked samples. What was seen (hashes, ETags,
Last-Modified) and the alerts are kept in the incident store, so an incident can be opened from an
alert (``incident open --from-alert ID``).

- **web root**: filesystem events (watchfiles; polling as a fallback) on the directory the web
  server serves; a file is read when its size has stopped changing; its URL is the prefix plus
  its path.
- **crawl**: one pass reads robots.txt and obeys it, the sitemaps it or the site names, and the
  start pages; follows links on the same host; documents are fetched with conditional requests
  (If-None-Match / If-Modified-Since), a size cap and a minimum delay between requests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import re
import smtplib
import tempfile
import threading
import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html
from sqlalchemy import select

from spillguard import __version__
from spillguard.config import Config
from spillguard.formats.html import _DOCUMENT_LINK
from spillguard.respond.models import Alert, Seen
from spillguard.respond.store import Store, now
from spillguard.scan import Scanner

USER_AGENT = f"spillguard-watch/{__version__}"
log = logging.getLogger(__name__)


@dataclass(slots=True)
class Alerting:
    webhook: str | None = None
    smtp: str | None = None  # host:port
    mail_to: list[str] = field(default_factory=list)
    mail_from: str = "spillguard@localhost"
    console: bool = True

    def send(self, payload: dict[str, Any]) -> None:
        if self.console:
            print(f"ALERT {payload['alert_id']}: {payload['url']} — "
                  + "; ".join(f"{f['severity'].upper()} {f['rule']} {f['title']}" for f in payload["findings"][:3]),
                  flush=True)
        if self.webhook:
            request = urllib.request.Request(self.webhook, data=json.dumps(payload).encode(), method="POST",
                                             headers={"Content-Type": "application/json", "User-Agent": USER_AGENT})
            with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=10):
                pass
        if self.smtp and self.mail_to:
            host, _, port = self.smtp.partition(":")
            msg = EmailMessage()
            msg["From"], msg["To"] = self.mail_from, ", ".join(self.mail_to)
            msg["Subject"] = f"spillguard: personal data published at {payload['url']}"
            msg.set_content(json.dumps(payload, indent=2))
            with contextlib.suppress(OSError), smtplib.SMTP(host, int(port or 25), timeout=10) as s:
                s.send_message(msg)


class Watcher:
    def __init__(self, store: Store, config: Config, alerting: Alerting) -> None:
        self.store = store
        self.config = config
        self.alerting = alerting
        self.lock = threading.Lock()

    def check(self, path: Path, url: str, etag: str | None = None, modified: str | None = None) -> int | None:
        """Scan a document once per content; the alert id when it blocks (a new alert only once).

        A document counts as seen (its hash, ETag and Last-Modified stored) only in the same
        transaction as its alert, after its scan: a watcher killed mid-scan scans it again on
        restart instead of taking it for already checked."""
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with self.lock, self.store.session() as s:
            seen = s.scalars(select(Seen).where(Seen.url == url)).first()
            t = now()
            if seen is None:
                seen = Seen(url=url, first_seen=t, last_checked=t)
                s.add(seen)
            seen.last_checked = t
            changed = seen.sha256 != digest
            known = changed and s.scalars(select(Alert).where(Alert.url == url, Alert.sha256 == digest)).first()
            if not changed or known:
                seen.sha256, seen.etag, seen.last_modified = digest, etag, modified
            s.commit()
            first_seen = seen.first_seen
            if not changed or known:
                return None
        from spillguard.execute.cache import ScanCache

        # the same bytes already scanned under another URL (a mirror, a copy) are not scanned again
        report = Scanner(self.config, cache=ScanCache(self.store)).run([path])
        findings = [{"rule": f.rule, "severity": f.severity.label, "title": f.title, "samples": f.samples}
                    for f in report.findings if f.severity >= self.config.fail_on or f.rule.startswith("SG9")]
        alert_id = None
        with self.lock, self.store.session() as s:
            seen = s.scalars(select(Seen).where(Seen.url == url)).one()
            seen.sha256, seen.etag, seen.last_modified = digest, etag, modified
            if report.blocked:
                alert = Alert(url=url, sha256=digest, first_seen=first_seen, raised_at=now(), decision="block",
                              findings=findings)
                s.add(alert)
                self.store.audit(s, None, "alert", url=url, rules=sorted({f["rule"] for f in findings}))
            s.commit()
            if report.blocked:
                alert_id = alert.id
        if alert_id is not None:
            self.alerting.send(payload(alert_id, url, first_seen, findings))
        return alert_id


def payload(alert_id: int, url: str, first_seen: dt.datetime, findings: list[dict]) -> dict[str, Any]:
    """The documented webhook body."""
    first = first_seen if first_seen.tzinfo else first_seen.replace(tzinfo=dt.UTC)
    return {"spillguard": __version__, "alert_id": alert_id, "url": url, "first_seen": first.isoformat(),
            "decision": "block", "findings": findings}


# -- web root ------------------------------------------------------------------------------------

def _settled(path: Path, wait: float) -> bool:
    """The file's size has not changed for ``wait`` seconds (an upload has finished)."""
    try:
        before = path.stat().st_size
        time.sleep(wait)
        return path.is_file() and path.stat().st_size == before
    except OSError:
        return False


class Checker(Protocol):
    def check(self, path: Path, url: str) -> object: ...


def watch_webroot(watcher: Checker, root: Path, prefix: str, stop: threading.Event, settle: float = 0.5,
                  polling: bool = False, initial: bool = True) -> None:
    """Check every file of the web root (unless ``initial`` is off: the caller has its own first
    pass), then each file that appears or changes, once its size has settled."""
    import watchfiles

    root = root.resolve()  # file events name absolute paths

    def url_of(path: Path) -> str:
        return prefix.rstrip("/") + "/" + path.relative_to(root).as_posix()

    def check(path: Path) -> None:
        # a file that vanished or cannot be read is left (a request for it is refused or 404);
        # one bad file never stops the watch
        try:
            watcher.check(path, url_of(path))
        except (OSError, ValueError) as exc:
            log.warning("not checked: %s (%s)", url_of(path) if path.is_relative_to(root) else path,
                        type(exc).__name__)

    for path in sorted(p for p in root.rglob("*") if p.is_file()) if initial else ():  # what is live already
        check(path)
    # a file still being written is kept pending and looked at again every half second, events
    # or not: its last write may have come while the previous look was waiting for it to settle
    pending: set[Path] = set()
    for changes in watchfiles.watch(root, stop_event=stop, force_polling=polling, debounce=200, step=50,
                                    rust_timeout=500, yield_on_timeout=True):
        for kind, name in changes:
            # the name as served (a symbolic link's own name, not its target's)
            path = Path(os.path.abspath(name))
            if kind == watchfiles.Change.deleted:
                pending.discard(path)
            else:
                pending.add(path)
        for path in sorted(pending):
            if not path.is_file():
                pending.discard(path)
            elif _settled(path, settle):
                pending.discard(path)
                check(path)


# -- crawl ---------------------------------------------------------------------------------------

@dataclass(slots=True)
class Crawl:
    start: str
    rate: float = 2.0  # requests per second at most
    max_bytes: int = 256 * 1024 * 1024
    max_pages: int = 5_000
    _last: float = 0.0

    def _wait(self) -> None:
        gap = 1.0 / self.rate - (time.monotonic() - self._last)
        if gap > 0:
            time.sleep(gap)
        self._last = time.monotonic()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """(status, response headers with lower-case names, body); 0 when the server cannot be reached."""
        self._wait()
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                got = {k.lower(): v for k, v in r.headers.items()}
                if int(got.get("content-length") or 0) > self.max_bytes:
                    return 413, got, b""
                body = r.read(self.max_bytes + 1)
                return (413 if len(body) > self.max_bytes else r.status), got, body
        except urllib.error.HTTPError as exc:
            return exc.code, {k.lower(): v for k, v in (exc.headers or {}).items()}, b""
        except (urllib.error.URLError, OSError):
            return 0, {}, b""


def crawl_once(watcher: Watcher, crawl: Crawl) -> dict[str, int]:
    """One pass over the site; counts of pages, documents fetched, not modified, alerts."""
    site = urlsplit(crawl.start)
    root = f"{site.scheme}://{site.netloc}"
    robots = urllib.robotparser.RobotFileParser()
    status, _, body = crawl.fetch(root + "/robots.txt")
    robots.parse(body.decode("utf-8", "replace").splitlines() if status == 200 else [])
    sitemaps = list(robots.site_maps() or []) or [root + "/sitemap.xml"]
    queue: list[str] = [crawl.start]
    stats = {"pages": 0, "documents": 0, "not_modified": 0, "alerts": 0, "disallowed": 0}
    for sitemap in sitemaps:
        if not robots.can_fetch(USER_AGENT, sitemap):
            continue
        status, _, body = crawl.fetch(sitemap)
        if status == 200 and body:
            with contextlib.suppress(etree.XMLSyntaxError, ValueError):
                tree = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
                queue += [(loc.text or "").strip() for loc in tree.iter("{*}loc")]
    visited: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="spillguard-watch-") as tmp:
        while queue and stats["pages"] + stats["documents"] < crawl.max_pages:
            url = urljoin(crawl.start, queue.pop(0)).split("#")[0]
            if url in visited or urlsplit(url).netloc != site.netloc:
                continue
            visited.add(url)
            if not robots.can_fetch(USER_AGENT, url):
                stats["disallowed"] += 1
                continue
            if _DOCUMENT_LINK.search(urlsplit(url).path):
                stats[_document(watcher, crawl, url, Path(tmp))] += 1
                continue
            status, headers, body = crawl.fetch(url)
            if status != 200 or "html" not in headers.get("content-type", ""):
                continue
            stats["pages"] += 1
            with contextlib.suppress(etree.ParserError, ValueError):
                page = lxml_html.fromstring(body)
                queue += [urljoin(url, a.get("href", "")) for a in page.iter("a") if a.get("href")]
    return stats


def _document(watcher: Watcher, crawl: Crawl, url: str, tmp: Path) -> str:
    with watcher.store.session() as s:
        seen = s.scalars(select(Seen).where(Seen.url == url)).first()
    headers = {}
    if seen is not None and seen.etag:
        headers["If-None-Match"] = seen.etag
    if seen is not None and seen.last_modified:
        headers["If-Modified-Since"] = seen.last_modified
    status, got, body = crawl.fetch(url, headers)
    if status == 304:
        return "not_modified"
    if status != 200:
        return "documents"
    name = re.sub(r"[^\w.-]", "_", Path(urlsplit(url).path).name) or "document"
    path = tmp / name
    path.write_bytes(body)
    etag, modified = got.get("etag"), got.get("last-modified")
    alert = watcher.check(path, url, etag, modified)
    path.unlink(missing_ok=True)
    return "alerts" if alert is not None else "documents"
