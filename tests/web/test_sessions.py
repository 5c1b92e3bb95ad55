"""Issue 21, item 2: sessions and accounts — a logged-out cookie replayed is refused, a disabled
account and its sessions and tokens stop at once, a password change ends every session, tokens are
listed and revoked (CLI and admin page), failed log-ins are throttled per account and per address."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from spillguard.cli import app as cli
from spillguard.respond.store import Store
from spillguard.web.accounts import add_user, create_token
from tests.web.test_pages import PASSWORD, login, site  # noqa: F401 (the fixture)


def replay(app, cookies) -> int:
    other = TestClient(app)
    for k, v in cookies.items():
        other.cookies.set(k, v)
    return other.get("/history").status_code


def test_logout_ends_the_session_even_for_a_copied_cookie(site) -> None:  # noqa: F811
    app, _ = site
    client = TestClient(app)
    csrf = login(client, "pat")
    stolen = dict(client.cookies.items())
    assert replay(app, stolen) == 200
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    assert replay(app, stolen) == 401


def test_a_disabled_account_stops_everywhere_at_once(site) -> None:  # noqa: F811
    app, tmp = site
    db = str(tmp / "web.db")
    add_user(Store(db), "ada", PASSWORD, "admin")
    token = create_token(Store(db), "pat", "cms")
    pat = TestClient(app)
    login(pat, "pat")
    admin = TestClient(app)
    csrf = login(admin, "ada")
    assert pat.get("/history").status_code == 200
    assert pat.post("/api/v1/scan", files={"files": ("a.txt", b"hello")},
                    headers={"Authorization": f"Bearer {token}"}).status_code == 200
    r = admin.post("/admin/users/pat/disable", data={"csrf": csrf})
    assert r.status_code == 200 and "Account pat disabled." in r.text
    assert pat.get("/history").status_code == 401  # the open session
    assert pat.post("/api/v1/scan", files={"files": ("a.txt", b"hello")},
                    headers={"Authorization": f"Bearer {token}"}).status_code == 401  # the token
    fresh = TestClient(app)
    form = re.search(r'name="csrf" value="([^"]+)"', fresh.get("/login").text).group(1)
    assert fresh.post("/login", data={"name": "pat", "password": PASSWORD, "csrf": form}).status_code == 401
    assert admin.post("/admin/users/ada/disable", data={"csrf": csrf}).text.count("cannot disable your own") == 1
    assert CliRunner().invoke(cli, ["users", "enable", "pat", "--db", db]).exit_code == 0
    login(TestClient(app), "pat")


def test_a_password_change_ends_every_session(site) -> None:  # noqa: F811
    app, _ = site
    a, b = TestClient(app), TestClient(app)
    csrf = login(a, "pat")
    login(b, "pat")
    wrong = a.post("/account/password", data={"csrf": csrf, "current": "not it at all", "new": "x" * 14})
    assert wrong.status_code == 400 and "current password is wrong" in wrong.text
    r = a.post("/account/password", data={"csrf": csrf, "current": PASSWORD, "new": "a new long passphrase"},
               follow_redirects=False)
    assert r.status_code == 303
    assert a.get("/history").status_code == 401 and b.get("/history").status_code == 401
    c = TestClient(app)
    form = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    assert c.post("/login", data={"name": "pat", "password": "a new long passphrase", "csrf": form},
                  follow_redirects=False).status_code == 303


def test_tokens_are_listed_and_revoked(site) -> None:  # noqa: F811
    app, tmp = site
    db = str(tmp / "web.db")
    token = create_token(Store(db), "pat", "cms-upload-hook")
    runner = CliRunner()
    listed = runner.invoke(cli, ["users", "tokens", "pat", "--db", db])
    assert listed.exit_code == 0 and "cms-upload-hook" in listed.stdout and "live" in listed.stdout
    token_id = listed.stdout.split()[0]
    assert token not in listed.stdout  # only its hash is kept
    assert runner.invoke(cli, ["users", "revoke-token", "pat", token_id, "--db", db]).exit_code == 0
    client = TestClient(app)
    assert client.get("/api/v1/incidents", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert "revoked" in runner.invoke(cli, ["users", "tokens", "pat", "--db", db]).stdout


def test_failed_log_ins_are_throttled_per_account_and_per_address(site) -> None:  # noqa: F811
    app, _ = site
    client = TestClient(app)
    form = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    codes = [client.post("/login", data={"name": "pat", "password": f"guess number {i}", "csrf": form}
                         ).status_code for i in range(5)]
    assert codes == [401] * 5
    r = client.post("/login", data={"name": "pat", "password": PASSWORD, "csrf": form})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0  # even the right password waits
    # another account from the same address is still allowed, until the address has failed 20 times
    assert client.post("/login", data={"name": "priya", "password": "wrong", "csrf": form}).status_code == 401
    for i in range(14):
        client.post("/login", data={"name": f"user{i}", "password": "wrong", "csrf": form})
    assert client.post("/login", data={"name": "priya", "password": PASSWORD, "csrf": form}).status_code == 429
