"""spillguard clean on JSON, JSON lines and XML: identifying values blanked with their keys as
context, structure and other values kept, XML comments removed."""

from __future__ import annotations

import json
from pathlib import Path

from spillguard.clean import Options, clean_path
from spillguard.config import Config
from spillguard.synth.people import Person
from tests.formats.test_xml import export


def test_json_records(tmp_path: Path, roster: list[Person]) -> None:
    doc = {"report": "FY24", "detainees": [{"name": p.name, "aNumber": p.a_number, "country": p.country,
                                             "count": 1} for p in roster[:15]]}
    source = tmp_path / "data.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    [result] = clean_path(source, tmp_path / "clean.json", Options(), Config())
    assert result.ok and result.rescan.findings == [], [f.title for f in result.rescan.findings]
    cleaned = json.loads((tmp_path / "clean.json").read_text())
    assert cleaned["report"] == "FY24"
    assert cleaned["detainees"][0] == {"name": "[removed]", "aNumber": "[removed]", "country": roster[0].country,
                                       "count": 1}


def test_ndjson(tmp_path: Path, roster: list[Person]) -> None:
    source = tmp_path / "data.ndjson"
    source.write_text("".join(json.dumps({"full_name": p.name, "dob": p.birth.isoformat()}) + "\n"
                              for p in roster[:12]), encoding="utf-8")
    [result] = clean_path(source, tmp_path / "clean.ndjson", Options(), Config())
    assert result.ok and result.rescan.findings == []
    first = json.loads((tmp_path / "clean.ndjson").read_text().splitlines()[0])
    assert first == {"full_name": "[removed]", "dob": "[removed]"}


def test_xml(tmp_path: Path, roster: list[Person]) -> None:
    source = tmp_path / "export.xml"
    source.write_bytes(export(roster, 20, comment=f"exported for {roster[40].name}"))
    [result] = clean_path(source, tmp_path / "clean.xml", Options(), Config())
    # names and A-numbers are gone; the re-scan still says the rows are rare by citizenship (medium)
    assert result.ok and [f.rule for f in result.rescan.findings] == ["SG305"]
    assert result.removed["XML comments"] == 1
    xml = (tmp_path / "clean.xml").read_text()
    assert "<title>Detention statistics</title>" in xml and roster[0].family not in xml
    assert f"<citizenship>{roster[0].country}</citizenship>" in xml
