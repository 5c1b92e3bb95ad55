"""Issue 21, item 5: a check of several files says which file blocks; a verdict page can be seen
again from "My checks" (masked findings as shown then; only its owner sees it); entity codes are
words on the pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.test_pages import login, site  # noqa: F401 (the fixture)


def test_per_file_verdicts_and_a_verdict_seen_again(site) -> None:  # noqa: F811
    app, tmp = site
    client = TestClient(app)
    csrf = login(client, "pat")
    with (tmp / "FY24_Q1_detentionStats.xlsx").open("rb") as fh:
        r = client.post(f"/check?csrf={csrf}", data={"csrf": csrf}, files=[
            ("files", ("FY24_Q1_detentionStats.xlsx", fh)),
            ("files", ("press.txt", b"Book-ins fell by a tenth over the quarter.\n"))])
    rows = re.findall(r"<tr><td>([^<]+)</td><td>(Must not publish|May publish)</td>", r.text)
    assert rows == [("FY24_Q1_detentionStats.xlsx", "Must not publish"), ("press.txt", "May publish")]
    assert re.search(r"Personal data: [^<]*A-numbers", r.text) and "A_NUMBER" not in r.text  # words, not codes
    history = client.get("/history").text
    link = re.search(r'href="(/history/\d+)">Must not publish', history).group(1)
    again = client.get(link)
    assert again.status_code == 200 and "(as checked then)" in again.text
    assert re.findall(r"<tr><td>([^<]+)</td><td>(Must not publish|May publish)</td>", again.text) == rows
    assert re.findall(r"<h2>(.*?)</h2>", again.text) == re.findall(r"<h2>(.*?)</h2>", r.text)
    other = TestClient(app)
    login(other, "priya")
    assert other.get(link).status_code == 404  # someone else's check
