"""Issue 21, item 5: long work runs in the background — a job row in the store, its progress on
its own page, the result for its owner only; a failure and a restart are said, never a hang."""

from __future__ import annotations

import re
import threading
import time

from fastapi.testclient import TestClient
from sqlalchemy import select

from spillguard.respond.models import Account
from spillguard.respond.store import Store
from spillguard.web import jobs
from tests.web.test_pages import login, site, wait_for_job  # noqa: F401 (the fixture)


def until(check, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_progress_result_and_failure(site) -> None:  # noqa: F811
    app, tmp = site
    store = Store(str(tmp / "web.db"))
    with store.session() as s:
        priya = s.scalars(select(Account).where(Account.name == "priya")).one()
    gate = threading.Event()

    def work(progress) -> str:
        progress(1200, 6252)
        gate.wait(30)
        return ""

    job_id = jobs.start(store, "notices", priya.id, 1, work)
    until(lambda: jobs.get(store, job_id).done == 1200)
    client = TestClient(app)
    login(client, "priya")
    running = client.get(f"/jobs/{job_id}").text
    assert "1,200 of 6,252 people" in running and 'http-equiv="refresh"' in running
    pat = TestClient(app)
    login(pat, "pat")
    assert pat.get(f"/jobs/{job_id}").status_code == 404  # someone else's job
    gate.set()
    until(lambda: jobs.get(store, job_id).state == "done")
    assert "Done: 6,252 people." in client.get(f"/jobs/{job_id}").text

    def broken(progress) -> str:
        raise OSError("disk full")

    failed = jobs.start(store, "notices", priya.id, 1, broken)
    until(lambda: jobs.get(store, failed).state == "failed")
    assert "The job failed: OSError" in client.get(f"/jobs/{failed}").text
    assert client.get("/jobs/999999").status_code == 404


def test_notices_from_the_page_are_a_job(site) -> None:  # noqa: F811
    app, _ = site
    client = TestClient(app)
    csrf = login(client, "priya")
    r = client.post("/incidents/1/notices", data={"agency": "A", "contact": "B", "csrf": csrf}, follow_redirects=False)
    page = wait_for_job(client, r.headers["location"])
    link = re.search(r'href="(/download/[^"]+\.zip)"', page).group(1)
    assert client.get(link).status_code == 200
    other = TestClient(app)
    login(other, "pat")
    assert other.get(link).status_code == 403  # another session's download
