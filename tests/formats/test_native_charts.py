"""Native charts in Word and PowerPoint files: read as chart caches (categories and series, titles),
never refused. A drawn chart shows what it caches (visible); a chart part nothing draws is a
chart cache, hidden. Charts are built by python-pptx (a real writer); the Word one carries the
chart part python-pptx wrote, related from the document as Word relates it."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from spillguard.synth.docx import Memo
from spillguard.synth.people import Person
from tests.helpers import scan_one, summary, write

FACILITIES = ["Port Isabel SPC", "Otay Mesa Detention Center", "Krome North SPC", "Pine Prairie ICE Processing Center"]


def deck(categories: list[str], series: str, values: list[int]) -> bytes:
    p = Presentation()
    slide = p.slides.add_slide(p.slide_layouts[5])
    slide.shapes.title.text = "Book-ins by facility, FY2024"
    data = CategoryChartData()
    data.categories = categories
    data.add_series(series, values)
    chart = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(1), Inches(1), Inches(6), Inches(4), data)
    chart.chart.has_title = True
    chart.chart.chart_title.text_frame.text = "Book-ins FY2024"
    out = io.BytesIO()
    p.save(out)
    return out.getvalue()


def rewrite(package: bytes, change: dict[str, bytes | None]) -> bytes:
    """``package`` with parts replaced (bytes) or removed (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in change:
                continue
            dst.writestr(info, src.read(info.filename))
        for name, data in change.items():
            if data is not None:
                dst.writestr(name, data)
    return out.getvalue()


def people_chart(roster: list[Person]) -> bytes:
    """Twelve bars, one a person (the roster's first twelve hold José Tzul twice: a name is no key,
    so twelve records)."""
    return deck([p.name for p in roster[:12]], "Days in detention", list(range(30, 42)))


def test_a_chart_of_counts_by_facility_passes(tmp_path: Path) -> None:
    report = scan_one(write(tmp_path, "stats.pptx", deck(FACILITIES, "Book-ins", [120, 340, 88, 51])))
    assert report.errors == []
    # the cache is listed at info (issue 30: nothing hidden from the publisher), nothing more
    assert [(f.rule, f.severity.label) for f in report.findings if "charts/" in (f.location.part or "")] == [
        ("SG109", "info")]
    assert report.decision == "pass"


def test_a_drawn_chart_of_people_is_personal_data_in_plain_view(tmp_path: Path, roster: list[Person]) -> None:
    report = scan_one(write(tmp_path, "stats.pptx", people_chart(roster)))
    chart = [f for f in report.findings if f.location.part == "ppt/charts/chart1.xml"]
    assert [(f.rule, f.visibility.value, tuple(e.value for e in f.entities), f.records) for f in chart] \
        == [("SG203", "visible", ("PERSON_NAME",), 12), ("SG302", "visible", (), 12),
            ("SG109", "chart_cache", (), None)]
    assert report.errors == [] and report.decision == "block"


def test_a_chart_part_no_slide_draws_is_a_hidden_chart_cache(tmp_path: Path, roster: list[Person]) -> None:
    package = people_chart(roster)
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        rels = z.read("ppt/slides/_rels/slide1.xml.rels").decode()
    orphan = re.sub(r'<Relationship [^>]*charts/chart1\.xml"/>', "", rels)
    package = rewrite(package, {"ppt/slides/_rels/slide1.xml.rels": orphan.encode()})
    report = scan_one(write(tmp_path, "stats.pptx", package))
    chart = [f for f in report.findings if f.location.part == "ppt/charts/chart1.xml"]
    # its titles (no one named in them), then its table
    assert [(f.rule, f.visibility.value, f.records) for f in chart] == [
        ("SG109", "chart_cache", None), ("SG204", "chart_cache", 12)]
    assert chart[1].severity.name == "HIGH"


def test_a_word_report_with_a_native_chart_is_read(tmp_path: Path, roster: list[Person]) -> None:
    with zipfile.ZipFile(io.BytesIO(people_chart(roster))) as z:
        chart = z.read("ppt/charts/chart1.xml")
    memo = Memo()
    memo.para("Quarterly detention statistics: 1,204 book-ins.")
    docx = memo.to_bytes()
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        rels = z.read("word/_rels/document.xml.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    rel = ('<Relationship Id="rIdChart1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'chart" Target="charts/chart1.xml"/>')
    over = ('<Override PartName="/word/charts/chart1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>')
    rels = rels.replace("</Relationships>", rel + "</Relationships>")
    docx = rewrite(docx, {"word/charts/chart1.xml": chart, "word/_rels/document.xml.rels": rels.encode(),
                          "[Content_Types].xml": types.replace("</Types>", over + "</Types>").encode()})
    report = scan_one(write(tmp_path, "report.docx", docx))
    assert report.errors == []
    assert summary(report) == [("SG109", "chart_cache", (), None), ("SG203", "visible", ("PERSON_NAME",), 12),
                               ("SG302", "visible", (), 12)]
    assert {f.location.part for f in report.findings} == {"word/charts/chart1.xml"}
