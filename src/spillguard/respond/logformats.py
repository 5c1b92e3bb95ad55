"""Access-log formats, recognised by content (never by file name), one parser each.

* ``combined`` — Apache/nginx combined and common, with any trailing fields (nginx's
  ``"$http_x_forwarded_for"`` among them);
* ``w3c`` — W3C extended with a ``#Fields:`` header: IIS, CloudFront, Azure App Service files
  (tab- or space-separated; IIS compares paths without case, as IIS serves them);
* ``s3`` — S3 server access logs, virtual-host and path-style (the object key is matched too);
* ``alb`` — AWS Application Load Balancer;
* ``json`` — JSON lines of nginx, Caddy (nested ``request``), Azure Front Door and App Service
  diagnostic logs (``properties``), Akamai DataStream 2, the GCP HTTP(S) load balancer
  (``httpRequest``) and their like, read through one table of field names.

Each parser turns a line into a :class:`Hit` (None for a line that is no request: a comment,
another record type) and raises ``ValueError`` for a damaged line, which the caller counts.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


@dataclass(slots=True)
class Hit:
    client: str
    time: dt.datetime
    path: str
    status: int
    size: int
    agent: str
    method: str = "GET"
    #: the X-Forwarded-For chain when the log has one (the connecting address may be a proxy)
    forwarded: str = ""
    #: the byte range asked for (first, last), when the log records the Range header
    range: tuple[int, int] | None = None
    #: other paths the same request names (an S3 object's key under its bucket)
    also: tuple[str, ...] = ()
    #: the log line itself, for the store's de-duplication (an HMAC of it is kept, not the line)
    line: str = ""


class LogFormatError(ValueError):
    """A file that is no access log of a known format; says what it looks like."""


Parser = Callable[[str], "Hit | None"]
#: the size of an answer whose log does not record it (an IIS log without sc-bytes)
UNKNOWN_SIZE = -1

_CLF_TIME = "%d/%b/%Y:%H:%M:%S %z"
_COMBINED = re.compile(
    r'^(?P<ip>[^\s,]+(?:, ?[^\s,]+)*) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<method>[A-Z]+) (?P<path>\S+)[^"]*" '
    r'(?P<status>\d{3}) (?P<bytes>\d+|-)(?: "(?P<referer>[^"]*)" "(?P<ua>[^"]*)")?(?P<rest>.*)$')
_S3 = re.compile(
    r'^\S+ (?P<bucket>\S+) \[(?P<time>[^\]]+)\] (?P<ip>\S+) \S+ \S+ \S+ (?P<key>\S+) '
    r'"(?P<method>[A-Z]+) (?P<path>\S+)[^"]*" (?P<status>\d{3}) \S+ (?P<bytes>\d+|-) \S+ \S+ \S+ '
    r'"(?P<referer>[^"]*)" "(?P<ua>[^"]*)"')
_ALB = re.compile(
    r'^(?:https?|h2|grpcs|ws|wss) (?P<time>\d{4}-\d\d-\d\dT[\d:.]+Z) \S+ (?P<client>\S+) \S+ [-\d.]+ [-\d.]+ [-\d.]+ '
    r'(?P<status>\d{3}|-) (?P<target_status>\d{3}|-) \d+ (?P<bytes>\d+) "(?P<method>[A-Z-]+) (?P<url>\S+) [^"]*" '
    r'"(?P<ua>[^"]*)"')
_QUOTED = re.compile(r'"([^"]*)"')
_RANGE = re.compile(r"bytes=(\d+)-(\d*)")


def _range(value: object) -> tuple[int, int] | None:
    m = _RANGE.search(str(value or ""))
    if m is None or not m.group(2):
        return None
    return int(m.group(1)), int(m.group(2))


def _int(value: object) -> int:
    text = str(value if value is not None else "").strip()
    return 0 if text in ("", "-") else int(float(text))


def _request_path(value: str) -> str:
    """``GET /x HTTP/1.1`` or ``https://host:443/x?q`` or ``/x`` → ``/x`` (query dropped)."""
    if " " in value.strip():
        value = value.split()[1]
    return urlsplit(value).path or "/"


def _addresses(value: str) -> list[str] | None:
    """The addresses of an X-Forwarded-For value, or None when any part is no IP address (a
    request time ``0.003``, an upstream ``10.0.0.5:8080`` are not a forwarded-for chain)."""
    parts = [p.strip() for p in value.split(",")]
    try:
        for part in parts:
            ipaddress.ip_address(part)
    except ValueError:
        return None
    return parts if parts and parts != [""] else None


def combined(line: str) -> Hit | None:
    """Common / combined, with trailing quoted fields (the first that is an address chain is the
    X-Forwarded-For), and the ``LogFormat "%{X-Forwarded-For}i …"`` variant whose first field is the
    chain itself (``client, proxy - - [...]``: the last address connected, the rest forwarded)."""
    m = _COMBINED.match(line)
    if m is None:
        raise ValueError("not a combined line")
    forwarded = next((q.strip() for q in _QUOTED.findall(m.group("rest") or "") if _addresses(q)), "")
    client = m.group("ip")
    chain = _addresses(client) if "," in client else None
    if chain is not None:
        client, forwarded = chain[-1], ", ".join(chain[:-1])
    return Hit(client, dt.datetime.strptime(m.group("time"), _CLF_TIME), m.group("path"),
               int(m.group("status")), _int(m.group("bytes")), m.group("ua") or "", m.group("method"), forwarded)


def s3(line: str) -> Hit | None:
    m = _S3.match(line)
    if m is None:
        raise ValueError("not an S3 access line")
    key = unquote(m.group("key")) if m.group("key") != "-" else ""
    also = (f"/{key}", f"/{m.group('bucket')}/{key}") if key else ()
    return Hit(m.group("ip"), dt.datetime.strptime(m.group("time"), _CLF_TIME), m.group("path"),
               int(m.group("status")), _int(m.group("bytes")), m.group("ua"), m.group("method"), also=also)


def alb(line: str) -> Hit | None:
    m = _ALB.match(line)
    if m is None:
        raise ValueError("not an ALB line")
    client = m.group("client").rsplit(":", 1)[0].strip("[]")
    status = m.group("status") if m.group("status") != "-" else m.group("target_status")
    return Hit(client, dt.datetime.fromisoformat(m.group("time").replace("Z", "+00:00")),
               _request_path(m.group("url")), _int(status), _int(m.group("bytes")), m.group("ua"), m.group("method"))


class W3C:
    """W3C extended (``#Fields:``); IIS writes spaces as ``+`` in the user agent, CloudFront as %20."""

    def __init__(self, header: str, iis: bool) -> None:
        self.fields = [f.lower() for f in header.split(":", 1)[1].split()]
        self.iis = iis

    def __call__(self, line: str) -> Hit | None:
        if line.startswith("#"):
            if line.startswith("#Fields:"):
                self.fields = [f.lower() for f in line.split(":", 1)[1].split()]
            return None
        parts = line.rstrip("\r\n").split("\t") if "\t" in line else line.split()
        if len(parts) < len(self.fields):
            raise ValueError("a W3C line shorter than its #Fields")
        r = dict(zip(self.fields, parts, strict=False))
        when = dt.datetime.fromisoformat(f"{r['date']}T{r['time']}+00:00")  # W3C logs are in UTC
        agent = r.get("cs(user-agent)", "-")
        agent = unquote(unquote(agent.replace("+", " ") if self.iis else agent))
        size = _int(r["sc-bytes"]) if "sc-bytes" in r else UNKNOWN_SIZE  # IIS can leave sc-bytes out
        return Hit(r.get("c-ip", "-"), when, r.get("cs-uri-stem", ""), _int(r.get("sc-status")),
                   size, "" if agent == "-" else agent, r.get("cs-method", "GET"),
                   r.get("x-forwarded-for", r.get("cs(x-forwarded-for)", "")).replace("-", ""),
                   _range(r.get("cs(range)")))


#: JSON field names, lower case, in order of preference, for every JSON-lines log we know
_JSON = {
    # Traefik's RequestPath is the client's (its BackendURL.Path, lifted to "path", the backend's)
    "path": ("request_uri", "uri", "requesturi", "requesturl", "requestpath", "reqpath", "csuristem", "cs-uri-stem",
             "path", "url", "request"),
    "time": ("time_iso8601", "timestamp", "time", "time_local", "@timestamp", "ts", "reqtimesec", "startutc",
             "date"),
    "client": ("client_ip", "clientip", "cliip", "cip", "c-ip", "remote_ip", "remoteip", "remote_addr",
               "clienthost", "ip", "client"),
    # "response" is the status in Logstash's and Filebeat's nginx/Apache records, Fastly's is response_status
    "status": ("status", "httpstatuscode", "statuscode", "scstatus", "http_status", "status_code",
               "response_status", "downstreamstatus", "elb_status_code", "response"),
    "size": ("body_bytes_sent", "bytes_sent", "size", "responsebytes", "responsesize", "scbytes", "sc-bytes",
             "response_body_size", "downstreamcontentsize", "bytes", "response_size"),
    "agent": ("http_user_agent", "user_agent", "useragent", "user-agent", "request_user-agent", "ua", "agent"),
    "method": ("request_method", "requestmethod", "httpmethod", "reqmethod", "csmethod", "method"),
    "forwarded": ("http_x_forwarded_for", "x_forwarded_for", "xforwardedfor", "x-forwarded-for"),
    "range": ("http_range", "range"),
}


def _flat(record: dict) -> dict[str, object]:
    """One level of keys, lower case: nested request/httpRequest/properties/headers lifted up (a
    header list gives its first value); the outer key wins over a nested one."""
    out: dict[str, object] = {}
    stack: list[dict] = [record]
    while stack:
        node = stack.pop(0)
        for key, value in node.items():
            if isinstance(value, dict):
                stack.append(value)
            elif isinstance(value, list):
                if value and not isinstance(value[0], dict | list):
                    out.setdefault(key.lower(), value[0])
            else:
                out.setdefault(key.lower(), value)
    return out


def _json_time(value: object) -> dt.datetime:
    if isinstance(value, int | float) or (isinstance(value, str) and re.fullmatch(r"\d{9,}(\.\d+)?", value)):
        return dt.datetime.fromtimestamp(float(value), dt.UTC)
    text = str(value).replace("Z", "+00:00")
    try:
        t = dt.datetime.fromisoformat(text)
    except ValueError:
        t = dt.datetime.strptime(text, _CLF_TIME)
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _json_object(line: str) -> dict:
    """A JSON log record; ValueError for a line that is none (the reason)."""
    try:
        record = json.loads(line)
    except ValueError:
        raise ValueError("JSON lines that do not parse") from None
    if not isinstance(record, dict):
        raise ValueError("JSON lines that are not objects")
    return record


def json_line(line: str) -> Hit | None:
    r = _flat(_json_object(line))

    def first(name: str) -> object:
        return next((r[k] for k in _JSON[name] if r.get(k) not in (None, "", "-")), None)

    path, when = first("path"), first("time")
    if path is None or when is None:
        return None  # another kind of record (a health probe, an error event)
    status = first("status")
    if status is None or not str(status).strip().isdigit():
        raise ValueError("a request record without a status field")  # never read as status 0
    request = str(path)
    method = first("method") or (request.split()[0] if " " in request.strip() else "GET")
    size = first("size")
    return Hit(str(first("client") or "-"), _json_time(when), _request_path(request), _int(status),
               UNKNOWN_SIZE if size is None else _int(size), unquote(str(first("agent") or "")), str(method).upper(),
               str(first("forwarded") or ""), _range(first("range")))


_JSON_NAMES = (("httprequest", "GCP HTTP(S) load balancer"), ("frontdooraccesslog", "Azure Front Door"),
               ("appservicehttplogs", "Azure App Service"), ("cliip", "Akamai DataStream 2"),
               ("http.log.access", "Caddy"), ("remote_addr", "nginx JSON"))


def recognise(first_lines: list[str]) -> tuple[str, Parser]:
    """The format of a log from its first lines: (its name, a parser); LogFormatError otherwise."""
    lines = [x for x in first_lines if x.strip()]
    header = next((x for x in lines if x.startswith("#Fields:")), None)
    if header is not None:
        iis = any("Microsoft Internet Information Services" in x for x in lines) or "s-sitename" in header
        kind = "IIS W3C" if iis else "CloudFront" if "x-edge-location" in header else "W3C extended"
        return kind, W3C(header, iis)
    sample = next((x for x in lines if not x.startswith("#")), None)
    if sample is None:
        raise LogFormatError("nothing but comments or blank lines" if lines else "an empty file")
    if sample.lstrip().startswith("{"):
        parsed = [_tolerant(json_line, x) for x in lines if x.lstrip().startswith("{")]
        if not any(h is not False for h in parsed):
            try:
                record = _json_object(sample)
            except ValueError as exc:
                raise LogFormatError(str(exc)) from None
            # field names only (never a value): which one holds the status is what is missing
            raise LogFormatError("JSON request records without a status field spillguard knows (their fields: "
                                 + ", ".join(sorted(_flat(record))[:20]) + "; the status is read from "
                                 + ", ".join(_JSON["status"]) + "): export the status under one of those names")
        if not any(parsed):
            raise LogFormatError("JSON records without a request path and time (not an access log?)")
        flat = " ".join(_flat(json.loads(sample)).keys()) + " " + sample.lower()
        return next((name for key, name in _JSON_NAMES if key in flat), "JSON lines"), json_line
    data = [x for x in lines if not x.startswith("#")]
    scored = [(sum(bool(_tolerant(parse, x)) for x in data), name, parse)
              for name, parse in (("AWS ALB", alb), ("S3 server access", s3), ("combined", combined))]
    best = max(scored, key=lambda t: t[0])
    if best[0] == 0:
        raise LogFormatError(_looks_like(sample))
    return best[1], best[2]


def _tolerant(parse: Parser, line: str) -> Hit | bool | None:
    """The parse of a probe line, False when it is damaged (one bad line decides nothing)."""
    try:
        return parse(line)
    except (ValueError, OverflowError, IndexError, KeyError):
        return False


def _looks_like(sample: str) -> str:
    """What an unknown line looks like, without quoting it (log lines name people's addresses)."""
    if "\x00" in sample or sum(c.isprintable() or c in "\t\r\n" for c in sample) < 0.9 * len(sample):
        return "binary data, not a text log"
    if re.search(r"haproxy\[\d+\]", sample):
        return "an HAProxy log (not supported: export it in combined format)"
    if re.match(r"^\d{10}\.\d{3}\s+\d+ ", sample):
        return "a Squid native log (not supported: use its combined logformat)"
    if re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", sample):
        return "W3C-like lines without a #Fields header (IIS? keep the header lines)"
    if "\t" in sample:
        return "tab-separated fields without a #Fields header"
    return "no known access-log format (combined, W3C, S3, ALB, JSON lines)"
