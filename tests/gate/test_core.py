"""The gate's decision without a web server: which file, its bytes, its verdict."""

from __future__ import annotations

import os
import struct
import threading
from pathlib import Path

import pytest

from spillguard.config import Config
from spillguard.gate import fastcgi
from spillguard.gate.core import Gate, Options
from spillguard.gate.identity import RACY_NS, Identities, Known, read_hash
from spillguard.gate.place import Places
from spillguard.respond.models import Alert, GateEvent
from spillguard.respond.store import Store
from tests.gate.fixtures import clean_csv, leak_csv, same_size
from tests.respond.test_incident import postgres  # noqa: F401 - the fixture, for the PostgreSQL run


def test_places_judge_the_resolved_file_and_refuse_what_resolves_outside(tmp_path: Path) -> None:
    root = tmp_path / "www"
    (root / "files").mkdir(parents=True)
    (root / "assets").mkdir()
    (root / "files" / "a.csv").write_text("x")
    (root / "assets" / "logo.csv").write_text("x")
    (tmp_path / "secret.csv").write_text("x")
    (root / "files" / "out.csv").symlink_to(tmp_path / "secret.csv")
    (root / "assets" / "in.csv").symlink_to(root / "files" / "a.csv")  # ungated name, gated bytes
    (root / "files" / "via.csv").symlink_to(root / "assets" / "logo.csv")  # gated name, ungated bytes
    places = Places(str(root), ("/files",))
    assert places.place(str(root / "assets" / "logo.csv")).gated is False
    assert places.place(str(root / "files" / "a.csv")).gated is True
    assert places.place(str(root / "assets" / "in.csv")).gated is True
    assert places.place(str(root / "files" / "via.csv")).gated is True
    assert places.place(str(root / "files" / "out.csv")).refused == "the file resolves outside the web root"
    assert places.place(str(root / "files" / ".." / "files" / "a.csv")).real == str(root / "files" / "a.csv")
    assert places.place("relative/a.csv").refused == "the web server named no absolute file path"
    with pytest.raises(ValueError, match=r"no '\.\.'"):
        Places(str(root), ("/files/../etc",))


def test_an_identity_read_right_after_a_change_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n")
    known = read_hash(str(path))
    identities = Identities()
    identities.put(str(path), known)
    assert identities.current(str(path), path.stat()) is None  # changed within RACY_NS of the read
    old = Known(known.identity, known.sha256, known.hashed_ns + RACY_NS + 1)
    identities.put(str(path), old)
    assert identities.current(str(path), path.stat()) == old
    # same size and mtime put back: the ctime still moves, the identity no longer matches
    st = path.stat()
    with path.open("r+b") as fh:
        fh.write(b"c,d\n")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    assert identities.current(str(path), path.stat()) is None


def test_fastcgi_name_value_pairs_round_trip_and_truncation_is_refused() -> None:
    values = {b"SCRIPT_FILENAME": b"/srv/www/a.csv", b"LONG": b"x" * 300}
    assert fastcgi.pairs(fastcgi.encode_pairs(values)) == values
    with pytest.raises(fastcgi.ProtocolError):
        fastcgi.pairs(fastcgi.encode_pairs(values)[:-1])
    head = fastcgi.record(fastcgi.STDOUT, 1, b"abc")
    assert struct.unpack("!BBHHBx", head[:8]) == (1, fastcgi.STDOUT, 1, 3, 5)


class Alerts:
    def __init__(self) -> None:
        self.got: list[dict] = []
        self.arrived = threading.Event()

    def send(self, payload: dict) -> None:
        self.got.append(payload)
        self.arrived.set()


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A gate over a web root, its store on SQLite, then on PostgreSQL through the same code."""
    db = str(tmp_path / "gate.db")
    if request.param == "postgresql":
        db = request.getfixturevalue("postgres")
        monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "gate-test-key")
    root = tmp_path / "www"
    (root / "files").mkdir(parents=True)
    (root / "index.html").write_text("<p>home</p>")
    alerts = Alerts()
    gates: list[Gate] = []

    def make(**options: object) -> tuple[Gate, Path, Alerts]:
        store = Store(db)
        gate = Gate(str(root), ("/files",), store, Config(), alerts, Options(budget=120, **options))  # type: ignore[arg-type]
        gates.append(gate)
        return gate, root, alerts

    yield make
    for gate in gates:
        gate.close()
        gate.store.engine.dispose()


def test_decisions_by_bytes(site) -> None:
    gate, root, alerts = site()
    clean, leak = same_size(clean_csv(), leak_csv())
    (root / "files" / "a.csv").write_bytes(clean)
    assert gate.decide(str(root / "index.html"), "/index.html").verdict == "ungated"
    assert gate.decide(str(root / "files" / "a.csv"), "/files/a.csv").status == 200
    assert gate.decide(str(root / "files" / "nope.csv"), "/files/nope.csv").status == 404
    assert gate.decide(str(root / "files"), "/files/").verdict == "directory"
    (root / "files" / "b.csv").write_bytes(leak)
    answer = gate.decide(str(root / "files" / "b.csv"), "https://www.example.gov/files/b.csv?x=1")
    assert (answer.status, answer.verdict, answer.rules) == (403, "block", ("SG202",))
    assert alerts.arrived.is_set()
    assert alerts.got[0]["url"] == "https://www.example.gov/files/b.csv?x=1"
    assert alerts.got[0]["gate"] == "refused"
    samples = [s for f in alerts.got[0]["findings"] for s in f["samples"]]
    assert samples and all("*" in s for s in samples)  # masked evidence only
    # the clean file overwritten in place with the leak, same size, same mtime
    st = (root / "files" / "a.csv").stat()
    with (root / "files" / "a.csv").open("r+b") as fh:
        fh.write(leak)
    os.utime(root / "files" / "a.csv", ns=(st.st_atime_ns, st.st_mtime_ns))
    assert gate.decide(str(root / "files" / "a.csv"), "/files/a.csv").status == 403
    os.mkfifo(root / "files" / "pipe.csv")
    assert gate.decide(str(root / "files" / "pipe.csv"), "/files/pipe.csv").verdict == "refused"
    with gate.store.session() as s:
        events = [(e.url, e.mode, e.requests) for e in s.query(GateEvent).order_by(GateEvent.id)]
        assert len(s.query(Alert).all()) == 2
    assert events == [("https://www.example.gov/files/b.csv?x=1", "enforce", 1), ("/files/a.csv", "enforce", 1)]


def test_dry_run_serves_and_records(site) -> None:
    gate, root, alerts = site(dry_run=True)
    (root / "files" / "b.csv").write_bytes(leak_csv())
    answer = gate.decide(str(root / "files" / "b.csv"), "/files/b.csv")
    assert (answer.status, answer.verdict) == (200, "would-block")
    assert alerts.got[0]["gate"].startswith("would refuse")
    with gate.store.session() as s:
        assert [(e.mode, e.rules) for e in s.query(GateEvent)] == [("dry-run", {"SG202": 1})]


def test_past_the_budget_503_with_retry_after_then_the_verdict(site) -> None:
    gate, root, _ = site()
    gate.options.budget = 0
    (root / "files" / "b.csv").write_bytes(leak_csv())
    answer = gate.decide(str(root / "files" / "b.csv"), "/files/b.csv")
    assert (answer.status, answer.verdict, answer.retry_after) == (503, "pending", 5)
    gate.options.budget = 120
    assert gate.decide(str(root / "files" / "b.csv"), "/files/b.csv").status == 403


def test_the_first_pass_is_resumable(site) -> None:
    gate, root, _ = site()
    for i in range(3):
        (root / "files" / f"c{i}.csv").write_bytes(clean_csv(seed=i))
    assert gate.survey(threading.Event()) == {"files": 3, "judged": 3, "already": 0, "blocked": 0}
    gate.close()
    again, _, _ = site()  # a restart over the same store: nothing is scanned again
    assert again.survey(threading.Event()) == {"files": 3, "judged": 0, "already": 3, "blocked": 0}
