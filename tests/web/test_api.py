"""The HTTP API through the framework's test client: the same reports as the CLI, token auth
with roles on every route, uploads gone from disk after the scan, size limits, and a fuzzing run
of the OpenAPI schema that finds no server error."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spillguard.config import Config
from spillguard.demo import build_last_quarter, build_this_quarter
from spillguard.respond.store import Store
from spillguard.web.accounts import add_user, create_token
from spillguard.web.app import create_app


@pytest.fixture()
def api(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "web-test-key")
    db = str(tmp_path / "web.db")
    store = Store(db)
    for name, role in (("pat", "publisher"), ("priya", "privacy")):
        add_user(store, name, "correct horse battery", role)
    tokens = {name: create_token(store, name, "test") for name in ("pat", "priya")}
    uploads = tmp_path / "uploads"
    client = TestClient(create_app(db, Config(), upload_dir=uploads, max_upload=5 * 1024 * 1024))
    return client, tokens, uploads, tmp_path


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_scan_is_the_cli_report_and_uploads_are_deleted(api) -> None:
    client, tokens, uploads, tmp = api
    build_this_quarter(tmp / "FY24.xlsx")
    with (tmp / "FY24.xlsx").open("rb") as fh:
        r = client.post("/api/v1/scan", files=[("files", ("FY24_Q1_detentionStats.xlsx", fh))],
                        headers=auth(tokens["pat"]))
    assert r.status_code == 200
    body = r.json()
    assert body["decision"] == "block" and body["version"] == 1
    # issue 30: the workbook's author field is listed too (SG501 at info)
    assert [(f["rule"], f["severity"], f["visibility"], f["records"]) for f in body["findings"]] == [
        ("SG501", "info", "metadata", 1), ("SG201", "critical", "pivot_cache", 6252)]
    assert {f["file"] for f in body["findings"]} == {"FY24_Q1_detentionStats.xlsx"}  # no server path
    assert list(uploads.iterdir()) == []  # gone from disk after the scan


def test_check_with_the_previous_release(api) -> None:
    client, tokens, _, tmp = api
    build_last_quarter(tmp / "FY23.xlsx")
    build_this_quarter(tmp / "FY24.xlsx")
    with (tmp / "FY24.xlsx").open("rb") as new, (tmp / "FY23.xlsx").open("rb") as old:
        r = client.post("/api/v1/check", headers=auth(tokens["pat"]),
                        files=[("release", ("FY24_Q1_detentionStats.xlsx", new)),
                               ("previous", ("FY23_Q4_detentionStats.xlsx", old))])
    assert r.status_code == 200
    rules = {f["rule"] for f in r.json()["findings"]}
    assert r.json()["decision"] == "block" and {"SG201", "SG401", "SG407"} <= rules


@pytest.mark.parametrize(("method", "path", "needs"), [
    ("post", "/api/v1/scan", "publisher"), ("post", "/api/v1/check", "publisher"),
    ("get", "/api/v1/incidents", "privacy"), ("get", "/api/v1/incidents/1", "privacy"),
])
def test_every_route_refuses_the_unauthorised(api, method: str, path: str, needs: str) -> None:
    client, tokens, _, _ = api
    files = {"files": ("a.csv", b"a,b\n1,2\n")} if path.endswith("scan") else \
        {"release": ("a.csv", b"a,b\n1,2\n")} if path.endswith("check") else None
    call = getattr(client, method)
    kwargs = {"files": files} if files else {}
    assert call(path, **kwargs).status_code == 401
    assert call(path, headers=auth("sg_not-a-token"), **kwargs).status_code == 401
    if needs == "privacy":
        assert call(path, headers=auth(tokens["pat"]), **kwargs).status_code == 403
        assert call(path, headers=auth(tokens["priya"]), **kwargs).status_code in (200, 404)


def test_limits_and_names(api) -> None:
    client, tokens, uploads, _ = api
    big = b"x" * (6 * 1024 * 1024)
    r = client.post("/api/v1/scan", files=[("files", ("big.txt", big))], headers=auth(tokens["pat"]))
    assert r.status_code == 413 and (not uploads.exists() or list(uploads.iterdir()) == [])  # refused before
    r = client.post("/api/v1/scan", files=[("files", ("../../etc/evil.csv", b"a,b\n1,2\n"))],
                    headers=auth(tokens["pat"]))
    assert r.status_code == 200 and [e["file"] for e in r.json()["errors"]] == []
    assert client.get("/api/v1/rules").json()[0]["code"] == "SG101"


def test_fuzzing_finds_no_server_error(api) -> None:
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    client, tokens, _, _ = api
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    tried = 0
    for operation in schema.get_all_operations():
        op = operation.ok()

        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=op.as_strategy())
        def run(case) -> None:
            nonlocal tried
            for token in (None, tokens["pat"], tokens["priya"]):
                headers = dict(case.headers or {})
                if token:
                    headers["Authorization"] = f"Bearer {token}"
                case.headers = headers
                response = case.call()
                tried += 1
                assert response.status_code < 500, (case.method, case.path, response.status_code)

        run()
    print(f"fuzzing: {tried} requests, no server error")
    assert tried >= 100


def test_a_retention_keeps_uploads_owner_only_then_sweeps_them(api) -> None:
    import os
    import stat
    import time

    _, tokens, uploads, tmp = api
    store_db = str(tmp / "web.db")
    kept = create_app(store_db, Config(), upload_dir=uploads, retain_hours=2)
    build_last_quarter(tmp / "FY23.xlsx")
    with (tmp / "FY23.xlsx").open("rb") as fh:
        r = TestClient(kept).post("/api/v1/scan", files=[("files", ("FY23.xlsx", fh))], headers=auth(tokens["pat"]))
    assert r.status_code == 200
    [folder] = (uploads / "spillguard-retained").iterdir()
    assert [p.name for p in folder.iterdir()] == ["FY23.xlsx"]
    assert stat.S_IMODE((uploads / "spillguard-retained").stat().st_mode) == 0o700
    old = time.time() - 3 * 3600  # past the two hours: the next request sweeps it out
    os.utime(folder, (old, old))
    with (tmp / "FY23.xlsx").open("rb") as fh:
        TestClient(kept).post("/api/v1/scan", files=[("files", ("again.xlsx", fh))], headers=auth(tokens["pat"]))
    assert [p.name for d in (uploads / "spillguard-retained").iterdir() for p in d.iterdir()] == ["again.xlsx"]


def test_the_cms_upload_hook_calls_the_api(api) -> None:
    import contextlib
    import os
    import shutil
    import socket
    import subprocess
    import threading
    import time

    import uvicorn

    client, tokens, uploads, tmp = api
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(client.app, host="127.0.0.1", port=port, log_level="warning",
                                        access_log=False))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    hook = Path(__file__).parents[2] / "docs" / "cms-upload-hook.sh"
    live, good, bad = tmp / "live", tmp / "good", tmp / "bad"
    for folder in (live, good, bad):
        folder.mkdir()
    build_last_quarter(live / "FY23_Q4_detentionStats.xlsx")
    shutil.copy(live / "FY23_Q4_detentionStats.xlsx", good / "FY23_Q4_detentionStats.xlsx")
    build_this_quarter(bad / "FY24_Q1_detentionStats.xlsx")

    def run(folder: Path, token: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "SPILLGUARD_URL": f"http://127.0.0.1:{port}", "SPILLGUARD_TOKEN": token,
               "PATH": "/usr/bin:/bin"}  # no spillguard on the PATH: the hook must use the API
        return subprocess.run(["bash", str(hook), str(folder), str(live)], env=env, capture_output=True, text=True,
                              timeout=120)

    try:
        done = run(good, tokens["pat"])
        assert done.returncode == 0, done.stderr
        done = run(bad, tokens["pat"])
        assert done.returncode == 1 and "NOT published" in done.stderr
        assert sorted(p.name for p in live.iterdir()) == ["FY23_Q4_detentionStats.xlsx"]
        report = (tmp / "bad.spillguard-report.json").read_text()
        assert '"SG201"' in report
        done = run(bad, "sg_not-a-token")
        assert done.returncode == 2  # a refused token is not a pass
        assert list(uploads.iterdir()) == []
    finally:
        srv.should_exit = True
        with contextlib.suppress(RuntimeError):
            thread.join(timeout=10)
