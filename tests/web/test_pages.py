"""The pages through the test client: log-in, CSRF on every form, roles on every page, the
publisher's check with a cleaned copy to download (once), history, and an audited hold change."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spillguard.config import Config
from spillguard.demo import build_this_quarter
from spillguard.respond.incident import open_incident, parse_time
from spillguard.respond.store import Store
from spillguard.web.accounts import add_user
from spillguard.web.app import create_app

PASSWORD = "correct horse battery"


@pytest.fixture()
def site(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "web-test-key")
    db = str(tmp_path / "web.db")
    store = Store(db)
    add_user(store, "pat", PASSWORD, "publisher")
    add_user(store, "priya", PASSWORD, "privacy")
    build_this_quarter(tmp_path / "FY24_Q1_detentionStats.xlsx")
    open_incident(store, "FY24 Q1", tmp_path / "FY24_Q1_detentionStats.xlsx", ["https://www.example.gov/x.xlsx"],
                  parse_time("2022-11-30T09:45:00-05:00", "p"), None, parse_time("2022-11-30T14:04:00-05:00", "r"),
                  Config())
    app = create_app(db, Config(), upload_dir=tmp_path / "uploads")
    return app, tmp_path


def login(client: TestClient, name: str) -> str:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/history").text).group(1)


def test_publisher_flow(site) -> None:
    app, tmp = site
    client = TestClient(app)
    assert client.get("/").status_code == 401
    csrf = login(client, "pat")
    with (tmp / "FY24_Q1_detentionStats.xlsx").open("rb") as fh:
        r = client.post(f"/check?csrf={csrf}", data={"csrf": csrf},
                        files=[("files", ("FY24_Q1_detentionStats.xlsx", fh))])
    assert r.status_code == 200 and "Must not publish" in r.text and "pivot table" in r.text
    assert list((tmp / "uploads").glob("spillguard-upload-*")) == []  # the upload is gone
    link = re.search(r'href="(/download/[^"]+)"', r.text).group(1)
    copy = client.get(link)
    assert copy.status_code == 200 and copy.content[:2] == b"PK"
    assert client.get(link).status_code == 200  # not deleted on the first GET: swept after its hour
    assert "FY24_Q1_detentionStats.xlsx" in client.get("/history").text
    # a form without the CSRF token is refused
    with (tmp / "FY24_Q1_detentionStats.xlsx").open("rb") as fh:
        assert client.post("/check", files=[("files", ("a.xlsx", fh))]).status_code == 403
    for path in ("/incidents", "/incidents/1", "/alerts", "/admin"):
        assert client.get(path).status_code == 403
    for path in ("/incidents/1/notices", "/admin/users", "/admin/tokens", "/incidents/1/holds/1"):
        assert client.post(path, data={"csrf": csrf, "name": "x", "role": "admin", "password": "x" * 12,
                                       "label": "x", "agency": "x", "contact": "x", "status": "hold",
                                       "reason": "x"}).status_code == 403


@pytest.mark.parametrize("path", ["/", "/history", "/incidents", "/incidents/1", "/alerts", "/admin"])
def test_every_page_needs_a_session(site, path: str) -> None:
    app, _ = site
    assert TestClient(app).get(path).status_code == 401


FORM = {"csrf": "x", "name": "x", "role": "admin", "password": "x" * 12, "label": "x", "agency": "x", "contact": "x",
        "status": "hold", "reason": "x"}
POSTS = ["/check", "/incidents/1/notices", "/admin/users", "/admin/tokens", "/incidents/1/holds/1",
         "/alerts/1/incident"]


@pytest.mark.parametrize("path", POSTS)
def test_every_form_post_needs_a_session(site, path: str) -> None:
    app, _ = site
    files = {"file": ("a.txt", b"x")} if "alerts" in path else {"files": ("a.txt", b"x")} if path == "/check" else None
    assert TestClient(app).post(path, data=FORM, files=files).status_code == 401


@pytest.mark.parametrize("path", [*POSTS[1:], "/logout"])
def test_privacy_and_admin_posts_refuse_a_publisher(site, path: str) -> None:
    app, _ = site
    client = TestClient(app)
    csrf = login(client, "pat")
    files = {"file": ("a.txt", b"x")} if "alerts" in path else None
    if path == "/logout":
        assert client.post(path, data={**FORM, "csrf": "forged"}).status_code == 403  # CSRF, not the role
        return
    assert client.post(path, data={**FORM, "csrf": csrf}, files=files).status_code == 403


def test_privacy_flow(site) -> None:
    app, _ = site
    client = TestClient(app)
    csrf = login(client, "priya")
    page = client.get("/incidents/1")
    assert page.status_code == 200 and "6,252 people" in page.text
    register = client.get("/incidents/1/register")
    assert "People 1–100 of 6,252" in register.text and "Page 1 of 63" in register.text
    person = re.search(r'action="/incidents/1/holds/(\d+)"', register.text).group(1)
    assert client.post(f"/incidents/1/holds/{person}", data={"status": "released", "reason": "x"}).status_code == 403
    r = client.post(f"/incidents/1/holds/{person}", data={"status": "released", "reason": "parole granted",
                                                          "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/incidents/1/register"
    assert "parole granted" in client.get("/incidents/1/register?status=released").text
    from spillguard.respond.incident import report

    audit = [a["action"] for a in report(Store(str(site[1] / "web.db")), 1)["audit"]]
    assert audit[-1] == "hold"
    assert client.get("/login").status_code == 200
    bad = TestClient(app)
    token = re.search(r'name="csrf" value="([^"]+)"', bad.get("/login").text).group(1)
    assert bad.post("/login", data={"name": "priya", "password": "wrong password!", "csrf": token}).status_code == 401


def wait_for_job(client: TestClient, path: str, seconds: float = 120) -> str:
    """The job's page once it is done (a background thread drafts the documents)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = client.get(path).text
        if 'http-equiv="refresh"' not in text:
            assert "Done:" in text, text
            return text
        time.sleep(0.2)
    raise AssertionError(f"{path} did not finish in {seconds} s")


def test_notices_and_admin(site) -> None:
    import io
    import zipfile

    app, tmp = site
    store = Store(str(tmp / "web.db"))
    add_user(store, "ada", PASSWORD, "admin")
    client = TestClient(app)
    csrf = login(client, "ada")
    no_csrf = client.post("/admin/users", data={"name": "new", "role": "publisher", "password": "x" * 12})
    assert no_csrf.status_code == 403
    page = client.post("/admin/users", data={"name": "newcomer", "role": "publisher", "password": "long enough pw",
                                              "csrf": csrf})
    assert "Account newcomer (publisher) added." in page.text
    token = client.post("/admin/tokens", data={"name": "newcomer", "label": "cms", "csrf": csrf})
    assert re.search(r"shown once, copy it now\): sg_[\w-]+", token.text)
    drafted = client.post("/incidents/1/notices", data={"agency": "Agency", "contact": "privacy@x.gov", "csrf": csrf},
                          follow_redirects=False)
    assert drafted.status_code == 303 and re.fullmatch(r"/jobs/\d+", drafted.headers["location"])  # at once
    job = wait_for_job(client, drafted.headers["location"])
    link = re.search(r'href="(/download/[^"]+\.zip)"', job).group(1)
    with zipfile.ZipFile(io.BytesIO(client.get(link).content)) as z:
        assert "mailmerge.csv" in z.namelist()


def test_an_incident_from_a_watch_alert(site) -> None:
    from spillguard.monitor.watch import Alerting, Watcher

    app, tmp = site
    store = Store(str(tmp / "web.db"))
    alert_id = Watcher(store, Config(), Alerting(console=False)).check(
        tmp / "FY24_Q1_detentionStats.xlsx", "https://www.example.gov/FY24.xlsx")
    client = TestClient(app)
    csrf = login(client, "priya")
    assert f"/alerts/{alert_id}/incident" in client.get("/alerts").text
    with (tmp / "FY24_Q1_detentionStats.xlsx").open("rb") as fh:
        r = client.post(f"/alerts/{alert_id}/incident?csrf={csrf}", data={"name": "From the alert", "csrf": csrf},
                        files={"file": ("FY24.xlsx", fh)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/incidents/2"
    from spillguard.respond.incident import report
    from spillguard.respond.models import Alert

    opened = report(store, 2)
    with store.session() as s:
        first_seen = s.get(Alert, alert_id).first_seen
    assert opened["incident"]["name"] == "From the alert" and opened["affected"] > 0
    assert opened["timeline"]["published"].startswith(first_seen.strftime("%Y-%m-%dT%H:%M"))
    assert f"Who was exposed: {opened['affected']:,} people" in client.get("/incidents/2").text
    assert list((tmp / "uploads").glob("spillguard-upload-*")) == []
