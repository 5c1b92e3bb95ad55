"""HTML pages and JSON files: visible text and tables, and each hidden place of a page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spillguard.synth.people import Person
from tests.helpers import scan_one, summary, write

NAME_A = ("A_NUMBER", "PERSON_NAME")


def mention(p: Person) -> str:
    return f"Detainee {p.name} (A# {p.a_number}) was transferred."


CLEAN = "Book-ins fell by a tenth over the quarter."


def page(place: str, text: str) -> bytes:
    body = {
        "visible": f"<p>{text}</p>",
        "comment": f"<p>Statistics</p><!-- {text} -->",
        "display none": f'<p>Statistics</p><div style="display: none">{text}</div>',
        "hidden attribute": f"<p>Statistics</p><section hidden><p>{text}</p></section>",
        "hidden input": f'<form><input type="hidden" name="n" value="{text}"></form>',
        "data attribute": f'<p data-note="{text}">Statistics</p>',
    }[place]
    return (f"<!DOCTYPE html><html><head><title>Detention statistics</title></head>"
            f"<body><h1>Detention statistics</h1>{body}</body></html>").encode()


PLACES = [("visible", "SG209", "visible", None, None), ("comment", "SG211", "comment", "HTML comments", "SG113"),
          ("display none", "SG211", "hidden_text", "hidden elements", "SG118"),
          ("hidden attribute", "SG211", "hidden_text", "hidden elements", "SG118"),
          ("hidden input", "SG211", "hidden_text", "hidden inputs", "SG118"),
          ("data attribute", "SG211", "hidden_text", "data attributes", "SG118")]


@pytest.mark.parametrize(("place", "rule", "visibility", "label", "low"), PLACES)
def test_html_places(tmp_path: Path, roster: list[Person], place: str, rule: str, visibility: str,
                     label: str | None, low: str | None) -> None:
    report = scan_one(write(tmp_path, "page.html", page(place, mention(roster[0]))))
    assert [(f.rule, f.visibility.value, tuple(sorted(e.value for e in f.entities))) for f in report.findings] == [
        (rule, visibility, NAME_A)]
    assert report.findings[0].title.endswith(f"({label})" if label else "in plain view")
    clean = scan_one(write(tmp_path, "clean.html", page(place, CLEAN)))
    assert [f.rule for f in clean.findings] == ([low] if low else []) and clean.decision == "pass"


def test_html_table_roster_and_document_links(tmp_path: Path, roster: list[Person]) -> None:
    rows = "".join(f"<tr><td>{p.name}</td><td>{p.a_number_as(0)}</td><td>{p.country}</td></tr>" for p in roster[:15])
    html = (f"<html><body><table><tr><th>Name</th><th>A-Number</th><th>Citizenship</th></tr>{rows}</table>"
            f'<a href="/files/FY24_detention.xlsx">Download</a></body></html>').encode()
    report = scan_one(write(tmp_path, "page.htm", html))
    assert summary(report) == [("SG202", "visible", ("A_NUMBER", "NATIONALITY", "PERSON_NAME"), 15),
                               ("SG503", "visible", (), None)]


def test_inline_json_in_a_page(tmp_path: Path, roster: list[Person]) -> None:
    data = json.dumps([{"name": p.name, "aNumber": p.a_number_as(0), "dob": p.birth.isoformat()} for p in roster[:12]])
    html = f'<html><body><p>Map</p><script type="application/json">{data}</script></body></html>'.encode()
    report = scan_one(write(tmp_path, "page.html", html))
    assert summary(report) == [("SG201", "hidden_text", ("A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME"), 12)]


def test_json_records_nested_and_free_text(tmp_path: Path, roster: list[Person]) -> None:
    doc = {"report": "FY24", "summary": f"Includes the case of {roster[0].name}, A# {roster[0].a_number}.",
           "detainees": [{"name": p.name, "ids": {"aNumber": p.a_number_as(0)}, "country": p.country,
                          "moves": [{"facility": p.facility, "date": "2024-01-02"}]} for p in roster[:20]]}
    report = scan_one(write(tmp_path, "data.json", json.dumps(doc).encode()))
    # the nested moves (facility, date) are row-level too, without names: low k-anonymity
    assert summary(report) == [("SG202", "visible", ("A_NUMBER", "NATIONALITY", "PERSON_NAME"), 20),
                               ("SG209", "visible", NAME_A, 1), ("SG305", "visible", (), 20)]
    ranges = sorted(f.location.range or "" for f in report.findings)
    assert ranges == ["", "$.detainees[*]", "$.detainees[*].moves[*]"]


def test_ndjson(tmp_path: Path, roster: list[Person]) -> None:
    lines = "\n".join(json.dumps({"full_name": p.name, "a_number": p.a_number, "dob": p.birth.isoformat()})
                      for p in roster[:30])
    report = scan_one(write(tmp_path, "records.jsonl", lines.encode()))
    assert summary(report) == [("SG202", "visible", ("A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME"), 30)]


def test_bad_json_fails_closed(tmp_path: Path) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    broken = b'{"detainees": [{"name": "x",'
    assert [f.rule for f in scan_one(write(tmp_path, "deep.json", deep)).findings] == ["SG903"]
    assert [f.rule for f in scan_one(write(tmp_path, "broken.json", broken)).findings] == ["SG901"]


PAGE_CS = ("<!doctype html><html><body><p>Přehled zadržených osob: Jiří Dvořák, Kateřina Nováková, "
           "Šárka Černá, žádost o azyl, úřad, příjmení, státní příslušnost, zařízení, čtvrtletí.</p></body></html>")


def test_a_central_european_page_in_a_codec_libxml2_does_not_name(tmp_path: Path) -> None:
    """Found by `make fuzz`: charset-normalizer names this page iso8859_10, a Python codec name
    libxml2 refuses (LookupError → SG909). The page is decoded in Python instead."""
    from spillguard.clean import Options, clean_path
    from spillguard.config import Config
    from spillguard.formats.textfile import detect_encoding

    raw = PAGE_CS.encode("iso8859_2")
    assert detect_encoding(raw) == "iso8859_10"  # the case being guarded
    path = write(tmp_path, "in/zadrzeni.html", raw)
    report = scan_one(path)
    assert report.errors == []
    results = clean_path(tmp_path / "in", tmp_path / "out", Options(), Config())
    assert [r.ok for r in results] == [True]


def test_camel_case_keys_are_headers(tmp_path: Path, roster: list[Person]) -> None:
    """Case-system exports key their JSON in camelCase (issue 18): ``alienNumber`` is an A-number
    header, ``fullName`` a name header, ``countryOfCitizenship`` a nationality header."""
    import json

    data = [{"fullName": p.name, "alienNumber": p.a_number, "countryOfCitizenship": p.country} for p in roster[:20]]
    report = scan_one(write(tmp_path, "export.json", json.dumps(data).encode()))
    [records] = [f for f in report.findings if f.rule == "SG202"]
    assert sorted(e.value for e in records.entities) == ["A_NUMBER", "NATIONALITY", "PERSON_NAME"]
    assert "'alienNumber' → A_NUMBER (header and values" in records.why
