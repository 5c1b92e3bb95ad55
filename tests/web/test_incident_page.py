"""Issue 21, item 5: an incident says what to do next, and the roster and the logs load from
the page — what was understood is shown, what cannot be used is refused and nothing written;
times are shown in the office's time zone."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from spillguard.config import Config
from spillguard.demo import build_roster
from spillguard.respond.incident import parse_time
from spillguard.synth import accesslog
from spillguard.web.app import create_app
from tests.web.test_pages import login, site  # noqa: F401 (the fixture)


def steps(html: str) -> list[str]:
    block = re.search(r'<ol class="steps">(.*?)</ol>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


def test_next_steps_then_roster_and_logs_from_the_page(site) -> None:  # noqa: F811
    app, tmp = site
    app = create_app(str(tmp / "web.db"), Config(), upload_dir=tmp / "uploads", timezone="America/New_York")
    client = TestClient(app)
    csrf = login(client, "priya")
    page = client.get("/incidents/1").text
    assert [s.split(":")[0].split(" below")[0] for s in steps(page)] == [
        "Load the case-system roster", "Load the web logs", "Review the 6,252 people not yet assessed in the register."]
    assert "Wed 30 Nov 2022, 09:45 EST" in page  # the office's zone, not UTC
    roster = tmp / "export.csv"
    build_roster(roster)
    bad = roster.read_text(encoding="utf-8").replace("IN CUSTODY", "PENDING", 1)
    (tmp / "bad.csv").write_text(bad, encoding="utf-8")
    with (tmp / "bad.csv").open("rb") as fh:
        r = client.post(f"/incidents/1/roster?csrf={csrf}", data={"csrf": csrf, "timezone": "America/New_York"},
                        files={"file": ("bad.csv", fh)})
    assert r.status_code == 422 and "Refused, nothing written" in r.text and "&#39;PENDING&#39; (1)" in r.text
    assert "&#39;FULL_NAME&#39; → name" in r.text  # what was understood, shown before anything is written
    with roster.open("rb") as fh:
        r = client.post(f"/incidents/1/roster?csrf={csrf}", data={"csrf": csrf, "timezone": "America/New_York"},
                        files={"file": ("export.csv", fh)})
    assert r.status_code == 200 and "6,252 affected people matched in 6,252 roster rows" in r.text
    assert list((tmp / "uploads").glob("spillguard-upload-*")) == []  # read, never kept
    requests, expected = accesslog.scenario("/x.xlsx", 1000, parse_time("2022-11-30T09:45:00-05:00", "p"),
                                            parse_time("2022-11-30T14:04:00-05:00", "r"))
    log = "".join(accesslog.iis(requests)).encode()
    r = client.post(f"/incidents/1/logs?csrf={csrf}", data={"csrf": csrf}, files=[("files", ("u_ex221130.log", log))])
    # the scenario's 7 downloaders (11 requests for the file: 2 of them a resumed download, the 404s
    # before and after the window counted as requests, the 304 apart)
    assert r.status_code == 200 and (f"Read IIS W3C: 11 new requests for the file; {len(expected)} downloaders in "
                                     "the window, 0 outside it, 1 HEAD/304 requests (no copy).") in r.text
    assert steps(r.text)[-1] == "Draft the notices and letters below, and send them once reviewed."
    r = client.post(f"/incidents/1/logs?csrf={csrf}", data={"csrf": csrf}, files=[("files", ("x.log", b"\x00" * 64))])
    assert r.status_code == 422 and "Refused, nothing changed" in r.text and "binary data" in r.text
