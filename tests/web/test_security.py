"""Issue 21: the web app against a hostile client — a test per defect, each failing before its fix.
Limits before work are proven at the ASGI level: the request's body is a trap that fails the test
if the app reads it."""

from __future__ import annotations

import asyncio
import os
import re
import stat
from urllib.parse import quote

from fastapi.testclient import TestClient

from spillguard.config import Config
from spillguard.web.app import create_app
from tests.web.test_pages import login, site  # noqa: F401 (the fixture)

GiB = 1 << 30


def call(app, method: str, path: str, headers: dict[str, str], query: str = "",
         body: list[bytes] | None = None) -> tuple[int, bool]:
    """(status, whether the app asked for the body). ``body=None``: a trap that must not be read."""
    sent: list[dict] = []
    asked = False
    chunks = list(body or [])

    async def receive() -> dict:
        nonlocal asked
        asked = True
        if body is None:
            raise AssertionError("the body was read")
        if chunks:
            return {"type": "http.request", "body": chunks.pop(0), "more_body": bool(chunks)}
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "path": path,
             "raw_path": path.encode(), "query_string": query.encode(), "root_path": "", "scheme": "http",
             "server": ("testserver", 80), "client": ("127.0.0.1", 5000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(app(scope, receive, send))
    return next(m["status"] for m in sent if m["type"] == "http.response.start"), asked


MULTIPART = {"content-type": "multipart/form-data; boundary=x"}


def test_an_anonymous_gigabyte_is_refused_before_its_body(site) -> None:  # noqa: F811
    app, _ = site
    for path in ("/check", "/alerts/1/incident", "/api/v1/scan", "/api/v1/check"):
        assert call(app, "POST", path, {**MULTIPART, "content-length": str(GiB)}) == (401, False), path


def test_a_logged_in_upload_is_checked_for_csrf_and_size_before_its_body(site) -> None:  # noqa: F811
    app, _ = site
    client = TestClient(app)
    csrf = login(client, "pat")
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    headers = {**MULTIPART, "cookie": cookie}
    assert call(app, "POST", "/check", {**headers, "content-length": str(GiB)}, f"csrf={csrf}") == (413, False)
    assert call(app, "POST", "/check", {**headers, "content-length": "100"}, "csrf=forged") == (403, False)
    assert call(app, "POST", "/check", {**headers, "content-length": "100"}) == (403, False)
    # no length announced: counted as it streams and cut at the cap, never spooled past it
    chunks = [b"--x\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\r\n"] + \
        [b"x" * (1 << 20)] * 600
    status, asked = call(app, "POST", "/check", headers, f"csrf={csrf}", body=chunks)
    assert (status, asked) == (413, True)
    assert list((site[1] / "uploads").glob("spillguard-upload-*/*")) == []


def test_security_headers_and_no_third_party_docs(site) -> None:  # noqa: F811
    app, _ = site
    client = TestClient(app)
    for path in ("/login", "/api/v1/rules", "/no-such-page"):
        h = client.get(path).headers
        assert "script-src 'self'" in h["content-security-policy"] and "unsafe-inline" not in h[
            "content-security-policy"]
        assert "frame-ancestors 'none'" in h["content-security-policy"]
        assert (h["x-frame-options"], h["x-content-type-options"], h["referrer-policy"]) == (
            "DENY", "nosniff", "no-referrer")
    assert client.get("/docs").status_code == 404 and client.get("/openapi.json").status_code == 200
    with_docs = TestClient(create_app(str(site[1] / "web.db"), Config(), upload_dir=site[1] / "u2", docs=True))
    assert with_docs.get("/docs").status_code == 200


def test_only_this_sessions_download_links_are_rendered(site) -> None:  # noqa: F811
    app, _ = site
    client = TestClient(app)
    login(client, "priya")
    for bad in ("javascript:alert(1)", "https://evil.example/x.zip", "/download/forged/x.zip", "//evil.example/x"):
        page = client.get(f"/incidents/1?documents={quote(bad)}").text
        assert "Download the notices" not in page and "evil" not in page and "javascript:" not in page


def test_unknown_ids_are_404_not_500(site) -> None:  # noqa: F811
    app, _ = site
    client = TestClient(app, raise_server_exceptions=False)
    csrf = login(client, "priya")
    assert client.get("/incidents/999").status_code == 404
    assert client.post("/incidents/999/notices", data={"csrf": csrf, "agency": "a", "contact": "b"}).status_code == 404
    assert client.post("/incidents/1/holds/999999", data={"csrf": csrf, "status": "hold", "reason": "r"}
                       ).status_code == 404


def test_names_downloads_and_the_spool_folder(site) -> None:  # noqa: F811
    app, tmp = site
    uploads = tmp / "uploads"
    uploads.mkdir()
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, uploads / "spillguard-downloads")  # another local user's trap
    client = TestClient(app, raise_server_exceptions=False)
    csrf = login(client, "pat")
    long_name = "Q" * 300 + ".xlsx"
    for name in (long_name, "FY24 #1?.xlsx"):
        with (tmp / "FY24_Q1_detentionStats.xlsx").open("rb") as fh:
            r = client.post(f"/check?csrf={csrf}", data={"csrf": csrf}, files=[("files", (name, fh))])
        assert r.status_code == 200 and "Must not publish" in r.text
        link = re.search(r'href="(/download/[^"]+)"', r.text).group(1)
        assert "#" not in link and "?" not in link
        first, second = client.get(link), client.get(link)  # two quick GETs: no race, no 500
        assert (first.status_code, second.status_code) == (200, 200) and first.content[:2] == b"PK"
    assert list(elsewhere.iterdir()) == []  # the symlink was never followed
    [spool] = uploads.glob("spillguard-downloads-*")
    assert stat.S_IMODE(spool.stat().st_mode) == 0o700 and not spool.is_symlink()


def test_cookies_are_secure_behind_https_and_work_on_plain_localhost(site) -> None:  # noqa: F811
    app, _ = site
    secure = TestClient(app, base_url="https://testserver")
    cookie = secure.get("/login").headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    plain = TestClient(app)
    assert "secure" not in plain.get("/login").headers["set-cookie"].lower()
    login(secure, "pat")  # the whole log-in works over HTTPS with Secure cookies
    assert secure.get("/history").status_code == 200


def test_one_account_cannot_multiply_the_cap_with_parallel_uploads(site) -> None:  # noqa: F811
    from spillguard.web.security import BodyGate

    app, _ = site
    client = TestClient(app)
    csrf = login(client, "pat")
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    gate = app.middleware_stack
    while not isinstance(gate, BodyGate):  # the gate inside the app's middleware stack
        gate = gate.app
    gate.inflight["pat"] = BodyGate.PER_USER  # two of pat's uploads are being checked
    assert call(app, "POST", "/check", {**MULTIPART, "cookie": cookie, "content-length": "100"},
                f"csrf={csrf}") == (429, False)
    gate.inflight["pat"] = 0
