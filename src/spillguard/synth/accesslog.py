"""Access logs with known downloaders, for tests, the demo and the log benchmark: visitors who
fetched the whole file, one who fetched half of it (a range request), a search-engine crawler,
a web archive, requests before and after the exposure window, other pages, and 404s — in the
combined, JSON-lines, S3 and CloudFront formats. Addresses are documentation ranges (RFC 5737), but
the crawler's and the archive's, which lie in the ranges their operators publish (a claim from
anywhere else is not believed: ``logs.kind_of``)."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator

from spillguard.respond.logs import Hit as Request

AGENTS = {
    "visitor": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/118.0 Safari/537.36",
    "crawler": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "archive": "Mozilla/5.0 (compatible; archive.org_bot +http://archive.org/details/archive.org_bot)",
}


def scenario(path: str, size: int, published: dt.datetime, removed: dt.datetime, seed: int = 7,
             noise: int = 200) -> tuple[list[Request], dict[str, dict]]:
    """The requests, in time order, and the downloaders a correct analysis must find (by client)."""
    rng = random.Random(seed)
    span = (removed - published).total_seconds()

    def inside(frac: float) -> dt.datetime:
        return published + dt.timedelta(seconds=int(span * frac))

    reqs: list[Request] = []
    expected: dict[str, dict] = {}
    visitors = [f"198.51.100.{i}" for i in (10, 23, 47)]
    for n, ip in enumerate(visitors):
        t = inside(0.1 + 0.25 * n)
        reqs.append(Request(ip, t, path, 200, size, AGENTS["visitor"]))
        expected[ip] = {"kind": "visitor", "full_copy": True, "requests": 1}
    partial = "203.0.113.5"  # stopped half way
    reqs.append(Request(partial, inside(0.5), path, 206, size // 2, AGENTS["visitor"]))
    expected[partial] = {"kind": "visitor", "full_copy": False, "requests": 1}
    resumed = "203.0.113.9"  # two ranges that add up to the whole file
    reqs.append(Request(resumed, inside(0.6), path, 206, size // 2, AGENTS["visitor"]))
    reqs.append(Request(resumed, inside(0.61), path, 206, size - size // 2, AGENTS["visitor"]))
    expected[resumed] = {"kind": "visitor", "full_copy": True, "requests": 2}
    reqs.append(Request("66.249.66.1", inside(0.3), path, 200, size, AGENTS["crawler"]))  # in Google's ranges
    expected["66.249.66.1"] = {"kind": "crawler", "full_copy": True, "requests": 1}
    reqs.append(Request("207.241.229.39", inside(0.7), path, 200, size, AGENTS["archive"]))  # the Archive's
    expected["207.241.229.39"] = {"kind": "archive", "full_copy": True, "requests": 1}
    # not downloads of the exposed file in the window
    reqs.append(Request("198.51.100.99", published - dt.timedelta(hours=2), path, 404, 0, AGENTS["visitor"]))
    reqs.append(Request("198.51.100.98", removed + dt.timedelta(minutes=5), path, 404, 0, AGENTS["visitor"]))
    reqs.append(Request("198.51.100.97", inside(0.4), path, 304, 0, AGENTS["visitor"]))
    for _ in range(noise):
        reqs.append(Request(f"203.0.113.{rng.randint(100, 250)}", inside(rng.random()),
                            rng.choice(["/", "/statistics", "/statistics/FY23_Q4_detentionStats.xlsx", "/style.css"]),
                            200, rng.randint(500, 90_000), AGENTS["visitor"]))
    reqs.sort(key=lambda r: r.time)
    return reqs, expected


def combined(reqs: list[Request]) -> Iterator[str]:
    for r in reqs:
        t = r.time.strftime("%d/%b/%Y:%H:%M:%S %z")
        yield (f'{r.client} - - [{t}] "GET {r.path} HTTP/1.1" {r.status} {r.size or "-"} '
               f'"https://www.example.gov/statistics" "{r.agent}"\n')


def json_lines(reqs: list[Request]) -> Iterator[str]:
    for r in reqs:
        yield json.dumps({"time": r.time.isoformat(), "remote_addr": r.client, "request": f"GET {r.path} HTTP/1.1",
                          "status": r.status, "body_bytes_sent": r.size, "http_user_agent": r.agent}) + "\n"


def s3(reqs: list[Request], path_style: bool = False) -> Iterator[str]:
    """S3 server access logs; ``path_style``: asked as ``/bucket/key`` (the bucket in the request,
    not in the host), the key being the file's name."""
    for r in reqs:
        t = r.time.strftime("%d/%b/%Y:%H:%M:%S %z")
        key = r.path.rsplit("/", 1)[-1] if path_style else r.path.lstrip("/")
        uri, host = (f"/stats-bucket/{key}", "s3.us-east-1.amazonaws.com") if path_style else \
            (r.path, "stats-bucket.s3.amazonaws.com")
        yield (f"79a5 stats-bucket [{t}] {r.client} - 3E57427F3EXAMPLE REST.GET.OBJECT {key} "
               f'"{r.method} {uri} HTTP/1.1" {r.status} - {r.size or "-"} {r.size or "-"} 70 10 '
               f'"-" "{r.agent}" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= '
               f"SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader {host} TLSv1.2\n")


def cloudfront(reqs: list[Request]) -> Iterator[str]:
    yield "#Version: 1.0\n"
    yield ("#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status "
           "cs(Referer) cs(User-Agent) cs-uri-query\n")
    for r in reqs:
        agent = r.agent.replace(" ", "%20")
        utc = r.time.astimezone(dt.UTC)  # CloudFront logs in UTC
        yield (f"{utc:%Y-%m-%d}\t{utc:%H:%M:%S}\tIAD89-C1\t{r.size}\t{r.client}\tGET\td111.cloudfront.net\t"
               f"{r.path}\t{r.status}\t-\t{agent}\t-\n")


def _utc(r: Request) -> dt.datetime:
    return r.time.astimezone(dt.UTC)


def iis(reqs: list[Request]) -> Iterator[str]:
    """IIS W3C extended (space-separated, UTC, '+' for spaces in the user agent); IIS serves paths
    without case, and some clients ask in another case."""
    yield "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n"
    yield "#Date: 2022-11-30 00:00:00\n"
    yield ("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) "
           "cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes time-taken\n")
    for i, r in enumerate(reqs):
        path = r.path.upper() if i % 2 else r.path
        yield (f"{_utc(r):%Y-%m-%d %H:%M:%S} 10.0.0.4 {r.method} {path} - 443 - {r.client} "
               f"{r.agent.replace(' ', '+')} https://www.example.gov/statistics {r.status} 0 0 {r.size} 15\n")


def alb(reqs: list[Request]) -> Iterator[str]:
    for r in reqs:
        yield (f"https {_utc(r):%Y-%m-%dT%H:%M:%S}.123456Z app/stats-lb/50dc6c495c0c9188 {r.client}:51234 "
               f"10.0.1.17:80 0.001 0.012 0.000 {r.status} {r.status} 231 {r.size} "
               f'"{r.method} https://www.example.gov:443{r.path} HTTP/1.1" "{r.agent}" ECDHE-RSA-AES128-GCM-SHA256 '
               f'TLSv1.2 arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/stats/73e2d6bc24d8a067 '
               f'"Root=1-58337262-36d228ad5d99923122bbe354" "www.example.gov" "-" 0 '
               f'{_utc(r):%Y-%m-%dT%H:%M:%S}.100000Z "forward" "-" "-" "10.0.1.17:80" "{r.status}" "-" "-"\n')


def azure_front_door(reqs: list[Request]) -> Iterator[str]:
    for r in reqs:
        yield json.dumps({"time": f"{_utc(r):%Y-%m-%dT%H:%M:%S}.0000000Z", "category": "FrontDoorAccessLog",
                          "operationName": "Microsoft.Cdn/Profiles/AccessLog/Write", "properties": {
                              "trackingReference": "0Xv6JYwAAAAAY", "httpMethod": r.method, "httpVersion": "2.0.0",
                              "requestUri": f"https://www.example.gov:443{r.path}", "hostName": "www.example.gov",
                              "requestBytes": "1402", "responseBytes": str(r.size), "userAgent": r.agent,
                              "clientIp": r.client, "clientPort": "51123", "socketIp": r.client,
                              "timeTaken": "0.012", "requestProtocol": "HTTPS", "httpStatusCode": str(r.status),
                              "pop": "IAD", "cacheStatus": "HIT"}}) + "\n"


def app_service(reqs: list[Request]) -> Iterator[str]:
    for r in reqs:
        yield json.dumps({"time": f"{_utc(r):%Y-%m-%dT%H:%M:%S}.1234567Z", "category": "AppServiceHTTPLogs",
                          "resourceId": "/SUBSCRIPTIONS/X/RESOURCEGROUPS/WEB/PROVIDERS/MICROSOFT.WEB/SITES/STATS",
                          "properties": {"CsHost": "www.example.gov", "CIp": r.client, "SPort": "443",
                                         "CsUriStem": r.path, "CsUriQuery": "", "CsMethod": r.method,
                                         "TimeTaken": 12, "ScStatus": str(r.status), "Result": "Success",
                                         "CsBytes": "900", "ScBytes": str(r.size), "UserAgent": r.agent,
                                         "Referer": "https://www.example.gov/statistics"}}) + "\n"


def akamai(reqs: list[Request]) -> Iterator[str]:
    for r in reqs:
        yield json.dumps({"version": 1, "cp": "123456", "reqId": "1a2b3c", "reqTimeSec": f"{r.time.timestamp():.3f}",
                          "bytes": str(r.size), "cliIP": r.client, "statusCode": str(r.status), "proto": "HTTPS",
                          "reqHost": "www.example.gov", "reqMethod": r.method, "reqPath": r.path,
                          "reqPort": "443", "rspContentLen": str(r.size), "UA": r.agent.replace(" ", "%20"),
                          "cacheStatus": "1"}) + "\n"


def gcp(reqs: list[Request]) -> Iterator[str]:
    for r in reqs:
        yield json.dumps({"insertId": "abc", "jsonPayload": {"statusDetails": "response_sent_by_backend"},
                          "httpRequest": {"requestMethod": r.method, "requestUrl": f"https://www.example.gov{r.path}",
                                          "requestSize": "120", "status": r.status, "responseSize": str(r.size),
                                          "userAgent": r.agent, "remoteIp": r.client, "serverIp": "10.128.0.5",
                                          "latency": "0.012s"},
                          "resource": {"type": "http_load_balancer"},
                          "timestamp": f"{_utc(r):%Y-%m-%dT%H:%M:%S}.512Z", "severity": "INFO"}) + "\n"


def caddy(reqs: list[Request]) -> Iterator[str]:
    for r in reqs:
        yield json.dumps({"level": "info", "ts": r.time.timestamp(), "logger": "http.log.access.log0",
                          "msg": "handled request", "request": {
                              "remote_ip": r.client, "remote_port": "51234", "client_ip": r.client, "proto": "HTTP/2.0",
                              "method": r.method, "host": "www.example.gov", "uri": r.path,
                              "headers": {"User-Agent": [r.agent], "Accept": ["*/*"]}},
                          "bytes_read": 0, "user_id": "", "duration": 0.01, "size": r.size, "status": r.status,
                          "resp_headers": {"Server": ["Caddy"]}}) + "\n"


def behind_proxy(reqs: list[Request]) -> Iterator[str]:
    """nginx behind a load balancer on a private address: the client is in the last field
    (``"$http_x_forwarded_for"``), the connecting address is the balancer's."""
    for r in reqs:
        t = r.time.strftime("%d/%b/%Y:%H:%M:%S %z")
        yield (f'10.0.3.21 - - [{t}] "{r.method} {r.path} HTTP/1.1" {r.status} {r.size or "-"} '
               f'"https://www.example.gov/statistics" "{r.agent}" "{r.client}, 10.0.3.5"\n')


def s3_path_style(reqs: list[Request]) -> Iterator[str]:
    return s3(reqs, path_style=True)
