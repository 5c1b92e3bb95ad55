"""Issue 18, item 3, for PDF: ``visible`` means a person looking at the page sees it. Text in a
layer switched off, outside the crop box, clipped away or too small to read, and form fields
flagged hidden are reported in those places, not as plain view."""

from __future__ import annotations

from pathlib import Path

from spillguard.synth.pdf import Pdf
from spillguard.synth.people import Person
from tests.helpers import scan_one, write


def line(p: Person) -> str:
    return f"{p.name} {p.a_number_as(0)} born {p.birth:%m/%d/%Y}"


def places(report) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return sorted((f.rule, f.severity.label, f.visibility.value, tuple(sorted(e.value for e in f.entities)))
                  for f in report.findings)


LINKED = ("A_NUMBER", "DATE_OF_BIRTH", "PERSON_NAME")


def test_text_in_a_layer_switched_off(tmp_path: Path, roster: list[Person]) -> None:
    pdf = Pdf()
    pdf.layers = {"Draft": False, "Final": True}
    page = pdf.page().text(72, 720, "Detention statistics, fiscal year 2024")
    page.in_layer("Draft", 72, 600, line(roster[0]))
    page.in_layer("Final", 72, 560, "Prepared by the statistics unit")
    report = scan_one(write(tmp_path, "stats.pdf", pdf.to_bytes()))
    assert places(report) == [("SG211", "critical", "layer_off", LINKED)]


def test_a_layer_that_is_on_is_plain_view(tmp_path: Path, roster: list[Person]) -> None:
    pdf = Pdf()
    pdf.layers = {"Final": True, "Draft": False}
    pdf.page().in_layer("Final", 72, 600, line(roster[0]))
    report = scan_one(write(tmp_path, "stats.pdf", pdf.to_bytes()))
    assert places(report) == [("SG209", "high", "visible", LINKED)]


def test_text_outside_the_crop_box(tmp_path: Path, roster: list[Person]) -> None:
    pdf = Pdf()
    page = pdf.page().text(72, 720, "Detention statistics, fiscal year 2024")
    page.text(72, 100, line(roster[0]))
    page.crop = (0, 300, 612, 792)  # the bottom of the page is cut off
    report = scan_one(write(tmp_path, "stats.pdf", pdf.to_bytes()))
    assert places(report) == [("SG211", "critical", "outside_page", LINKED)]


def test_text_clipped_away(tmp_path: Path, roster: list[Person]) -> None:
    pdf = Pdf()
    page = pdf.page().text(72, 720, "Detention statistics, fiscal year 2024")
    page.op("q 0 700 612 92 re W n")  # only the top band of the page is painted
    page.text(72, 400, line(roster[0]))
    page.op("Q")
    page.op("q 0 0 612 792 re W n")  # a clip path that shows its text
    page.text(72, 650, "Prepared by the statistics unit")
    page.op("Q")
    report = scan_one(write(tmp_path, "stats.pdf", pdf.to_bytes()))
    assert places(report) == [("SG211", "critical", "outside_page", LINKED)]


def test_text_too_small_to_read(tmp_path: Path, roster: list[Person]) -> None:
    pdf = Pdf()
    pdf.page().text(72, 720, "Detention statistics, fiscal year 2024").text(72, 600, line(roster[0]), size=0.5)
    report = scan_one(write(tmp_path, "stats.pdf", pdf.to_bytes()))
    assert places(report) == [("SG211", "critical", "camouflaged", LINKED)]


def test_hidden_form_fields(tmp_path: Path, roster: list[Person]) -> None:
    pdf = Pdf()
    pdf.page().text(72, 720, "Request form")
    pdf.fields = {"Office": "Newark field office"}
    pdf.hidden_fields = {"Subject": line(roster[0])}
    report = scan_one(write(tmp_path, "form.pdf", pdf.to_bytes()))
    assert places(report) == [("SG211", "critical", "hidden_field", LINKED)]
