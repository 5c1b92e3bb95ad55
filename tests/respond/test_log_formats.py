"""Issue 19, items 2 and 3: the web logs of every common stack, behind proxies and CDNs, give the
exact downloader set; HEAD and 304 are no downloads; ranges are byte intervals; downloads outside
the window are their own category; imports accumulate; what is not understood changes nothing."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from spillguard.cli import app
from spillguard.config import Config
from spillguard.respond.incident import add_url, ingest_logs, open_incident
from spillguard.respond.logs import Hit, LogFormatError, analyse
from spillguard.respond.models import Client
from spillguard.respond.store import Store
from spillguard.synth import accesslog
from spillguard.synth.people import Person as Someone
from tests.respond.test_incident import PUBLISHED, REMOVED, URL, leaked, many  # noqa: F401 (fixture)

PATH = "/statistics/FY24_Q1_detentionStats.xlsx"
S3_URL = "https://stats-bucket.s3.amazonaws.com/FY24_Q1_detentionStats.xlsx"


@pytest.fixture()
def incident(tmp_path: Path, many: list[Someone], monkeypatch):  # noqa: F811
    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "logs-test-key")
    file = leaked(tmp_path / "FY24_Q1_detentionStats.xlsx", many)
    store = Store(str(tmp_path / "i.db"))
    open_incident(store, "FY24 Q1", file, [URL], PUBLISHED, None, REMOVED, Config())
    requests, expected = accesslog.scenario(PATH, file.stat().st_size, PUBLISHED, REMOVED)
    yield store, file.stat().st_size, requests, expected
    store.engine.dispose()


def found(result) -> dict[str, dict]:
    return {d.client: {"kind": d.kind, "full_copy": d.full_copy, "requests": d.requests} for d in result}


@pytest.mark.parametrize("fmt, name", [
    ("combined", "combined"), ("json_lines", "nginx JSON"), ("s3", "S3 server access"),
    ("cloudfront", "CloudFront"), ("iis", "IIS W3C"), ("alb", "AWS ALB"),
    ("azure_front_door", "Azure Front Door"), ("app_service", "Azure App Service"),
    ("akamai", "Akamai DataStream 2"), ("gcp", "GCP HTTP(S) load balancer"), ("caddy", "Caddy"),
    ("behind_proxy", "combined"), ("s3_path_style", "S3 server access")])
def test_every_format_gives_the_exact_downloaders(incident, tmp_path: Path, fmt: str, name: str) -> None:
    store, _, requests, expected = incident
    if fmt.startswith("s3"):
        add_url(store, None, S3_URL)
    log = tmp_path / "access.log.gz"
    with gzip.open(log, "wt", encoding="utf-8") as fh:
        fh.writelines(getattr(accesslog, fmt)(requests))
    result = ingest_logs(store, None, [log])
    assert [(f.format, f.unreadable) for f in result.files] == [(name, 0)]
    assert found(result) == expected  # behind the proxy: the clients, not the balancer
    assert result.outside == [] and result.not_downloads == {"198.51.100.97": 1}  # the 304


def hit(client: str, minutes: float, status: int = 200, size: int = 1000, method: str = "GET",
        span: tuple[int, int] | None = None) -> Hit:
    return Hit(client, PUBLISHED + dt.timedelta(minutes=minutes), PATH, status, size, "curl/8.0", method, range=span)


def test_head_ranges_and_outside_the_window() -> None:
    hits = [hit("198.51.100.1", 10, method="HEAD"),  # a HEAD: no copy
            hit("198.51.100.2", 20, 206, 400, span=(0, 399)), hit("198.51.100.2", 21, 206, 400, span=(0, 399)),
            hit("198.51.100.2", 22, 206, 400, span=(0, 399)),  # the same range thrice: not a full copy
            hit("198.51.100.3", 30, 206, 600, span=(0, 599)), hit("198.51.100.3", 31, 206, 500, span=(500, 999)),
            hit("198.51.100.4", 60 * 6, 200, 1000),  # a CDN serving its cache after takedown
            hit("198.51.100.5", -30, 200, 1000)]  # before publication (a preview link)
    result = analyse(hits, PUBLISHED, REMOVED, 1000)
    assert [(d.client, d.full_copy, d.requests) for d in result.inside] == [
        ("198.51.100.2", False, 3), ("198.51.100.3", True, 2)]
    assert [(d.client, d.window) for d in result.outside] == [("198.51.100.5", "before"), ("198.51.100.4", "after")]
    assert result.not_downloads == {"198.51.100.1": 1}


def test_percent_encoded_and_dot_segment_paths_are_the_file(incident, tmp_path: Path) -> None:
    store, size, _, _ = incident
    t = PUBLISHED.strftime("%d/%b/%Y:%H:%M:%S %z")
    lines = [f'198.51.100.{i} - - [{t}] "GET {p} HTTP/1.1" 200 {size} "-" "Mozilla/5.0"\n' for i, p in enumerate([
        "/%73tatistics/FY24_Q1_detentionStats.xlsx", "/statistics//FY24_Q1_detentionStats.xlsx?x=1",
        "/news/../statistics/./FY24_Q1_detentionStats.xlsx", "/statistics/fy24_q1_detentionstats.xlsx"], start=1)]
    log = tmp_path / "access.log"
    log.write_text("".join(lines), encoding="utf-8")
    # nginx and Apache serve paths with case: the lower-case one is another file (404 on the site)
    assert sorted(d.client for d in ingest_logs(store, None, [log])) == ["198.51.100.1", "198.51.100.2",
                                                                        "198.51.100.3"]


def test_logs_accumulate_and_a_rerun_adds_nothing(incident, tmp_path: Path) -> None:
    store, _, requests, expected = incident
    half = len(requests) // 2
    day1, day2 = tmp_path / "access.log.1", tmp_path / "access.log"
    day1.write_text("".join(accesslog.combined(requests[:half])), encoding="utf-8")
    day2.write_text("".join(accesslog.combined(requests[half:])), encoding="utf-8")
    first = ingest_logs(store, None, [day1])
    assert set(found(first)) < set(expected)
    assert found(ingest_logs(store, None, [day2])) == expected  # rotated logs one by one add up
    again = ingest_logs(store, None, [day1, day2])
    assert found(again) == expected and again.new_requests == 0 and again.known_requests > 0
    assert set(found(ingest_logs(store, None, [day1], replace=True))) == set(found(first))


@pytest.mark.parametrize("content, reason", [
    (b"", "an empty file"), (bytes(range(256)) * 4, "binary data"),
    (b'<190>Nov 30 10:00:00 lb haproxy[123]: 198.51.100.1:5000 [30/Nov/2022:10:00:00.000] fe be/s1 0/0/0/1/1 '
     b'200 1000 - - ---- 1/1/0/0/0 0/0 "GET /statistics/FY24_Q1_detentionStats.xlsx HTTP/1.1"\n', "HAProxy"),
    (b'{"event": "login", "user": "x"}\n', "JSON records without a request path")])
def test_a_file_not_understood_changes_nothing(incident, tmp_path: Path, content: bytes, reason: str) -> None:
    store, _, requests, expected = incident
    good = tmp_path / "access.log"
    good.write_text("".join(accesslog.combined(requests)), encoding="utf-8")
    ingest_logs(store, None, [good])
    bad = tmp_path / "other.log"
    bad.write_bytes(content)
    with pytest.raises(LogFormatError, match=f"other.log: .*{reason}"):
        ingest_logs(store, None, [bad])
    result = CliRunner().invoke(app, ["incident", "logs", str(bad), "--db", str(tmp_path / "i.db")])
    assert result.exit_code == 1 and "nothing was changed" in " ".join(result.output.split())
    with store.session() as s:
        assert {c.address for c in s.scalars(sa.select(Client))} == set(expected)


def test_a_truncated_gzip_keeps_what_was_read_and_says_so(incident, tmp_path: Path) -> None:
    store, _, requests, expected = incident
    whole = gzip.compress("".join(accesslog.combined(requests)).encode())
    log = tmp_path / "access.log.gz"
    log.write_bytes(whole[: len(whole) * 3 // 4])
    result = CliRunner().invoke(app, ["incident", "logs", str(log), "--db", str(tmp_path / "i.db")])
    assert result.exit_code == 1 and "access.log.gz ended early" in " ".join(result.output.split())
    with store.session() as s:
        kept = {c.address for c in s.scalars(sa.select(Client))}
    assert kept and kept <= set(expected)


def _encode(path: str, how: int) -> str:
    """The exposed path with unreserved characters of its file name percent-encoded (RFC 3986:
    equivalent): one underscore, every underscore in lower-case hex, a letter, every character."""
    folder, name = path.rsplit("/", 1)
    if how == 0:
        name = name.replace("_", "%5F", 1)
    elif how == 1:
        name = name.replace("_", "%5f")
    elif how == 2:
        name = "%46" + name[1:]
    else:
        name = "".join(f"%{ord(c):02X}" for c in name)
    return f"{folder}/{name}"


@pytest.mark.parametrize("fmt", ["combined", "json_lines", "cloudfront", "iis", "alb", "azure_front_door",
                                 "app_service", "akamai", "gcp", "caddy", "behind_proxy"])
def test_percent_encoded_unreserved_characters_are_the_file_in_every_format(incident, tmp_path: Path,
                                                                           fmt: str) -> None:
    store, _, requests, expected = incident
    import dataclasses

    encoded = [dataclasses.replace(r, path=_encode(r.path, i % 4)) if r.path == PATH else r
               for i, r in enumerate(requests)]
    assert sum(r.path != PATH and r.path.endswith(("xlsx", "%78")) for r in encoded) >= 8
    log = tmp_path / "access.log"
    log.write_text("".join(getattr(accesslog, fmt)(encoded)), encoding="utf-8")
    assert found(ingest_logs(store, None, [log])) == expected


def test_an_iis_log_reconfigured_mid_file_is_read_with_each_block_s_fields(incident, tmp_path: Path) -> None:
    store, size, _, _ = incident
    log = tmp_path / "u_ex221130.log"
    log.write_text(
        "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n"
        "#Fields: date time c-ip cs-method cs-uri-stem sc-status sc-bytes cs(User-Agent)\n"
        f"2022-11-30 15:00:00 198.51.100.31 GET {PATH} 200 {size} Mozilla/5.0\n"
        "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n"
        "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port c-ip cs(User-Agent) sc-status sc-bytes\n"
        f"2022-11-30 16:00:00 10.0.0.4 GET {PATH} - 443 198.51.100.32 Mozilla/5.0 200 {size}\n"
        f"2022-11-30 16:01:00 10.0.0.4 GET {PATH} - 443 198.51.100.33 Mozilla/5.0 404 0\n", encoding="utf-8")
    result = ingest_logs(store, None, [log])
    assert [(f.format, f.unreadable) for f in result.files] == [("IIS W3C", 0)]
    assert found(result) == {"198.51.100.31": {"kind": "visitor", "full_copy": True, "requests": 1},
                             "198.51.100.32": {"kind": "visitor", "full_copy": True, "requests": 1}}


@pytest.mark.parametrize("agent, kind", [
    ("curl/7.88.1", "script"), ("Wget/1.21.3", "script"), ("python-requests/2.31.0", "script"),
    ("axios/1.6.2", "script"), ("Go-http-client/1.1", "script"), ("PostmanRuntime/7.36.0", "script"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/119.0.0.0 "
     "Safari/537.36", "script"),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "crawler"),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "crawler"),
    ("Mozilla/5.0 (compatible; archive.org_bot +http://archive.org/details/archive.org_bot)", "archive"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0 "
     "Safari/537.36", "visitor")])
def test_scripts_and_headless_browsers_are_people_holding_a_copy(agent: str, kind: str) -> None:
    from spillguard.respond.logs import kind_of

    assert kind_of(agent) == kind


def test_a_script_s_download_counts_in_the_risk_and_gets_a_clawback_letter(incident, tmp_path: Path) -> None:
    from spillguard.respond.incident import report
    from spillguard.respond.notices import write_documents

    store, size, _, _ = incident
    t = PUBLISHED.strftime("%d/%b/%Y:%H:%M:%S %z")
    (tmp_path / "access.log").write_text(f'198.51.100.40 - - [{t}] "GET {PATH} HTTP/1.1" 200 {size} "-" '
                                         '"python-requests/2.31.0"\n', encoding="utf-8")
    ingest_logs(store, None, [tmp_path / "access.log"])
    data = report(store, None)
    assert [(d["kind"], d["full_copy"]) for d in data["downloaders"]] == [("script", True)]
    assert "1 outside downloader(s) took a full copy" in data["risk"]["reasons"]
    assert data["timeline"]["first_external_download"] is not None
    docs = write_documents(store, None, tmp_path / "out", "Agency", "Privacy Office", pdf=False)
    assert (docs.clawbacks, docs.removal_requests) == (1, 0)


def test_clawback_letters_name_the_fetched_urls_one_time_and_no_internal_address(incident, tmp_path: Path) -> None:
    from spillguard.respond.notices import write_documents

    store, size, _, _ = incident
    add_url(store, None, "https://www.example.gov/archive/old_copy.xlsx")  # added last, fetched by nobody here
    t = PUBLISHED.strftime("%d/%b/%Y:%H:%M:%S %z")
    t2 = (PUBLISHED + dt.timedelta(minutes=25)).strftime("%d/%b/%Y:%H:%M:%S %z")
    (tmp_path / "access.log").write_text(
        f'198.51.100.41 - - [{t}] "GET {PATH} HTTP/1.1" 200 {size} "-" "Mozilla/5.0"\n'
        f'198.51.100.42 - - [{t}] "GET {PATH} HTTP/1.1" 206 100 "-" "Mozilla/5.0"\n'
        f'198.51.100.42 - - [{t2}] "GET {PATH} HTTP/1.1" 206 100 "-" "Mozilla/5.0"\n'
        f'172.17.0.1 - - [{t}] "GET {PATH} HTTP/1.1" 200 {size} "-" "Mozilla/5.0"\n', encoding="utf-8")
    ingest_logs(store, None, [tmp_path / "access.log"])
    docs = write_documents(store, None, tmp_path / "out", "Agency", "Privacy Office", pdf=False)
    assert (docs.clawbacks, docs.internal) == (2, 1)
    letters = sorted((tmp_path / "out" / "clawback").glob("clawback-*.txt"))
    texts = [p.read_text() for p in letters]
    assert all(URL in text and "old_copy" not in text for text in texts)
    one = next(text for text in texts if "198.51.100.41" in text)
    assert "\nOn " in one and "Between" not in one  # one request: a moment, not "between 10:10 and 10:10"
    two = next(text for text in texts if "198.51.100.42" in text)
    assert "Between " in two
    assert not any("172.17.0.1" in text for text in texts)  # no letter to our own proxy's address
    worklist = (tmp_path / "out" / "clawback" / "internal-addresses.txt").read_text()
    assert "172.17.0.1\t1 request(s)" in worklist and URL in worklist


def _json(records: list[dict]) -> str:
    import json

    return "".join(json.dumps(r) + "\n" for r in records)


def test_json_logs_whose_fields_are_named_otherwise_read_the_right_status_and_path(incident, tmp_path: Path) -> None:
    store, size, _, _ = incident
    when = PUBLISHED.isoformat()
    log = tmp_path / "access.json"
    log.write_text(_json([
        # Logstash / Filebeat: the status is "response"
        {"@timestamp": when, "clientip": "198.51.100.51", "verb": "GET", "request": PATH, "response": "200",
         "bytes": str(size), "agent": "Mozilla/5.0"},
        # Fastly: response_status
        {"timestamp": when, "client_ip": "198.51.100.52", "url": PATH, "response_status": 200,
         "response_body_size": size, "request_user_agent": "Mozilla/5.0"},
        # Traefik v1: the client's RequestPath, not the backend's BackendURL.Path
        {"StartUTC": when, "ClientHost": "198.51.100.53", "RequestMethod": "GET", "RequestPath": PATH,
         "BackendURL": {"Path": "/backend/blob/7f3a"}, "DownstreamStatus": 200, "DownstreamContentSize": size},
        # GCP: the same client with two source ports is one client
        {"timestamp": when, "httpRequest": {"requestUrl": f"https://www.example.gov{PATH}", "status": 200,
                                            "responseSize": str(size), "remoteIp": "198.51.100.54:51234"}},
        {"timestamp": when, "httpRequest": {"requestUrl": f"https://www.example.gov{PATH}", "status": 200,
                                            "responseSize": str(size), "remoteIp": "198.51.100.54:51990"}}]),
        encoding="utf-8")
    result = ingest_logs(store, None, [log])
    assert found(result) == {f"198.51.100.5{i}": {"kind": "visitor", "full_copy": True, "requests": 2 if i == 4 else 1}
                             for i in range(1, 5)}


def test_a_json_request_without_a_status_is_unreadable_never_status_0(incident, tmp_path: Path) -> None:
    store, size, _, _ = incident
    log = tmp_path / "access.json"
    log.write_text(_json([{"time": PUBLISHED.isoformat(), "remote_addr": "198.51.100.60", "uri": PATH,
                           "answer_code": 200, "body_bytes_sent": size}] * 3), encoding="utf-8")
    with pytest.raises(LogFormatError, match=r"access.json: JSON request records without a status field "
                                             r"spillguard knows \(their fields: answer_code, body_bytes_sent, "
                                             r"remote_addr, time, uri; the status is read from status, .*response\)"):
        ingest_logs(store, None, [log])


def test_an_iis_log_without_sc_bytes_says_not_logged_and_a_200_is_a_full_copy(incident, tmp_path: Path) -> None:
    from spillguard.respond.incident import report

    store, _, _, _ = incident
    log = tmp_path / "u_ex.log"
    log.write_text("#Software: Microsoft Internet Information Services 10.0\n"
                   "#Fields: date time c-ip cs-method cs-uri-stem sc-status cs(User-Agent)\n"
                   f"{PUBLISHED.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} 198.51.100.61 GET {PATH} 200 Mozilla/5.0\n",
                   encoding="utf-8")
    assert found(ingest_logs(store, None, [log])) == {
        "198.51.100.61": {"kind": "visitor", "full_copy": True, "requests": 1}}
    assert [(d["bytes"], d["full_copy"]) for d in report(store, None)["downloaders"]] == [(None, True)]


def test_a_known_request_read_differently_now_is_updated(incident, tmp_path: Path) -> None:
    from spillguard.respond.models import LogHit

    store, size, _, _ = incident
    t = PUBLISHED.strftime("%d/%b/%Y:%H:%M:%S %z")
    log = tmp_path / "access.log"
    log.write_text(f'198.51.100.62 - - [{t}] "GET {PATH} HTTP/1.1" 200 {size} "-" "Mozilla/5.0"\n', encoding="utf-8")
    ingest_logs(store, None, [log])
    with store.session() as s:  # what an older parser had stored for the same line
        s.execute(sa.update(LogHit).values(status=0))
        s.commit()
    again = ingest_logs(store, None, [log])
    assert (again.new_requests, again.known_requests, again.reread) == (0, 1, 1)
    assert found(again) == {"198.51.100.62": {"kind": "visitor", "full_copy": True, "requests": 1}}
    assert ingest_logs(store, None, [log]).reread == 0


def test_forwarded_for_first_and_trailing_quoted_values_that_are_no_chain(incident, tmp_path: Path) -> None:
    store, size, _, _ = incident
    t = PUBLISHED.strftime("%d/%b/%Y:%H:%M:%S %z")
    log = tmp_path / "access.log"
    log.write_text(
        # LogFormat "%{X-Forwarded-For}i %l %u %t \"%r\" %>s %b …": the chain first, our proxy last
        f'198.51.100.71, 10.0.0.2 - - [{t}] "GET {PATH} HTTP/1.1" 200 {size} "-" "Mozilla/5.0"\n'
        # nginx: "$http_x_forwarded_for" then an upstream address and a request time, also quoted
        f'10.0.0.2 - - [{t}] "GET {PATH} HTTP/1.1" 200 {size} "-" "Mozilla/5.0" "198.51.100.72" '
        f'"10.0.0.5:8080" "0.003"\n'
        f'10.0.0.2 - - [{t}] "GET {PATH} HTTP/1.1" 200 {size} "-" "Mozilla/5.0" "-" "10.0.0.5:8080" "0.004"\n',
        encoding="utf-8")
    result = ingest_logs(store, None, [log])
    assert [(f.format, f.unreadable) for f in result.files] == [("combined", 0)]
    assert sorted(found(result)) == ["10.0.0.2", "198.51.100.71", "198.51.100.72"]


def test_a_crawler_is_believed_only_from_its_operator_s_published_ranges(incident, tmp_path: Path) -> None:
    from spillguard.respond.incident import report
    from spillguard.respond.logs import kind_of
    from spillguard.respond.notices import write_documents

    google = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    bing = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
    archive = "Mozilla/5.0 (compatible; archive.org_bot +http://archive.org/details/archive.org_bot)"
    assert kind_of(google, "66.249.66.1") == "crawler"  # in the list Google publishes
    assert kind_of(google, "[2001:4860:4801:10::5]:443") == "crawler"
    assert kind_of(google, "198.51.100.80") == "unverified"  # anyone can say Googlebot
    assert kind_of(archive, "207.241.229.39") == "archive" and kind_of(archive, "198.51.100.81") == "unverified"
    assert kind_of(bing, "40.77.167.1") == "unverified"  # no list of Bing's shipped: a claim only
    assert kind_of(google) == "crawler"  # no address: what the agent says
    store, size, _, _ = incident
    t = PUBLISHED.strftime("%d/%b/%Y:%H:%M:%S %z")
    (tmp_path / "access.log").write_text(
        f'66.249.66.1 - - [{t}] "GET {PATH} HTTP/1.1" 200 {size} "-" "{google}"\n'
        f'198.51.100.80 - - [{t}] "GET {PATH} HTTP/1.1" 200 {size} "-" "{google}"\n', encoding="utf-8")
    ingest_logs(store, None, [tmp_path / "access.log"])
    data = report(store, None)
    assert sorted((d["kind"], d["full_copy"]) for d in data["downloaders"]) == [("crawler", True),
                                                                                ("unverified", True)]
    assert "1 outside downloader(s) took a full copy" in data["risk"]["reasons"]
    docs = write_documents(store, None, tmp_path / "out", "Agency", "Privacy Office", pdf=False)
    assert (docs.clawbacks, docs.removal_requests) == (2, 1)  # the claimant gets a claw-back letter
