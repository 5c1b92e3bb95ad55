"""The gate as a FastCGI authorizer, for Apache's ``mod_authnz_fcgi``.

The FastCGI record layer (specification 1.0: 8-byte headers, name-value pairs, BEGIN_REQUEST /
PARAMS / STDIN in, STDOUT / END_REQUEST out) is written here: it is a few dozen lines, and the
Python FastCGI servers on PyPI (flup, last released 2018) wrap applications as WSGI responders
rather than answering as authorizers. Apache names the file it resolved in ``SCRIPT_FILENAME``;
the answer's status is Apache's (200 serves; 403, 404, 503 with Retry-After refuse), and on 200
``Variable-*`` headers become request variables for the access log (``SG_VERDICT``, ``SG_RULES``)
and the user name ``mod_authnz_fcgi`` needs (``REMOTE_USER``).
"""

from __future__ import annotations

import logging
import os
import socketserver
import struct
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spillguard.gate.core import Gate

log = logging.getLogger("spillguard.gate")

VERSION = 1
BEGIN_REQUEST, ABORT_REQUEST, END_REQUEST, PARAMS, STDIN, STDOUT = 1, 2, 3, 4, 5, 6
GET_VALUES, GET_VALUES_RESULT, UNKNOWN_TYPE = 9, 10, 11
AUTHORIZER = 2
REQUEST_COMPLETE, UNKNOWN_ROLE = 0, 3
HEADER = struct.Struct("!BBHHBx")
#: bytes of parameters one request may send (Apache sends a few kB)
MAX_PARAMS = 1 << 20
REASONS = {200: "OK", 403: "Forbidden", 404: "Not Found", 503: "Service Unavailable"}


class ProtocolError(ValueError):
    pass


def pairs(data: bytes) -> dict[bytes, bytes]:
    """FastCGI name-value pairs (lengths of 1 byte, or 4 with the top bit set)."""
    out, i = {}, 0

    def length() -> int:
        nonlocal i
        if i >= len(data):
            raise ProtocolError("truncated name-value pair")
        if data[i] < 0x80:
            i += 1
            return data[i - 1]
        if i + 4 > len(data):
            raise ProtocolError("truncated name-value pair")
        value = struct.unpack("!I", data[i:i + 4])[0] & 0x7FFFFFFF
        i += 4
        return value

    while i < len(data):
        n, v = length(), length()
        if i + n + v > len(data):
            raise ProtocolError("truncated name-value pair")
        out[data[i:i + n]] = data[i + n:i + n + v]
        i += n + v
    return out


def encode_pairs(values: dict[bytes, bytes]) -> bytes:
    out = bytearray()
    for name, value in values.items():
        for item in (name, value):
            out += bytes([len(item)]) if len(item) < 0x80 else struct.pack("!I", len(item) | 0x80000000)
        out += name + value
    return bytes(out)


def record(kind: int, request_id: int, content: bytes = b"") -> bytes:
    out = bytearray()
    for start in range(0, max(len(content), 1), 0xFFFF):
        chunk = content[start:start + 0xFFFF]
        padding = -len(chunk) % 8
        out += HEADER.pack(VERSION, kind, request_id, len(chunk), padding) + chunk + b"\0" * padding
    return bytes(out)


def response(status: int, headers: dict[str, str]) -> bytes:
    lines = [f"Status: {status} {REASONS.get(status, 'Forbidden')}", *(f"{k}: {v}" for k, v in headers.items()),
             "Content-Length: 0", "", ""]
    return "\r\n".join(lines).encode("latin-1", "replace")


class _Handler(socketserver.StreamRequestHandler):
    gate: Gate
    timeout = 30

    def _read(self) -> tuple[int, int, bytes] | None:
        head = self.rfile.read(HEADER.size)
        if len(head) < HEADER.size:
            return None
        version, kind, request_id, length, padding = HEADER.unpack(head)
        if version != VERSION:
            raise ProtocolError(f"FastCGI version {version}")
        body = self.rfile.read(length + padding)
        if len(body) < length + padding:
            raise ProtocolError("truncated record")
        return kind, request_id, body[:length]

    def handle(self) -> None:
        params: dict[int, bytearray] = {}
        roles: dict[int, int] = {}
        try:
            while (got := self._read()) is not None:
                kind, request_id, body = got
                if kind == GET_VALUES:
                    self.wfile.write(record(GET_VALUES_RESULT, 0, encode_pairs(
                        {b"FCGI_MAX_CONNS": b"100", b"FCGI_MAX_REQS": b"100", b"FCGI_MPXS_CONNS": b"0"})))
                elif kind == BEGIN_REQUEST:
                    roles[request_id] = struct.unpack("!H", body[:2])[0]
                    params[request_id] = bytearray()
                elif kind == PARAMS and request_id in params:
                    if body:
                        params[request_id] += body
                        if len(params[request_id]) > MAX_PARAMS:
                            raise ProtocolError("parameters too large")
                    else:
                        self._answer(request_id, roles.pop(request_id), pairs(bytes(params.pop(request_id))))
                elif kind == ABORT_REQUEST:
                    params.pop(request_id, None)
                    self.wfile.write(record(END_REQUEST, request_id, struct.pack("!IB3x", 0, REQUEST_COMPLETE)))
                elif kind not in (STDIN, PARAMS):
                    self.wfile.write(record(UNKNOWN_TYPE, 0, struct.pack("!B7x", kind)))
                self.wfile.flush()
        except (ProtocolError, OSError) as exc:
            log.warning("FastCGI connection dropped: %s", exc)

    def _answer(self, request_id: int, role: int, env: dict[bytes, bytes]) -> None:
        if role != AUTHORIZER:
            self.wfile.write(record(END_REQUEST, request_id, struct.pack("!IB3x", 0, UNKNOWN_ROLE)))
            return
        filename = os.fsdecode(env.get(b"SCRIPT_FILENAME", b""))
        host = env.get(b"HTTP_HOST", b"").decode("latin-1")
        scheme = env.get(b"REQUEST_SCHEME", b"http").decode("latin-1")
        uri = env.get(b"REQUEST_URI", b"").decode("latin-1").split("?", 1)[0]
        url = f"{scheme}://{host}{uri}" if host else uri
        try:
            answer = self.gate.decide(filename, url)
            status = answer.status
            verdict, rules = answer.verdict, ",".join(answer.rules) or "-"
        except Exception:  # the gate cannot decide: refuse, never serve
            log.exception("refused 403 %s: the gate failed", uri)
            status, verdict, rules, answer = 403, "refused", "-", None
        if status == 200:
            headers = {"Variable-REMOTE_USER": "spillguard-gate", "Variable-SG_VERDICT": verdict,
                       "Variable-SG_RULES": rules}
        else:
            headers = {"X-Spillguard-Verdict": verdict, "X-Spillguard-Rules": rules}
            if answer is not None and answer.retry_after:
                headers["Retry-After"] = str(answer.retry_after)
        self.wfile.write(record(STDOUT, request_id, response(status, headers)) + record(STDOUT, request_id)
                         + record(END_REQUEST, request_id, struct.pack("!IB3x", 0, REQUEST_COMPLETE)))


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def server(gate: Gate, host: str, port: int) -> Server:
    handler = type("Handler", (_Handler,), {"gate": gate})
    return Server((host, port), handler)


def serve_in_thread(srv: Server) -> threading.Thread:
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True,
                              name="spillguard-gate-fastcgi")
    thread.start()
    return thread
