"""spillguard clean on HTML pages: each hidden place the scanner finds is gone, visible text
stays, and in strict mode a name in plain view is replaced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spillguard.clean import Options, clean_path
from spillguard.config import Config
from spillguard.scan import scan
from spillguard.synth.people import Person
from tests.formats.test_html_json import mention, page


@pytest.mark.parametrize("place", ["comment", "display none", "hidden attribute", "hidden input", "data attribute",
                                   "visible"])
def test_each_hidden_place_is_gone(tmp_path: Path, roster: list[Person], place: str) -> None:
    source = tmp_path / "page.html"
    source.write_bytes(page(place, mention(roster[0])))
    assert scan([source]).findings
    [result] = clean_path(source, tmp_path / "clean.html", Options(), Config())
    assert result.ok and result.rescan.findings == [], [f.title for f in result.rescan.findings]
    html = (tmp_path / "clean.html").read_text()
    assert "<h1>Detention statistics</h1>" in html and roster[0].family not in html
    assert html.startswith("<!DOCTYPE html>")


def test_inline_json_data_is_removed(tmp_path: Path, roster: list[Person]) -> None:
    data = json.dumps([{"name": p.name, "aNumber": p.a_number_as(0)} for p in roster[:12]])
    source = tmp_path / "page.html"
    source.write_text(f'<html><body><p>Statistics</p><script type="application/json">{data}</script>'
                      f"<script>var x = 1;</script></body></html>", encoding="utf-8")
    [result] = clean_path(source, tmp_path / "clean.html", Options(mode="keep-visible"), Config())
    assert result.ok and result.removed == {"inline JSON blocks": 1}
    assert "var x = 1;" in (tmp_path / "clean.html").read_text()
