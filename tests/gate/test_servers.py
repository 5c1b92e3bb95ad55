"""The gate in front of real nginx and Apache: a file spillguard has not passed is never served.

Both servers come from Debian (``tools/debian-packages``), started here on loopback ports with the
configuration `spillguard gate config` prints; the gate is `spillguard gate serve`, run as a user
runs it. Alerts are proved by their arrival at a webhook, never by a clock."""

from __future__ import annotations

import base64
import json
import os
import shutil
from pathlib import Path

import pytest

from spillguard.demo import build_last_quarter, build_this_quarter
from tests.gate.fixtures import clean_csv, leak_csv, same_size
from tests.gate.servers import MODULES, Hook, Site, make_site, remove

SERVERS = ["nginx", "apache"]


@pytest.fixture(scope="module")
def hook():
    receiver = Hook()
    yield receiver
    receiver.close()


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    folder = tmp_path_factory.mktemp("workbooks")
    build_last_quarter(folder / "last.xlsx")
    build_this_quarter(folder / "leak.xlsx")
    return (folder / "last.xlsx").read_bytes(), (folder / "leak.xlsx").read_bytes()


@pytest.fixture(scope="module", params=SERVERS)
def site(request: pytest.FixtureRequest, hook: Hook):
    made = make_site(request.param, hook)
    try:
        made.start_gate("--no-survey")
        extra = ""
        if made.server == "apache":  # mod_speling would offer a near name: it must not reach ungated bytes
            extra = (f"LoadModule speling_module {MODULES}/mod_speling.so\n"
                     f'<Directory "{made.root}">\n    CheckSpelling On\n</Directory>\n')
        made.start_web(extra)
        yield made
        made.check_invariant()
    finally:
        remove(made)


def test_a_clean_file_is_served_with_its_exact_bytes(site: Site, workbooks: tuple[bytes, bytes]) -> None:
    last, _ = workbooks
    site.put("files/FY23_Q4_detentionStats.xlsx", last, passes=True)
    got = site.get("/files/FY23_Q4_detentionStats.xlsx")
    assert (got.status, got.body) == (200, last)
    assert site.get("/index.html").status == 200  # outside the gated prefix: untouched
    log = site.logged("gate=pass", "gate=ungated")
    assert "gate=pass" in log and "gate=ungated" in log


def test_the_leaked_workbook_is_refused_and_the_office_alerted(site: Site, workbooks: tuple[bytes, bytes]) -> None:
    _, leak = workbooks
    site.put("files/FY24_Q1_detentionStats.xlsx", leak, passes=False)
    got = site.get("/files/FY24_Q1_detentionStats.xlsx")
    assert got.status == 403 and leak[:64] not in got.body
    alert = site.alert("/files/FY24_Q1_detentionStats.xlsx")
    assert alert["url"].startswith(("https://www.example.gov/", "http://127.0.0.1"))
    assert {f["rule"] for f in alert["findings"]} >= {"SG201"}
    assert all("*" in s for f in alert["findings"] for s in f["samples"])  # masked evidence only
    log = site.logged("FY24_Q1_detentionStats.xlsx\" 403", "SG201")
    assert "FY24_Q1_detentionStats.xlsx\" 403" in log and "SG201" in log
    assert site.get("/files/FY24_Q1_detentionStats.xlsx").status == 403  # and again, from the cached verdict
    from tests.test_hygiene import leaked_names, leaked_numbers

    said = (site.work / "gate.log").read_text() + site.log() + json.dumps(site.hook.alerts)
    said += "".join(a.body.decode("latin-1") + json.dumps(a.headers) for a in site.answers)
    assert leaked_numbers(said) == set() and leaked_names(said) == set()  # nothing personal said anywhere


def test_a_served_file_overwritten_in_place_same_size_and_mtime_is_refused_next(site: Site) -> None:
    clean, leak = same_size(clean_csv(), leak_csv())
    path = site.put("files/overwritten.csv", clean, passes=True)
    site.leaks.append(leak)
    assert site.get("/files/overwritten.csv").body == clean
    before = path.stat()
    with path.open("r+b") as fh:  # in place: same inode, same size
        fh.write(leak)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old mtime put back
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
    assert site.get("/files/overwritten.csv").status == 403


def test_a_symlink_swapped_to_a_leaked_file_is_refused(site: Site) -> None:
    site.put("files/data/clean.csv", clean_csv(seed=5), passes=True)
    site.put("files/data/extract.csv", leak_csv(seed=6), passes=False)
    link = site.root / "files" / "latest.csv"
    link.symlink_to("data/clean.csv")
    assert site.get("/files/latest.csv").body == clean_csv(seed=5)
    swap = site.root / "files" / "latest.csv.new"
    swap.symlink_to("data/extract.csv")
    swap.replace(link)  # atomic, as a deploy script swaps "latest"
    assert site.get("/files/latest.csv").status == 403
    outside = site.work / "outside.csv"  # a link out of the web root is refused whatever it holds
    outside.write_bytes(clean_csv(seed=7))
    outside.chmod(0o644)
    (site.root / "files" / "out.csv").symlink_to(outside)
    assert site.get("/files/out.csv").status in (403, 404)


def test_path_tricks_reach_no_ungated_bytes(site: Site) -> None:
    leak = leak_csv(seed=8)
    site.put("files/roster.csv", leak, passes=False)
    site.put("files/sub/clean.csv", clean_csv(seed=8), passes=True)
    tricks = ["/files/roster.csv", "/files/%72oster.csv", "/files/ROSTER.csv", "/files/Roster.csv",
              "/files//roster.csv",
              "//files/roster.csv", "/files/sub/../roster.csv", "/files/sub/%2e%2e/roster.csv",
              "/files/sub/%2E%2E/roster.csv", "/files%2Froster.csv", "/files/sub%2F..%2Froster.csv",
              "/files/./roster.csv", "/files/roster.csv/", "/files/roster.csv%00.txt", "/files/roster.csv?download=1",
              "/files/roster.csv;x", "/files/roster%2ecsv", "/FILES/roster.csv", "/files/roster.c%73v",
              "/./files/roster.csv", "/x/../files/roster.csv", "/files/roster.csv%20", "/files/roster.csv%0a"]
    for path in tricks:
        got = site.get(path)
        assert not 200 <= got.status < 300 or leak.find(got.body) == -1 or not got.body, path
        assert leak[:40] not in got.body, path
    assert site.get("/files/sub/clean.csv").status == 200


def test_index_files_and_internal_redirects_are_gated(site: Site) -> None:
    page = b"<html><body><table><tr><th>Name</th><th>A-Number</th><th>Birth Date</th></tr>" + b"".join(
        f"<tr><td>{line.split(',')[0]}</td><td>{line.split(',')[1]}</td><td>{line.split(',')[2]}</td></tr>".encode()
        for line in leak_csv(seed=9).decode().splitlines()[1:]) + b"</table></body></html>\n"
    site.put("files/detainees/index.html", page, passes=False)
    for path in ("/files/detainees/", "/files/detainees", "/files/detainees/index.html"):
        got = follow(site, path)
        assert got.status == 403 and page[:80] not in got.body, path
    site.put("files/public/index.html", b"<p>Quarterly tables</p>\n", passes=True)
    served = follow(site, "/files/public/")
    assert (served.status, served.body) == (200, b"<p>Quarterly tables</p>\n")


def follow(site: Site, path: str):
    """The server's redirects followed as a client would (Apache sends an index page by one)."""
    got = site.get(path)
    for _ in range(3):
        if got.status not in (301, 302):
            break
        got = site.get(got.headers["location"].split(f":{site.port}", 1)[-1])
    return got


def test_range_and_head_requests_are_gated(site: Site) -> None:
    leak = leak_csv(seed=10)
    site.put("files/range.csv", leak, passes=False)
    assert site.get("/files/range.csv", headers={"Range": "bytes=0-99"}).status == 403
    assert site.get("/files/range.csv", headers={"Range": "bytes=-50"}).status == 403
    assert site.get("/files/range.csv", method="HEAD").status == 403
    clean = clean_csv(seed=10)
    site.put("files/range-ok.csv", clean, passes=True)
    got = site.get("/files/range-ok.csv", headers={"Range": "bytes=0-9"})
    assert (got.status, got.body) == (206, clean[:10])


def test_a_file_arriving_under_the_root_is_judged_before_anyone_asks(site: Site) -> None:
    site.put("files/arrived.csv", leak_csv(seed=11), passes=False)
    alert = site.alert("/files/arrived.csv")
    assert alert["url"] == "https://www.example.gov/files/arrived.csv"
    assert site.get("/files/arrived.csv").status == 403


@pytest.mark.parametrize("server", SERVERS)
def test_gate_stopped_nothing_is_served(server: str, hook: Hook) -> None:
    site = make_site(server, hook)
    try:
        site.start_gate("--no-survey")
        site.start_web()
        site.put("files/ok.csv", clean_csv(seed=12), passes=True)
        assert site.get("/files/ok.csv").status == 200
        site.stop_gate()
        got = site.get("/files/ok.csv")
        assert got.status in (500, 503) and got.body != clean_csv(seed=12)
        assert site.get("/index.html").status in (500, 503)  # every request asks the gate: it is down
        site.check_invariant()
    finally:
        remove(site)


@pytest.mark.parametrize("server", SERVERS)
def test_dry_run_serves_the_leak_and_lists_it(server: str, hook: Hook) -> None:
    site = make_site(server, hook, ["--dry-run"])
    try:
        leak = leak_csv(seed=13)
        site.put("files/dry.csv", leak, passes=True)  # served, by design of a dry run
        site.start_gate()  # with the first pass over what is already there
        site.start_web()
        got = site.get("/files/dry.csv")
        assert (got.status, got.body) == (200, leak)
        alert = site.alert("/files/dry.csv")
        assert alert["gate"] == "would refuse (dry run: served)"
        report = site.spillguard("gate", "report", "--db", str(site.work / "gate.db"))
        assert report.returncode == 0, report.stderr
        lines = [line for line in report.stdout.splitlines() if "/files/dry.csv  [SG202]" in line]
        assert lines and all(line.startswith("would refuse  http") for line in lines), report.stdout
        listed = json.loads(site.spillguard("gate", "report", "--json", "--dry-run-only", "--db",
                                            str(site.work / "gate.db")).stdout)["files"]
        assert [(f["path"], f["rules"]) for f in listed if f["requests"]] == [("files/dry.csv", {"SG202": 1})]
    finally:
        remove(site)


@pytest.mark.parametrize("server", SERVERS)
def test_an_attested_file_is_served_without_a_scan_and_a_tampered_one_is_not(server: str, hook: Hook) -> None:
    site = make_site(server, hook)
    try:
        release = site.work / "release"
        release.mkdir()
        (release / "tables.csv").write_bytes(clean_csv(seed=14))
        (release / "extract.csv").write_bytes(leak_csv(seed=14))
        made = site.spillguard("keys", "create", "--name", "ci", "--dir", str(site.work / "keys"))
        assert made.returncode == 0, made.stderr
        attestations = site.work / "attestations"
        attestations.mkdir()
        checked = site.spillguard("check", str(release), "--attest", str(attestations / "release.intoto.json"),
                                  "--key", str(site.work / "keys" / "ci.key"))
        assert checked.returncode == 1  # the extract blocks; the tables pass, each attested as such
        # a forged copy: the leak's verdict edited to pass, the signature kept
        envelope = json.loads((attestations / "release.intoto.json").read_text())
        body = json.loads(base64.b64decode(envelope["payload"]))
        for item in body["predicate"]["files"]:
            item["decision"] = "pass"
        envelope["payload"] = base64.b64encode(json.dumps(body).encode()).decode()
        (attestations / "forged.intoto.json").write_text(json.dumps(envelope))
        site.start_gate("--no-survey", "--trust", str(site.work / "keys" / "ci.pub"), "--attestations",
                        str(attestations))
        site.start_web()
        site.put("files/tables.csv", clean_csv(seed=14), passes=True)
        site.put("files/extract.csv", leak_csv(seed=14), passes=False)
        got = site.get("/files/tables.csv")
        assert (got.status, got.body) == (200, clean_csv(seed=14))
        assert site.get("/files/extract.csv").status == 403  # the forged pass is not taken: scanned, refused
        log = site.logged("tables.csv\" 200", "gate=attested")
        assert "tables.csv\" 200" in log and "gate=attested" in log
        import sqlite3

        with sqlite3.connect(site.work / "gate.db") as db:
            judged = {row[0] for row in db.execute("select sha256 from gate_verdict")}
        import hashlib

        assert hashlib.sha256(clean_csv(seed=14)).hexdigest() not in judged  # served without a scan
        assert hashlib.sha256(leak_csv(seed=14)).hexdigest() in judged
        assert "forged.intoto.json not taken" in (site.work / "gate.log").read_text()
        site.check_invariant()
    finally:
        remove(site)


def test_the_generated_configurations_pass_the_servers_own_checks(tmp_path: Path) -> None:
    from tests.gate.servers import BINARIES, need

    for server in SERVERS:
        need(server)
    import subprocess
    import sys

    www = tmp_path / "www"
    www.mkdir()
    for server, gate in (("nginx", "http://127.0.0.1:8181"), ("apache", "fcgi://127.0.0.1:9181")):
        conf = subprocess.run([sys.executable, "-m", "spillguard", "gate", "config", server, "--webroot", str(www),
                               "--gate", gate, "--run-dir", str(tmp_path / server)], capture_output=True, text=True,
                              check=True).stdout
        (tmp_path / f"{server}.conf").write_text(conf)
        test = [BINARIES["nginx"], "-t", "-c", str(tmp_path / "nginx.conf")] if server == "nginx" else \
            [BINARIES["apache"], "-t", "-f", str(tmp_path / "apache.conf")]
        run = subprocess.run(test, capture_output=True, text=True, env={"PATH": "/usr/sbin:/usr/bin:/bin"}, check=False)
        assert run.returncode == 0, run.stderr
    bad = subprocess.run([sys.executable, "-m", "spillguard", "gate", "config", "apache", "--webroot", str(www),
                          "--gate", "fcgi://127.0.0.1:9181", "--fail-open"], capture_output=True, text=True,
                         check=False)
    assert bad.returncode == 2 and "fails closed" in bad.stderr
    shutil.rmtree(tmp_path / "nginx", ignore_errors=True)


@pytest.mark.parametrize("server", SERVERS)
def test_a_file_not_judged_yet_is_503_with_retry_after_until_its_scan_ends(server: str, hook: Hook) -> None:
    site = make_site(server, hook)
    try:
        site.put("files/new.csv", leak_csv(seed=15), passes=False)  # there before the gate starts: no event
        site.start_gate("--no-survey", "--budget", "0", "--retry-after", "7")
        site.start_web()
        got = site.get("/files/new.csv")
        assert (got.status, got.headers.get("retry-after")) == (503, "7")
        site.alert("/files/new.csv")  # the scan went on and ended (its alert arrived)
        assert site.get("/files/new.csv").status == 403
        assert "pending" in site.logged("pending")
        site.check_invariant()
    finally:
        remove(site)


def test_the_demo_s_gate_step_runs_real_nginx_from_a_relative_folder(tmp_path: Path, monkeypatch) -> None:
    from rich.console import Console

    from spillguard.gate.demo import run_gate
    from tests.gate.servers import need

    need("nginx")
    monkeypatch.chdir(tmp_path)
    build_last_quarter(tmp_path / "last.xlsx")
    build_this_quarter(tmp_path / "this.xlsx")
    console = Console(record=True, width=200)
    assert run_gate(Path("demo"), tmp_path / "last.xlsx", tmp_path / "this.xlsx", console) == "enforced"
    said = console.export_text()
    assert "served by nginx on 127.0.0.1:" in said  # `make demo` passes a relative folder
    assert "GET /detention-statistics/this.xlsx → 403" in said and "GET /detention-statistics/last.xlsx → 200" in said
