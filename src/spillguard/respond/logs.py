"""Who downloaded the exposed file: web access logs, streamed line by line (gzip included).

Formats, recognised per file from its first lines: Apache/nginx **combined** (and common),
**JSON lines** (nginx/Caddy/ALB-style keys), **S3 server access logs** and **CloudFront** standard
logs (W3C, tab-separated, ``#Fields:`` header). A line is parsed only when it mentions one of the
exposed paths (a substring test first, the way ``grep`` does), so tens of millions of lines cost
little more than reading them. Requests inside the exposure window are summed per client: first
and last time, requests, bytes, whether a full copy was served (a 200 of the whole file, or 206
ranges adding up to it), the user agent, crawler or archive (the crawler-user-agents list), and
the organisation from an offline CIDR→organisation CSV or a MaxMind mmdb when given.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import ipaddress
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import crawleruseragents

from spillguard.formats.base import delimited_blocks

_COMBINED = re.compile(
    r'^(?P<ip>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<method>[A-Z]+) (?P<path>\S+)[^"]*" (?P<status>\d{3}) '
    r'(?P<bytes>\d+|-)(?: "(?P<referer>[^"]*)" "(?P<ua>[^"]*)")?')
_S3 = re.compile(
    r'^\S+ \S+ \[(?P<time>[^\]]+)\] (?P<ip>\S+) \S+ \S+ \S+ \S+ "(?P<method>[A-Z]+) (?P<path>\S+)[^"]*" '
    r'(?P<status>\d{3}) \S+ (?P<bytes>\d+|-) \S+ \S+ \S+ "(?P<referer>[^"]*)" "(?P<ua>[^"]*)"')
_ARCHIVES = re.compile(r"(?i)archive\.org|ia_archiver|wayback|archive-it|heritrix|arquivo|webrecorder|"
                       r"commoncrawl|ccbot")


@dataclass(slots=True)
class Hit:
    client: str
    time: dt.datetime
    path: str
    status: int
    size: int
    agent: str


@dataclass(slots=True)
class Downloader:
    client: str
    first: dt.datetime
    last: dt.datetime
    requests: int = 0
    bytes: int = 0
    full_copy: bool = False
    agent: str = ""
    kind: str = "visitor"
    organisation: str | None = None
    paths: set[str] = field(default_factory=set)
    _ranges: int = 0


BLOCK = 8 << 20


def _blocks(path: Path) -> Iterator[bytes]:
    """The file in blocks that end at a line end (gzip read through)."""
    with path.open("rb") as probe:
        gz = probe.read(2) == b"\x1f\x8b"
    with (gzip.open(path, "rb") if gz else path.open("rb")) as fh:
        yield from delimited_blocks(fh, BLOCK, b"\n")  # type: ignore[arg-type]


def _lines_with(path: Path, needles: list[bytes]) -> Iterator[str]:
    """The lines that contain a needle, found the way grep does (a substring search over large
    blocks), so the lines that do not cost no Python work; the first lines always, for the format."""
    first = True
    for block in _blocks(path):
        if first:
            first = False
            for line in block.split(b"\n", 8)[:8]:
                yield "\x00" + line.decode("utf-8", "replace")  # marked: format probe, not a hit
        starts: set[int] = set()
        for needle in needles:
            at = block.find(needle)
            while at != -1:
                start = block.rfind(b"\n", 0, at) + 1
                if start not in starts:
                    starts.add(start)
                end = block.find(b"\n", at)
                at = block.find(needle, end if end != -1 else len(block))
        for start in sorted(starts):
            end = block.find(b"\n", start)
            yield block[start:end if end != -1 else len(block)].decode("utf-8", "replace")


def _clf_time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d/%b/%Y:%H:%M:%S %z")


def _json_time(value: object) -> dt.datetime:
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(float(value), dt.UTC)
    text = str(value).replace("Z", "+00:00")
    try:
        t = dt.datetime.fromisoformat(text)
    except ValueError:
        t = _clf_time(text)
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _first(record: dict, *names: str) -> object:
    return next((record[n] for n in names if n in record and record[n] not in (None, "")), None)


def _json_hit(line: str) -> Hit | None:
    try:
        r = json.loads(line)
    except ValueError:
        return None
    if not isinstance(r, dict):
        return None
    request = _first(r, "request_uri", "uri", "path", "url", "request")
    if isinstance(request, str) and " " in request:  # "GET /x HTTP/1.1"
        request = request.split(" ")[1]
    when = _first(r, "time", "timestamp", "time_local", "time_iso8601", "ts", "@timestamp")
    if request is None or when is None:
        return None
    return Hit(str(_first(r, "remote_addr", "client_ip", "clientip", "ip", "remote_ip", "client") or "-"),
               _json_time(when), str(request), int(_first(r, "status", "http_status", "status_code") or 0),
               int(_first(r, "body_bytes_sent", "bytes_sent", "bytes", "size", "response_size") or 0),
               str(_first(r, "http_user_agent", "user_agent", "ua", "agent") or ""))


def _regex_hit(pattern: re.Pattern[str], line: str) -> Hit | None:
    m = pattern.match(line)
    if m is None:
        return None
    size = m.group("bytes")
    return Hit(m.group("ip"), _clf_time(m.group("time")), m.group("path"), int(m.group("status")),
               int(size) if size and size != "-" else 0, m.group("ua") or "")


class _CloudFront:
    def __init__(self, header: str) -> None:
        self.fields = header.split(":", 1)[1].split()

    def hit(self, line: str) -> Hit | None:
        parts = line.rstrip("\n").split("\t")
        if len(parts) < len(self.fields):
            return None
        r = dict(zip(self.fields, parts, strict=False))
        try:
            when = dt.datetime.fromisoformat(f"{r['date']}T{r['time']}+00:00")
        except (KeyError, ValueError):
            return None
        return Hit(r.get("c-ip", "-"), when, r.get("cs-uri-stem", ""), int(r.get("sc-status", "0") or 0),
                   int(r.get("sc-bytes", "0") or 0), unquote(unquote(r.get("cs(User-Agent)", ""))))


def _parser(first_lines: list[str]):
    for line in first_lines:
        if line.startswith("#Fields:"):
            return _CloudFront(line).hit
    sample = next((x for x in first_lines if x.strip() and not x.startswith("#")), "")
    if sample.lstrip().startswith("{"):
        return _json_hit
    if _S3.match(sample):
        return lambda line: _regex_hit(_S3, line)
    return lambda line: _regex_hit(_COMBINED, line)


def hits(files: Iterable[Path], paths: set[str], unreadable: list[int] | None = None) -> Iterator[Hit]:
    """Requests for the exposed paths (query strings ignored, percent-decoding applied). A line
    that names a path but cannot be parsed (a damaged time, a truncated record) is skipped and
    counted in ``unreadable[0]``: the caller says so, a downloader may hide in it."""
    needles = sorted({p.encode() for path in paths for p in (path, path.replace(" ", "%20"),
                                                              path.rsplit("/", 1)[-1]) if p}, key=len)
    # a needle that contains another is redundant: keep the shortest (the file name)
    needles = [n for n in needles if not any(m != n and m in n for m in needles)]
    for file in files:
        head: list[str] = []
        parse = None
        for line in _lines_with(file, needles):
            if line.startswith("\x00"):
                head.append(line[1:])
                continue
            if parse is None:
                parse = _parser(head)
            try:
                hit = parse(line)
            except (ValueError, OverflowError, IndexError, TypeError):
                if unreadable is not None:
                    unreadable[0] += 1
                continue
            if hit is None:
                continue
            path = unquote(urlsplit(hit.path).path)
            if path in paths:
                hit.path = path
                yield hit


class Organisations:
    """Offline: a CIDR→organisation CSV (``cidr,organisation``) and/or a MaxMind ASN mmdb."""

    def __init__(self, cidr_csv: Path | None = None, mmdb: Path | None = None) -> None:
        self.networks: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str]] = []
        if cidr_csv is not None:
            with cidr_csv.open(encoding="utf-8") as fh:
                for row in csv.reader(fh):
                    if len(row) >= 2 and not row[0].startswith("#"):
                        try:
                            self.networks.append((ipaddress.ip_network(row[0].strip(), strict=False), row[1].strip()))
                        except ValueError:
                            continue
            self.networks.sort(key=lambda n: -n[0].prefixlen)  # most specific first
        self.reader = None
        if mmdb is not None:
            import maxminddb  # optional: pip install maxminddb

            self.reader = maxminddb.open_database(str(mmdb))

    def lookup(self, address: str) -> str | None:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return None
        for net, org in self.networks:
            if ip.version == net.version and ip in net:
                return org
        if self.reader is not None:
            found = self.reader.get(address) or {}
            if isinstance(found, dict):
                return found.get("autonomous_system_organization") or (found.get("traits") or {}).get("organization")
        return None


def kind_of(agent: str) -> str:
    if _ARCHIVES.search(agent):
        return "archive"
    return "crawler" if agent and crawleruseragents.is_crawler(agent) else "visitor"


def downloaders(all_hits: Iterable[Hit], start: dt.datetime, end: dt.datetime | None, file_size: int,
                orgs: Organisations | None = None) -> list[Downloader]:
    """Per client, inside [start, end]: successful requests only (2xx)."""
    out: dict[str, Downloader] = {}
    for h in all_hits:
        if h.time < start or (end is not None and h.time > end) or not 200 <= h.status < 300:
            continue
        d = out.get(h.client)
        if d is None:
            d = out[h.client] = Downloader(h.client, h.time, h.time, agent=h.agent)
        d.first, d.last = min(d.first, h.time), max(d.last, h.time)
        d.requests += 1
        d.bytes += h.size
        d.paths.add(h.path)
        if h.status == 200 and (file_size <= 0 or h.size >= file_size):
            d.full_copy = True
        elif h.status == 206:
            d._ranges += h.size
            d.full_copy = d.full_copy or (file_size > 0 and d._ranges >= file_size)
        if h.agent and not d.agent:
            d.agent = h.agent
    for d in out.values():
        d.kind = kind_of(d.agent)
        d.organisation = orgs.lookup(d.client) if orgs is not None else None
    return sorted(out.values(), key=lambda d: (d.first, d.client))
