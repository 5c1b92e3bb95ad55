"""End to end in real headless Chromium (Debian `chromium`, driven by Playwright at
/usr/bin/chromium): a publisher logs in, uploads the routine-update workbook, sees "Must not
publish" with the pivot-cache finding and downloads the cleaned copy; a privacy officer opens the
incident and changes one hold. The pages' screenshots go to docs/screenshots/ for the README."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from spillguard.config import Config
from spillguard.demo import build_this_quarter
from spillguard.respond.incident import open_incident, parse_time
from spillguard.respond.store import Store
from spillguard.web.accounts import add_user
from spillguard.web.app import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).parent.parent.parent / "docs" / "screenshots"
PASSWORD = "correct horse battery"


@pytest.fixture()
def server(tmp_path: Path, monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (Debian package chromium; `make test` installs it when it can)")
    pytest.importorskip("playwright")
    import uvicorn

    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "browser-test-key")
    db = str(tmp_path / "web.db")
    store = Store(db)
    add_user(store, "pat", PASSWORD, "publisher")
    add_user(store, "priya", PASSWORD, "privacy")
    workbook = tmp_path / "FY24_Q1_detentionStats.xlsx"
    build_this_quarter(workbook)
    open_incident(store, "FY24 Q1 detention statistics", workbook, ["https://www.example.gov/FY24.xlsx"],
                  parse_time("2022-11-30T09:45:00-05:00", "p"), parse_time("2022-11-30T13:53:00-05:00", "d"),
                  parse_time("2022-11-30T14:04:00-05:00", "r"), Config())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(db, Config(), upload_dir=tmp_path / "uploads")
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", workbook, tmp_path
    srv.should_exit = True
    thread.join(timeout=10)


def browser(p):
    return p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])


def log_in(page, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Account").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_publisher_and_privacy_officer(server) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, workbook, tmp = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = browser(p)
        page = b.new_page(viewport={"width": 1100, "height": 900})
        log_in(page, base, "pat")
        expect(page.get_by_role("heading", name="May this be published?")).to_be_visible()
        page.get_by_label("Files to check").set_input_files(str(workbook))
        page.get_by_role("button", name="Check", exact=True).click()
        expect(page.get_by_role("status").filter(has_text="Must not publish")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("pivot table's cache").first).to_be_visible()
        page.screenshot(path=str(SHOTS / "publisher-verdict.png"), full_page=False)
        with page.expect_download() as got:
            page.get_by_role("link", name="Download FY24_Q1_detentionStats.xlsx").click()
        target = tmp / "cleaned.xlsx"
        got.value.save_as(target)
        assert target.read_bytes()[:2] == b"PK"
        assert list((tmp / "uploads").glob("spillguard-upload-*")) == []
        page.get_by_role("button", name="Log out").click()

        log_in(page, base, "priya")
        page.goto(base + "/incidents/1")
        # drafting 6,252 notices is a background job: its page at once, with progress, then the zip
        page.get_by_label("Agency").fill("U.S. Immigration Agency")
        page.get_by_label("Contact for questions").fill("Privacy Office, 1-800-555-0100")
        page.get_by_role("button", name="Draft notices and letters").click()
        page.wait_for_url("**/jobs/*")
        expect(page.get_by_role("heading", name="Drafting notices and letters")).to_be_visible()
        page.screenshot(path=str(SHOTS / "notices-job.png"), full_page=False)
        expect(page.get_by_role("link", name="Download the notices and letters (zip)")).to_be_visible(timeout=120_000)
        page.goto(base + "/incidents/1")
        expect(page.get_by_role("heading", name="Who was exposed: 6,252 people")).to_be_visible()
        page.screenshot(path=str(SHOTS / "incident.png"), full_page=False)
        page.get_by_role("link", name="Open the register").click()
        expect(page.get_by_text("People 1–100 of 6,252")).to_be_visible()
        page.get_by_label("Show").select_option("unassessed")
        page.get_by_role("button", name="Show", exact=True).click()
        page.wait_for_url("**status=unassessed**")
        expect(page.get_by_text("Page 1 of 63")).to_be_visible()
        page.screenshot(path=str(SHOTS / "register.png"), full_page=False)
        here = page.url
        row = page.locator("#register tbody tr").first
        row.get_by_label("status").select_option("released")
        row.get_by_label("reason").fill("released on parole")
        row.get_by_role("button", name="Save").click()
        expect(row.locator(".saved")).to_have_text("saved")  # in place: no reload, the filter kept
        expect(row.locator(".status")).to_have_text("Released")
        assert page.url == here
        page.goto(base + "/incidents/1/register?status=released")
        expect(page.get_by_role("cell", name="released on parole", exact=True)).to_be_visible()
        page.goto(base + "/incidents/1")
        # the audit trail on the page names the acting web user, the old and new value and the reason
        audit = page.locator("tr").filter(has_text="unassessed → released: released on parole")
        expect(audit.get_by_role("cell", name="priya", exact=True)).to_be_visible()
        b.close()
    from spillguard import scan

    assert scan([target]).decision == "pass"
