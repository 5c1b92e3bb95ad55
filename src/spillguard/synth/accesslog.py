"""Access logs with known downloaders, for tests, the demo and the log benchmark: visitors who
fetched the whole file, one who fetched half of it (a range request), a search-engine crawler,
a web archive, requests before and after the exposure window, other pages, and 404s — in the
combined, JSON-lines, S3 and CloudFront formats. Addresses are documentation ranges (RFC 5737)."""

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
    reqs.append(Request("192.0.2.66", inside(0.3), path, 200, size, AGENTS["crawler"]))
    expected["192.0.2.66"] = {"kind": "crawler", "full_copy": True, "requests": 1}
    reqs.append(Request("192.0.2.200", inside(0.7), path, 200, size, AGENTS["archive"]))
    expected["192.0.2.200"] = {"kind": "archive", "full_copy": True, "requests": 1}
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


def s3(reqs: list[Request]) -> Iterator[str]:
    for r in reqs:
        t = r.time.strftime("%d/%b/%Y:%H:%M:%S %z")
        yield (f"79a5 stats-bucket [{t}] {r.client} - 3E57427F3EXAMPLE REST.GET.OBJECT {r.path.lstrip('/')} "
               f'"GET {r.path} HTTP/1.1" {r.status} - {r.size or "-"} {r.size or "-"} 70 10 '
               f'"-" "{r.agent}" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= '
               f"SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader stats-bucket.s3.amazonaws.com TLSv1.2\n")


def cloudfront(reqs: list[Request]) -> Iterator[str]:
    yield "#Version: 1.0\n"
    yield ("#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status "
           "cs(Referer) cs(User-Agent) cs-uri-query\n")
    for r in reqs:
        agent = r.agent.replace(" ", "%20")
        utc = r.time.astimezone(dt.UTC)  # CloudFront logs in UTC
        yield (f"{utc:%Y-%m-%d}\t{utc:%H:%M:%S}\tIAD89-C1\t{r.size}\t{r.client}\tGET\td111.cloudfront.net\t"
               f"{r.path}\t{r.status}\t-\t{agent}\t-\n")
