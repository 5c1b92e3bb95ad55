"""The gate's decision for one request, and what it records.

``Gate.decide(filename, url)`` → an :class:`Answer`: 200 (pass, or a path outside the gated
folders), 403 (blocks, or cannot be decided: fail closed), 404 (no such file), 503 with
Retry-After (the scan is still running past the budget). A verdict is found by the file's bytes
(``identity``), never by its name; in a dry run every file is served and what would have been
refused is recorded and alerted. Alerts go through the watch's channels (store, webhook, mail)
with masked evidence only; the gate's log names rule codes and the URL path, nothing else.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import stat
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from spillguard import __version__, intent
from spillguard.gate.identity import Identities, Identity, Known, Unreadable, read_hash
from spillguard.gate.place import Places
from spillguard.gate.pool import ARRIVAL, REQUEST, SURVEY, ScanPool
from spillguard.respond.models import Alert, GateEvent, GateFile, GateVerdict
from spillguard.respond.store import now

if TYPE_CHECKING:
    from spillguard.config import Config
    from spillguard.execute.result import FileResult
    from spillguard.gate.trust import Attestations
    from spillguard.monitor.watch import Alerting
    from spillguard.respond.store import Store

log = logging.getLogger("spillguard.gate")


@dataclass(frozen=True, slots=True)
class Answer:
    status: int  # 200 | 403 | 404 | 503
    verdict: str  # pass | attested | ungated | directory | block | would-block | refused | absent | pending
    rules: tuple[str, ...] = ()
    reason: str = ""
    retry_after: int = 0


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: str  # pass | block
    source: str  # scan | attestation
    rules: dict[str, int] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Options:
    dry_run: bool = False
    #: seconds a request waits for the scan of a file not judged yet before 503
    budget: float = 2.0
    retry_after: int = 5
    workers: int = 1
    #: seconds between two files of the first pass over an existing site
    survey_pause: float = 0.0
    #: the site's public address, for the URLs of alerts about arriving files
    public_url: str = ""


class Gate:
    def __init__(self, root: str, prefixes: tuple[str, ...], store: Store, config: Config, alerting: Alerting,
                 options: Options | None = None, attestations: Attestations | None = None) -> None:
        from spillguard.attest import config_digest

        self.places = Places(root, prefixes)
        self.store = store
        self.config = config.with_overrides(show_values=False)
        self.alerting = alerting
        self.options = options or Options()
        self.attestations = attestations
        self.mode = "dry-run" if self.options.dry_run else "enforce"
        self._config_digest = config_digest(self.config)
        self.identities = Identities()
        self._verdicts: dict[tuple[str, str], Verdict] = {}
        self._settings: dict[str, str] = {}  # name → settings digest
        self._lock = threading.Lock()
        self._snapshots = tempfile.mkdtemp(prefix="spillguard-gate-")  # owner-only (mkdtemp: 0700)
        self.pool = ScanPool(self.config, self.options.workers, self.options.survey_pause)
        self._load_identities()

    def close(self) -> None:
        self.pool.close()
        shutil.rmtree(self._snapshots, ignore_errors=True)

    # -- the decision ------------------------------------------------------------------------

    def decide(self, filename: str, url: str) -> Answer:
        place = self.places.place(filename)
        if not place.gated:
            return Answer(200, "ungated")
        if place.refused:
            return self._refused(url, place.refused)
        try:
            st = os.stat(place.real)
        except (FileNotFoundError, NotADirectoryError):
            return Answer(404, "absent")
        except OSError as exc:
            return self._refused(url, f"cannot look at the file ({os.strerror(exc.errno or 0)})")
        if stat.S_ISDIR(st.st_mode):
            return Answer(200, "directory")  # the server's index lookup comes back as a request of its own
        if not stat.S_ISREG(st.st_mode):
            return self._refused(url, "not a regular file")
        name = self.places.relative(place.real)
        try:
            known = self.identities.current(place.real, st) or self._hashed(place.real)
        except Unreadable as exc:
            return self._refused(url, exc.strerror or "cannot read the file")
        verdict = self.verdict(known.sha256, name)
        if verdict is None:
            try:
                future, known = self._submit(place.real, name, url, REQUEST)
            except Unreadable as exc:
                return self._refused(url, exc.strerror or "cannot read the file")
            try:
                future.result(timeout=self.options.budget)
            except FutureTimeout:
                if self.options.dry_run:
                    return Answer(200, "pending", reason="served unjudged (dry run); judged when its scan ends")
                log.info("pending 503 %s: scan still running", _path_of(url))
                return Answer(503, "pending", reason="the file is being judged", retry_after=self.options.retry_after)
            except Exception:  # the scan failed: _keep turns that into a blocking verdict
                pass
            verdict = self._keep(known.sha256, name, future)
        return self._answer(verdict, url, name, known.sha256)

    def _answer(self, verdict: Verdict, url: str, name: str, sha256: str) -> Answer:
        rules = tuple(sorted(verdict.rules))
        if verdict.decision == "pass":
            return Answer(200, "attested" if verdict.source == "attestation" else "pass", rules)
        self._record(url, name, sha256, verdict)
        if self.options.dry_run:
            log.warning("would refuse %s: %s (dry run: served)", _path_of(url), ",".join(rules))
            return Answer(200, "would-block", rules)
        log.warning("refused 403 %s: %s", _path_of(url), ",".join(rules))
        return Answer(403, "block", rules)

    def _refused(self, url: str, reason: str) -> Answer:
        log.warning("refused 403 %s: %s", _path_of(url), reason)
        return Answer(403, "refused", reason=reason)

    # -- bytes and verdicts ------------------------------------------------------------------

    def _hashed(self, real: str) -> Known:
        known = read_hash(real)
        self._remember(real, known)
        return known

    def _remember(self, real: str, known: Known) -> None:
        before = self.identities.get(real)
        self.identities.put(real, known)
        if (before is not None and before.identity == known.identity and before.sha256 == known.sha256
                and before.trusted == known.trusted):
            return  # a re-read of a file changed moments ago that found nothing new: no store write
        with self.store.session() as s:
            row = s.scalars(select(GateFile).where(GateFile.path == real)).first()
            if row is None:
                row = GateFile(path=real)
                s.add(row)
            row.identity, row.sha256, row.hashed_ns = known.identity.text(), known.sha256, known.hashed_ns
            with contextlib.suppress(IntegrityError):  # another thread recorded the same file
                s.commit()

    def _load_identities(self) -> None:
        with self.store.session() as s:
            for row in s.scalars(select(GateFile)):
                with contextlib.suppress(ValueError):
                    identity = Identity(*(int(x) for x in row.identity.split(":")))
                    self.identities.put(row.path, Known(identity, row.sha256, row.hashed_ns))

    def settings(self, name: str) -> str:
        """What besides the bytes decides a verdict: spillguard, the settings, the file's intent
        (worked out once per name: it is on every request's path)."""
        found = self._settings.get(name)
        if found is None:
            h = hashlib.sha256(f"{__version__}\x1f{self._config_digest}\x1f"
                               f"{intent.for_file(self.config.intents, name)!r}".encode())
            found = self._settings[name] = h.hexdigest()
        return found

    def verdict(self, sha256: str, name: str) -> Verdict | None:
        """The verdict on these bytes under this name: a trusted attestation, else a scan's."""
        if self.attestations is not None:
            attested = self.attestations.passed(sha256, self._config_digest)
            if attested is not None:
                return Verdict("pass", "attestation", dict(attested.rules))
        key = (sha256, self.settings(name))
        with self._lock:
            found = self._verdicts.get(key)
        if found is not None:
            return found
        with self.store.session() as s:
            row = s.scalars(select(GateVerdict).where(GateVerdict.sha256 == key[0],
                                                      GateVerdict.settings == key[1])).first()
        if row is None:
            return None
        found = Verdict(row.decision, row.source, dict(row.rules), list(row.findings))
        with self._lock:
            self._verdicts[key] = found
        return found

    def _submit(self, real: str, name: str, url: str, priority: int) -> tuple[Future[FileResult], Known]:
        """Copy the bytes to a private snapshot (hashing them on the way) and queue their scan:
        the scan judges exactly the bytes the hash names, whatever happens to the file meanwhile."""
        folder = tempfile.mkdtemp(dir=self._snapshots)
        copy = os.path.join(folder, os.path.basename(real))
        try:
            known = read_hash(real, copy_to=copy)
        except Unreadable:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._remember(real, known)
        future, taken = self.pool.submit(known.sha256, copy, name, priority)
        if not taken:
            shutil.rmtree(folder, ignore_errors=True)
        future.add_done_callback(lambda f: self._settled(known.sha256, name, url, f))
        return future, known

    def _settled(self, sha256: str, name: str, url: str, future: Future[FileResult]) -> None:
        """A scan came back (a callback: it may run after a waiting request woke): keep its verdict;
        alert once per URL and bytes when it blocks."""
        verdict = self._keep(sha256, name, future)
        if verdict.decision == "block":
            self._record(url, name, sha256, verdict, requests=0)

    def _keep(self, sha256: str, name: str, future: Future[FileResult]) -> Verdict:
        """The verdict of a finished scan, kept in memory and in the store (once)."""
        key = (sha256, self.settings(name))
        with self._lock:
            known = self._verdicts.get(key)
        if known is not None:
            return known
        try:
            verdict = self._from_result(future.result())
        except Exception as exc:  # a scan that did not come back: fail closed
            verdict = Verdict("block", "scan", {"SG909": 1}, [{"rule": "SG909", "severity": "high",
                              "title": f"the gate could not judge the file ({type(exc).__name__})", "samples": []}])
        with self._lock:
            verdict = self._verdicts.setdefault(key, verdict)
        with self.store.session() as s:
            if s.scalars(select(GateVerdict).where(GateVerdict.sha256 == key[0],
                                                   GateVerdict.settings == key[1])).first() is None:
                s.add(GateVerdict(sha256=key[0], settings=key[1], decision=verdict.decision, source=verdict.source,
                                  rules=verdict.rules, findings=verdict.findings, judged_at=now()))
                with contextlib.suppress(IntegrityError):
                    s.commit()
        return verdict

    def _from_result(self, result: FileResult) -> Verdict:
        from spillguard import baseline
        from spillguard.model import Report

        report = Report(fail_on=self.config.fail_on)
        result.add_to(report)
        report = baseline.apply(report, self.config.baseline, self.config.baseline_key_file)
        findings = [{"rule": f.rule, "severity": f.severity.label, "title": f.title, "samples": f.samples}
                    for f in report.findings if f.severity >= self.config.fail_on or f.rule.startswith("SG9")]
        return Verdict(report.decision, "scan", dict(sorted(Counter(f.rule for f in report.findings).items())),
                       findings)

    # -- what is recorded --------------------------------------------------------------------

    def _record(self, url: str, name: str, sha256: str, verdict: Verdict, requests: int = 1) -> None:
        """The refusal (or, in a dry run, the would-be refusal) counted; an alert the first time.
        A file judged on arrival is recorded with no request yet."""
        from spillguard.monitor.watch import payload

        t = now()
        with self._lock, self.store.session() as s:
            event = s.scalars(select(GateEvent).where(GateEvent.url == url, GateEvent.sha256 == sha256,
                                                      GateEvent.mode == self.mode)).first()
            if event is None:
                event = GateEvent(url=url, path=name, sha256=sha256, mode=self.mode, rules=verdict.rules, requests=0,
                                  first_at=t, last_at=t)
                s.add(event)
            event.requests += requests
            event.last_at = t
            alert = None
            if s.scalars(select(Alert).where(Alert.url == url, Alert.sha256 == sha256)).first() is None:
                alert = Alert(url=url, sha256=sha256, first_seen=t, raised_at=t, decision="block",
                              findings=verdict.findings)
                s.add(alert)
                self.store.audit(s, None, "gate refused" if self.mode == "enforce" else "gate would refuse",
                                 actor="spillguard gate", url=url, rules=sorted(verdict.rules))
            s.commit()
        if alert is not None:
            body = payload(alert.id, url, t, verdict.findings)
            body["gate"] = "refused" if self.mode == "enforce" else "would refuse (dry run: served)"
            # off the request's path: a slow webhook or mail relay never holds a web server's request
            threading.Thread(target=self.alerting.send, args=(body,), daemon=True, name="spillguard-gate-alert").start()

    # -- files arriving, and the first pass --------------------------------------------------

    def check(self, path: os.PathLike[str] | str, url: str, priority: int = ARRIVAL) -> Future[FileResult] | None:
        """Judge a file that appeared or changed under the root before anyone asks for it; the
        scan's future, or None when its bytes are judged already (or it is not gated)."""
        place = self.places.place(os.fspath(path))
        if not place.gated or place.refused:
            return None
        name = self.places.relative(place.real)
        try:
            st = os.stat(place.real)
            if not stat.S_ISREG(st.st_mode):
                return None
            known = self.identities.current(place.real, st)
            if known is not None and self.verdict(known.sha256, name) is not None:
                return None
            known = self._hashed(place.real)
            if self.verdict(known.sha256, name) is not None:
                return None
            return self._submit(place.real, name, url, priority)[0]
        except Unreadable:
            return None  # a request for it is refused; nothing to judge ahead of it

    def url_of(self, real: str) -> str:
        return self.options.public_url.rstrip("/") + "/" + self.places.relative(real)

    def survey(self, stop: threading.Event, report_every: float = 10.0) -> dict[str, int]:
        """The first pass over the files already under the gated folders: resumable (what is
        judged already is skipped, by identity without reading it), throttled (the pool's pause
        between files), with progress in the log."""
        files = sorted({os.path.join(d, f) for folder in self.places.gated_real if os.path.isdir(folder)
                        for d, _, names in os.walk(folder) for f in names})
        stats = {"files": len(files), "judged": 0, "already": 0, "blocked": 0}
        last = time.monotonic()
        log.info("first pass: %d files under the gated folders", len(files))
        for index, path in enumerate(files, 1):
            if stop.is_set():
                break
            future = self.check(path, self.url_of(path), SURVEY)
            if future is None:
                stats["already"] += 1
            else:
                with contextlib.suppress(Exception):
                    stats["blocked"] += self._from_result(future.result()).decision == "block"
                stats["judged"] += 1
            if time.monotonic() - last >= report_every or index == len(files):
                last = time.monotonic()
                log.info("first pass: %d/%d files (%d scanned, %d judged before)", index, len(files),
                         stats["judged"], stats["already"])
        return stats


def _path_of(url: str) -> str:
    """The URL without its query (which may carry anything) for the log."""
    return url.split("?", 1)[0]

