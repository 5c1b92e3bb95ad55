"""Crash safety of the store: a process killed in the middle of `incident logs` or of a watch
scan leaves the store as it was (transactions), and the next run finishes the job — no partial
result is reported as complete, no document is taken for checked when its scan never ended."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import sqlalchemy as sa

from spillguard.config import Config
from spillguard.demo import build_this_quarter
from spillguard.monitor.watch import Alerting, Watcher
from spillguard.respond.incident import ingest_logs, open_incident
from spillguard.respond.models import Alert, AuditEntry, Client, Seen
from spillguard.respond.store import Store
from spillguard.synth import accesslog
from tests.respond.test_incident import PUBLISHED, REMOVED, URL

KEY = "crash-test-key"


def killed_midway(script: str, cwd: Path) -> None:
    """Run ``script`` in a child process that dies (SIGKILL-like ``os._exit``) where it says."""
    env = {**os.environ, "SPILLGUARD_INCIDENT_KEY": KEY}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 9, done.stderr[-2000:]


def test_incident_logs_killed_mid_import(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", KEY)
    leaked = tmp_path / "FY24_Q1_detentionStats.xlsx"
    build_this_quarter(leaked)
    path = "/statistics/FY24_Q1_detentionStats.xlsx"
    requests, expected = accesslog.scenario(path, leaked.stat().st_size, PUBLISHED, REMOVED)
    (tmp_path / "day1.log").write_text("".join(accesslog.combined(requests[: len(requests) // 2])), encoding="utf-8")
    (tmp_path / "all.log").write_text("".join(accesslog.combined(requests)), encoding="utf-8")
    db = str(tmp_path / "i.db")
    store = Store(db)
    open_incident(store, "FY24 Q1", leaked, [URL], PUBLISHED, None, REMOVED, Config())
    first = {d.client for d in ingest_logs(store, None, [tmp_path / "day1.log"])}
    assert first and first < set(expected)
    store.engine.dispose()
    # the full log's import dies after the old list was deleted and the new one added, before commit
    killed_midway(f"""
        import os
        from pathlib import Path
        from spillguard.respond.incident import ingest_logs
        from spillguard.respond.store import Store
        store = Store({db!r})
        real = store.audit
        def audit(session, incident, action, **details):
            if action == "logs":
                session.flush()  # the new rows are written into the open transaction ...
                os._exit(9)      # ... and the process dies
            return real(session, incident, action, **details)
        store.audit = audit
        ingest_logs(store, None, [Path("all.log")])
    """, tmp_path)
    store = Store(db)
    with store.session() as s:
        assert {c.address for c in s.scalars(sa.select(Client))} == first  # the last complete import
        assert [a.action for a in s.scalars(sa.select(AuditEntry)).all() if a.action == "logs"] == ["logs"]
    assert {d.client for d in ingest_logs(store, None, [tmp_path / "all.log"])} == set(expected)  # a re-run finishes
    store.engine.dispose()


def test_watch_killed_mid_scan_scans_the_document_again(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", KEY)
    leaked = tmp_path / "FY24.xlsx"
    build_this_quarter(leaked)
    db = str(tmp_path / "watch.db")
    Store(db).engine.dispose()
    killed_midway(f"""
        import os
        from pathlib import Path
        from spillguard.config import Config
        from spillguard.monitor.watch import Alerting, Watcher
        from spillguard.respond.store import Store
        from spillguard.scan import Scanner
        def dies(self, paths, progress=None):
            os._exit(9)  # the watcher dies while the document is being scanned
        Scanner.run = dies
        Watcher(Store({db!r}), Config(), Alerting(console=False)).check(Path("FY24.xlsx"), "https://x.gov/FY24.xlsx",
                                                                       etag='"v1"')
    """, tmp_path)
    store = Store(db)
    with store.session() as s:
        [seen] = s.scalars(sa.select(Seen)).all()
        assert seen.sha256 is None and seen.etag is None  # not taken for checked
    alert = Watcher(store, Config(), Alerting(console=False)).check(leaked, "https://x.gov/FY24.xlsx", etag='"v1"')
    assert alert is not None  # the restarted watcher scans it and alerts
    with store.session() as s:
        assert [a.url for a in s.scalars(sa.select(Alert))] == ["https://x.gov/FY24.xlsx"]
        assert s.scalars(sa.select(Seen)).one().etag == '"v1"'
    assert Watcher(store, Config(), Alerting(console=False)).check(leaked, "https://x.gov/FY24.xlsx") is None
    store.engine.dispose()
