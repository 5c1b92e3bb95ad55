"""What the web app does before any route runs, as plain ASGI middleware:

* ``SecurityHeaders``: a strict Content-Security-Policy (scripts and styles from the app's own
  origin only, no inline script, no framing), X-Frame-Options, X-Content-Type-Options,
  Referrer-Policy on every answer; every cookie Secure when the request came over HTTPS (directly,
  or through a local reverse proxy's X-Forwarded-Proto, which uvicorn honours from 127.0.0.1).
* ``BodyGate``: an upload is a cost (disk, time), so before a byte of a request body is read the
  gate checks who is asking and how much: a request to an upload route without a session (or a
  valid API token), without the CSRF token of its session (forms put it in the action URL), or
  announcing more than the cap is answered at once (401/403/413) and its body never read; a body
  sent without a length is counted as it streams and cut at the cap (413); one account has at most
  two uploads in flight (429), so parallel requests cannot multiply the cap.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-frame-options", b"DENY"),
           (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
#: routes that take uploads: (path pattern, the form's CSRF is in the query, API token instead of a session)
UPLOADS = ((re.compile(r"/check"), "form"), (re.compile(r"/alerts/\d+/incident"), "form"),
           (re.compile(r"/incidents/\d+/(roster|logs)"), "form"),
           (re.compile(r"/api/v1/(scan|check)"), "api"))


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        https = scope.get("scheme") == "https"

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if https:  # behind HTTPS every cookie is Secure; plain-HTTP localhost keeps working
                    headers = [(k, v + b"; secure") if k.lower() == b"set-cookie" and b"secure" not in v.lower()
                               else (k, v) for k, v in headers]
                names = {k.lower() for k, _ in headers}
                message["headers"] = [*headers, *(h for h in HEADERS if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, with_headers)


async def _answer(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyGate:
    """Runs inside the session middleware (it reads ``scope["session"]``); ``token_user`` and
    ``session_user`` name the account of a live API token or session id (None: not live). An
    account has at most ``PER_USER`` uploads in flight (429 past that)."""

    #: uploads one account may have in flight at once (each up to the cap)
    PER_USER = 2

    def __init__(self, app: ASGIApp, max_body: int, token_user: Callable[[str], str | None],
                 session_user: Callable[[str | None], str | None]) -> None:
        self.app, self.max_body, self.token_user, self.session_user = app, max_body, token_user, session_user
        self.inflight: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        kind = next((k for rx, k in UPLOADS if rx.fullmatch(scope["path"])), None)
        if kind is None:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if kind == "api":
            scheme, _, token = headers.get("authorization", "").partition(" ")
            who = self.token_user(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
            if who is None:
                await _answer(send, 401, "a valid API token is needed")
                return
        else:
            session = scope.get("session") or {}
            who = self.session_user(session.get("sid"))
            if who is None:
                await _answer(send, 401, "please log in")
                return
            given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("csrf", [""])[0]
            if not given or not secrets.compare_digest(given, session.get("csrf", "")):
                await _answer(send, 403, "the form was stale: reload the page and try again")
                return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _answer(send, 413, f"uploads over {self.max_body:,} bytes are refused")
            return
        if self.inflight.get(who, 0) >= self.PER_USER:
            await _answer(send, 429, "another upload of yours is still being checked: wait for it")
            return
        self.inflight[who] = self.inflight.get(who, 0) + 1
        try:
            await self._counted(scope, receive, send)
        finally:
            self.inflight[who] -= 1

    async def _counted(self, scope: Scope, receive: Receive, send: Send) -> None:
        seen, over = 0, False

        async def counted() -> dict[str, Any]:
            nonlocal seen, over
            if over:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:  # the app sees the client go away; the answer is ours
                    over = True
                    return {"type": "http.disconnect"}
            return message

        async def unless_over(message: dict[str, Any]) -> None:
            if not over:
                await send(message)

        try:
            await self.app(scope, counted, unless_over)
        except Exception:
            if not over:
                raise
        if over:
            await _answer(send, 413, f"uploads over {self.max_body:,} bytes are refused")
