"""Who downloaded the exposed file: web access logs, streamed line by line (gzip included).

Each file's format is recognised from its first lines (``logformats``: combined, W3C/IIS/
CloudFront, S3, ALB, JSON lines of nginx, Caddy, Azure, Akamai, GCP). A line is parsed only when
it mentions the exposed file (a case-blind substring test over large blocks first, the way
``grep -i`` does, on a part of the file name that percent-encoding leaves alone), so tens of
millions of lines cost little more than reading them. Paths are compared as the server would:
percent-decoded, dot segments and doubled slashes resolved (and without case for IIS). Behind a
load balancer or CDN the client is taken from X-Forwarded-For when the connecting address is a
trusted proxy. Per client: first and last time, requests, bytes, whether a full copy was served
(a 200 of the whole file, or 206 ranges covering it — as byte intervals when the log records the
Range header, else summed), the user agent, crawler or archive, the organisation; downloads
before or after the exposure window (a CDN serving its cache after takedown) are their own
category; HEAD and 304 answers are no downloads and are counted apart.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import ipaddress
import json
import posixpath
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import crawleruseragents

from spillguard.formats.base import delimited_blocks
from spillguard.respond.logformats import W3C, Hit, LogFormatError, Parser, recognise

__all__ = ["Hit", "LogFormatError", "Organisations", "downloaders", "hits", "kind_of"]

_ARCHIVES = re.compile(r"(?i)archive\.org|ia_archiver|wayback|archive-it|heritrix|arquivo|webrecorder|"
                       r"commoncrawl|ccbot")
#: proxies trusted by default: private, loopback, shared (CGNAT), link-local and unique-local
#: networks (not ``is_private``, which also holds the documentation ranges)
TRUSTED = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "100.64.0.0/10", "169.254.0.0/16",
    "::1/128", "fc00::/7", "fe80::/10"))
#: formats whose servers resolve paths without case (IIS)
CASE_BLIND = frozenset({"IIS W3C"})
#: a file whose lines naming the file are unreadable past this share fails the run
MAX_UNREADABLE = 0.25
BLOCK = 8 << 20


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
    #: inside the exposure window, or before / after it (a cache serving the file after takedown)
    window: str = "inside"
    #: some of its answers' sizes were not logged (bytes counts the logged ones)
    size_unknown: bool = False
    _ranges: int = 0
    _intervals: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class FileReport:
    """What one log file gave: its format, lines naming the file, those not understood."""

    name: str
    format: str = ""
    lines: int = 0
    unreadable: int = 0
    truncated: bool = False


def normalise(path: str, fold: bool = False) -> str:
    """A URL path as the server resolves it: percent-decoded, ``//`` and dot segments resolved."""
    text = unquote(urlsplit(path).path if "://" in path else path.split("?", 1)[0])
    text = posixpath.normpath("/" + text.lstrip("/")).replace("//", "/")
    return text.lower() if fold else text


def needle(path: str) -> str:
    """The longest run of the file name's unreserved characters (RFC 3986: letters, digits,
    ``-._~``): what clients do not percent-encode (spaces and non-ASCII letters they do). A client
    that encodes some of them anyway is found by :func:`encoded` instead."""
    name = normalise(path).rsplit("/", 1)[-1] or normalise(path)
    runs = re.findall(r"[A-Za-z0-9._~-]+", name)
    return max(runs, key=len) if runs else name


def encoded(paths: Iterable[str]) -> re.Pattern[bytes]:
    """A ``%XX`` escape of any unreserved character of the file names: a request that encodes even
    one of them (legal and equivalent under RFC 3986: ``FY24%5FQ1…``) holds one. Searched case-blind
    with a literal ``%`` first, so a block is scanned at memory speed."""
    chars = {c for p in paths for c in (normalise(p).rsplit("/", 1)[-1] or normalise(p))
             if c.isascii() and (c.isalnum() or c in "-._~")}
    if not chars:
        return re.compile(rb"(?!)")
    return re.compile(b"%(?:" + b"|".join(sorted(f"{ord(c):02x}".encode() for c in chars)) + b")", re.IGNORECASE)


def _blocks(path: Path, report: FileReport) -> Iterator[bytes]:
    """The file in blocks that end at a line end (gzip read through); a truncated gzip stream
    ends the file and is said, what was read before it is kept."""
    with path.open("rb") as probe:
        gz = probe.read(2) == b"\x1f\x8b"
    with (gzip.open(path, "rb") if gz else path.open("rb")) as fh:
        yield from delimited_blocks(_Tolerant(fh, report) if gz else fh, BLOCK, b"\n")  # type: ignore[arg-type]


class _Tolerant:
    """A gzip stream read in small steps: where it is cut short, what came before is returned
    (up to its last whole line) and the file is marked truncated."""

    STEP = 1 << 20

    def __init__(self, fh, report: FileReport) -> None:
        self.fh, self.report = fh, report

    def read(self, size: int) -> bytes:
        parts: list[bytes] = []
        got = 0
        while got < size and not self.report.truncated:
            try:
                piece = self.fh.read1(min(self.STEP, size - got))  # what decompresses, not a fixed count
            except (EOFError, gzip.BadGzipFile, zlib.error):
                self.report.truncated = True
                data = b"".join(parts)
                return data[:data.rfind(b"\n") + 1]  # the cut line is no line
            if not piece:
                break
            parts.append(piece)
            got += len(piece)
        return b"".join(parts)


def _lines_with(path: Path, needles: list[str], escapes: re.Pattern[bytes], report: FileReport,
                on_head: Callable[[list[str]], bool]) -> Iterator[str]:
    """The lines that contain a needle or a percent-escape of one of the name's characters, and
    W3C ``#Fields:`` headers (a log reconfigured mid-file writes a new one). ``on_head`` is given
    the first lines (to recognise the format) and says whether the server ignores case, in which
    case the search does too."""
    first, fold = True, False
    wanted: list[bytes] = []
    for block in _blocks(path, report):
        if first:
            first = False
            head = [line.decode("utf-8", "replace") for line in block.split(b"\n", 8)[:8]]
            fold = on_head(head)
            wanted = sorted({(n.lower() if fold else n).encode() for n in needles})
            if any(line.startswith("#Fields:") for line in head):
                wanted.append(b"#Fields:")
        hay = block.lower() if fold else block
        starts: set[int] = set()
        for n in wanted:
            at = hay.find(n.lower() if fold else n)
            while at != -1:
                starts.add(hay.rfind(b"\n", 0, at) + 1)
                end = hay.find(b"\n", at)
                at = hay.find(n.lower() if fold else n, end if end != -1 else len(hay))
        at = hay.find(b"%")
        while at != -1:  # a literal search first: most blocks of a log hold few escapes, if any
            if escapes.match(hay, at):
                starts.add(hay.rfind(b"\n", 0, at) + 1)
            at = hay.find(b"%", at + 1)
        for start in sorted(starts):
            end = block.find(b"\n", start)
            yield block[start:end if end != -1 else len(block)].decode("utf-8", "replace")


def hits(files: Iterable[Path], paths: set[str], unreadable: list[int] | None = None,
         reports: list[FileReport] | None = None) -> Iterator[Hit]:
    """Requests for the exposed paths, as the server resolves them. A line that names the file but
    cannot be parsed is counted (``unreadable[0]``, and per file in ``reports``). Raises
    LogFormatError naming the file when its format is unknown or most of its lines are unreadable."""
    needles = sorted({needle(p) for p in paths})
    escapes = encoded(paths)
    plain = {normalise(p) for p in paths}
    folded = {normalise(p, fold=True) for p in paths}
    for file in files:
        report = FileReport(file.name)
        if reports is not None:
            reports.append(report)
        parsers: list[Parser] = []

        def on_head(head: list[str], file: Path = file, report: FileReport = report,
                    parsers: list[Parser] = parsers) -> bool:
            parsers.append(_recognised(file, head, report))
            return report.format in CASE_BLIND

        for line in _lines_with(file, needles, escapes, report, on_head):
            if line.startswith("#"):  # a W3C directive: the parser takes a new #Fields from it
                if isinstance(parsers[0], W3C):
                    parsers[0](line)
                continue
            report.lines += 1
            try:
                hit = parsers[0](line)
            except (ValueError, OverflowError, IndexError, TypeError, KeyError):
                report.unreadable += 1
                if unreadable is not None:
                    unreadable[0] += 1
                continue
            if hit is None:
                continue
            fold = report.format in CASE_BLIND
            for candidate in (hit.path, *hit.also):
                if normalise(candidate, fold=fold) in (folded if fold else plain):
                    hit.path, hit.line = normalise(candidate), line
                    yield hit
                    break
        if not parsers:
            _recognised(file, [], report)  # nothing was read: an empty file
        if report.lines and report.unreadable > MAX_UNREADABLE * report.lines:
            raise LogFormatError(f"{file.name}: {report.unreadable:,} of {report.lines:,} lines naming the file "
                                 f"are not {report.format} lines")


def _recognised(file: Path, head: list[str], report: FileReport):
    try:
        report.format, parse = recognise(head)
    except LogFormatError as exc:
        raise LogFormatError(f"{file.name}: {exc}") from None
    return parse


Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def _trusted(address: str, trusted: Networks) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip.version == n.version and ip in n for n in trusted)


_WITH_PORT = re.compile(r"^(?:(\d{1,3}(?:\.\d{1,3}){3}):\d+|\[([0-9A-Fa-f:.]+)\](?::\d+)?)$")


def host(address: str) -> str:
    """An address without the port some logs append (``203.0.113.5:51234``, ``[2001:db8::1]:443``):
    the same client with two ports is one client."""
    m = _WITH_PORT.match(address.strip())
    return (m.group(1) or m.group(2)) if m else address.strip()


def client_of(hit: Hit, trusted: Networks) -> str:
    """The client behind trusted proxies: the right-most X-Forwarded-For address that is not a
    trusted proxy, when the connecting address is one (else the connecting address)."""
    client = host(hit.client)
    if not hit.forwarded or not _trusted(client, trusted):
        return client
    for address in reversed([host(a) for a in hit.forwarded.split(",") if a.strip()]):
        if not _trusted(address, trusted):
            return address
    return client


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


#: HTTP libraries, command-line tools, headless and automated browsers: someone ran them and holds
#: the copy (a person to ask to delete it, counted in the risk), not a search engine's index
_SCRIPTS = re.compile(
    r"(?i)^(?:curl|wget|python-requests|python-urllib|python-httpx|aiohttp|axios|node-fetch|undici|got |"
    r"go-http-client|okhttp|apache-httpclient|java/|libwww-perl|lwp-|httpie|postmanruntime|insomnia|"
    r"guzzlehttp|restsharp|ruby|faraday|dart:io|reqwest|php/|scrapy)|headlesschrome|phantomjs|puppeteer|"
    r"playwright|selenium|windowspowershell|powershell/|electron/")


@cache
def _published_ranges() -> dict[str, tuple[tuple[str, ...], Networks]]:
    """Operator → (its crawlers' user-agent words, the address ranges it publishes for them), from
    ``data/crawler_ranges.json`` (each list with its source and date)."""
    from importlib import resources

    data = json.loads(resources.files("spillguard.data").joinpath("crawler_ranges.json").read_text("utf-8"))
    return {name: (tuple(v["agents"]), tuple(ipaddress.ip_network(p) for p in v["prefixes"]))
            for name, v in data.items() if not name.startswith("_")}


def verified(agent: str, address: str) -> bool | None:
    """Whether a crawler's claim is backed by its operator's published ranges: True inside them,
    False outside (anyone can write "Googlebot" in a request), None when we hold no list for the
    operator the agent names."""
    lowered = agent.lower()
    for words, networks in _published_ranges().values():
        if any(w in lowered for w in words):
            try:
                ip = ipaddress.ip_address(host(address))
            except ValueError:
                return False
            return any(ip in n for n in networks if n.version == ip.version)
    return None


def kind_of(agent: str, address: str | None = None) -> str:
    """archive, crawler, script (a tool someone ran: they hold the copy), visitor — or, given the
    address, ``unverified``: a declared crawler or archive outside its operator's published ranges,
    or of an operator whose ranges we do not hold. It claims to be a crawler; it is treated as
    someone holding a copy (a claw-back letter, counted in the risk)."""
    if _ARCHIVES.search(agent):
        kind = "archive"
    elif _SCRIPTS.search(agent):
        return "script"
    elif agent and crawleruseragents.is_crawler(agent):
        kind = "crawler"
    else:
        return "visitor"
    if address is not None and not verified(agent, address):
        return "unverified"
    return kind


@dataclass(slots=True)
class Analysis:
    """Downloaders inside the window and outside it, and requests that were no download."""

    inside: list[Downloader] = field(default_factory=list)
    outside: list[Downloader] = field(default_factory=list)
    #: client → HEAD requests and 304 answers (no copy served)
    not_downloads: dict[str, int] = field(default_factory=dict)


def analyse(all_hits: Iterable[Hit], start: dt.datetime, end: dt.datetime | None, file_size: int,
            orgs: Organisations | None = None, trusted=TRUSTED) -> Analysis:
    """Per client, successful downloads (2xx answers to GET) inside [start, end] and outside it;
    HEAD and 304 apart."""
    found: dict[tuple[str, str], Downloader] = {}
    result = Analysis()
    for h in all_hits:
        client = client_of(h, trusted)
        if h.method == "HEAD" or h.status == 304:
            result.not_downloads[client] = result.not_downloads.get(client, 0) + 1
            continue
        if not 200 <= h.status < 300:
            continue
        window = "before" if h.time < start else "after" if end is not None and h.time > end else "inside"
        d = found.get((client, window))
        if d is None:
            d = found[(client, window)] = Downloader(client, h.time, h.time, agent=h.agent, window=window)
        d.first, d.last = min(d.first, h.time), max(d.last, h.time)
        d.requests += 1
        d.paths.add(h.path)
        if h.size < 0:  # not logged: a 200 served the file; a 206 only its range, when logged
            d.size_unknown = True
        else:
            d.bytes += h.size
        if h.status == 200 and (h.size < 0 or file_size <= 0 or h.size >= file_size):
            d.full_copy = True
        elif h.status == 206:
            if h.range is not None:
                d._intervals.append(h.range)
            elif h.size > 0:
                d._ranges += h.size
            d.full_copy = d.full_copy or (file_size > 0 and (d._ranges >= file_size
                                                             or _covered(d._intervals) >= file_size))
        if h.agent and not d.agent:
            d.agent = h.agent
    for d in found.values():
        d.kind = kind_of(d.agent, d.client)
        d.organisation = orgs.lookup(d.client) if orgs is not None else None
        (result.inside if d.window == "inside" else result.outside).append(d)
    result.inside.sort(key=lambda d: (d.first, d.client))
    result.outside.sort(key=lambda d: (d.first, d.client))
    return result


def _covered(intervals: list[tuple[int, int]]) -> int:
    """Bytes the union of inclusive byte ranges covers (the same range fetched twice counts once)."""
    total, reach = 0, -1
    for first, last in sorted(intervals):
        if last > reach:
            total += last - max(first, reach + 1) + 1
            reach = last
    return total


def downloaders(all_hits: Iterable[Hit], start: dt.datetime, end: dt.datetime | None, file_size: int,
                orgs: Organisations | None = None) -> list[Downloader]:
    """The downloaders inside [start, end] (see ``analyse`` for the rest)."""
    return analyse(all_hits, start, end, file_size, orgs).inside
