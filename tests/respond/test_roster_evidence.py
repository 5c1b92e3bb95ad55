"""Issue 33, rosters: a column's date order is decided from its own values (or asked), the
unparsed share is of the column's filled cells, and a person in rows that disagree is a conflict
listed and decided, never the last row silently."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spillguard.cli import app
from spillguard.respond.roster import RosterRefused, understand
from spillguard.respond.roster_read import date_order, parse_when
from spillguard.synth.people import people
from tests.respond.test_roster_import import HEADERS, write_csv

CROWD = list(people(30, seed=33))


def roster(removals: list[str], statuses: list[str] | None = None, crowd=CROWD) -> list[list[str]]:
    return [[f"A{p.a_number}", p.name, p.birth.isoformat(), "Spanish",
             (statuses or ["IN CUSTODY"] * len(removals))[i], "", removal]
            for i, (p, removal) in enumerate(zip(crowd, removals, strict=False))]


@pytest.mark.parametrize("values, order", [
    (["03/12/2022", "15/12/2022", ""], "dmy"), (["03/12/2022", "12/15/2022"], "mdy"),
    (["03/12/2022", "04/11/2022"], None), (["13/01/2022", "01/13/2022"], "mixed"),
    (["2022-12-03", "30.11.2022"], "dmy"), (["2022-12-03"], None)])
def test_a_column_s_date_order_comes_from_its_values(values: list[str], order: str | None) -> None:
    assert date_order(values) == order


def test_parse_when_reads_numeric_dates_in_the_column_s_order() -> None:
    assert parse_when("03/12/2022", dt.UTC, "dmy") == dt.datetime(2022, 12, 3, tzinfo=dt.UTC)
    assert parse_when("03/12/2022", dt.UTC, "mdy") == dt.datetime(2022, 3, 12, tzinfo=dt.UTC)
    assert parse_when("03/12/22 14:30", dt.UTC, "dmy") == dt.datetime(2022, 12, 3, 14, 30, tzinfo=dt.UTC)
    assert parse_when("31/02/2022", dt.UTC, "dmy") is None
    assert parse_when("2022-12-03T10:00:00-05:00", dt.UTC, "dmy").isoformat() == "2022-12-03T10:00:00-05:00"


def test_a_day_first_removal_column_is_read_day_first(tmp_path: Path) -> None:
    # removals scheduled in the coming weeks, written day-first: one value (15/12) settles it
    path = write_csv(tmp_path / "r.csv", roster(["03/12/2022", "15/12/2022", "05/12/2022", "", ""]))
    understood = understand(path, {})
    assert [r["_removal_date"][:10] for r in understood.rows] == ["2022-12-03", "2022-12-15", "2022-12-05", "", ""]
    assert "dates of 'REMOVAL_DATE': day-first (from its values)" in understood.lines()


def test_an_undecidable_column_is_asked_and_the_answer_is_taken(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", roster(["03/12/2022", "05/12/2022", "", ""]))
    with pytest.raises(RosterRefused, match=r"2 values of 'REMOVAL_DATE' \(removal_date\) such as 03/12/2022 read "
                                            r"both day-first and month-first.*--date-order removal_date=dmy"):
        understand(path, {})
    understood = understand(path, {}, date_orders={"removal_date": "dmy"})
    assert [r["_removal_date"][:10] for r in understood.rows][:2] == ["2022-12-03", "2022-12-05"]
    mixed = write_csv(tmp_path / "m.csv", roster(["13/01/2022", "01/13/2022"]))
    with pytest.raises(RosterRefused, match="day-first and others month-first"):
        understand(mixed, {})
    with pytest.raises(RosterRefused, match="can only be dmy"):
        understand(write_csv(tmp_path / "d.csv", roster(["15/12/2022"])), {}, date_orders={"removal_date": "mdy"})


def test_the_unparsed_share_is_of_the_column_s_filled_cells(tmp_path: Path) -> None:
    # 30 people, 2 removal dates filled, 1 of them no date: half the column, not 1 in 30
    path = write_csv(tmp_path / "r.csv", roster(["2022-12-03", "next week", *[""] * 28]))
    with pytest.raises(RosterRefused, match="1 of 2 values of 'REMOVAL_DATE'"):
        understand(path, {})


def test_a_person_in_rows_that_disagree_is_a_conflict_to_decide(tmp_path: Path) -> None:
    rows = roster(["", "", ""], ["IN CUSTODY", "IN CUSTODY", "IN CUSTODY"])
    older = list(rows[0])
    older[4] = "Released on Bond"  # an older row of the same person, later in the export
    same = list(rows[1])  # an exact repeat: nothing to decide
    path = write_csv(tmp_path / "r.csv", [*rows, older, same])
    with pytest.raises(RosterRefused, match=r"1 people appear in rows that disagree .*A-\d\*\*-\*\*\*-\d{3} "
                                            r"\(2 rows: in_custody / released\).*--duplicates"):
        understand(path, {})
    kept = understand(path, {}, duplicates="protective")
    assert [r["_category"] for r in kept.rows] == ["in_custody", "in_custody", "in_custody"]
    assert "1 people in rows that disagree: kept the protective row" in kept.lines()
    assert "1 rows repeat a person exactly (one kept)" in kept.lines()
    last = understand(path, {}, duplicates="last")
    assert sorted(r["_category"] for r in last.rows) == ["in_custody", "in_custody", "released"]


def test_cli_options_for_date_order_and_duplicates(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_csv(tmp_path / "r.csv", roster(["03/12/2022", ""]))
    runner = CliRunner()
    refused = runner.invoke(app, ["incident", "roster", str(path), "--db", str(tmp_path / "x.db")])
    assert refused.exit_code == 1 and "--date-order removal_date=dmy" in refused.output
    bad = runner.invoke(app, ["incident", "roster", str(path), "--date-order", "removal_date", "--db",
                              str(tmp_path / "x.db")])
    assert bad.exit_code == 2 and "expected FIELD=dmy or FIELD=mdy" in bad.output
    assert HEADERS[-1] == "REMOVAL_DATE"


def _named(names: list[str]) -> list[list[str]]:
    return [[f"A{p.a_number}", name, p.birth.isoformat(), "Portuguese", "IN CUSTODY", "", ""]
            for p, name in zip(CROWD, names, strict=False)]


def test_a_legacy_encoding_is_chosen_by_the_names_it_makes(tmp_path: Path) -> None:
    # Windows-1252 bytes that Windows-1250 would read as Joăo and Nadčge
    west = write_csv(tmp_path / "west.csv", _named(["João Silva", "Nadège Martin", "François Dupont", "Ana Lima"]),
                     encoding="cp1252")
    understood = understand(west, {})
    assert understood.encoding == "cp1252"
    assert [r["name"] for r in understood.rows][:3] == ["João Silva", "Nadège Martin", "François Dupont"]
    assert any(line.startswith("  encoding chosen by the names it makes") for line in understood.lines())
    # Windows-1250 bytes that Windows-1252 would read as Dvoøák
    east = write_csv(tmp_path / "east.csv", _named(["Jan Dvořák", "Eva Nováková", "Petr Svoboda"]),
                     encoding="cp1250")
    assert [r["name"] for r in understood.rows][:1] == ["João Silva"]
    assert understand(east, {}).rows[0]["name"] == "Jan Dvořák"


def test_readings_no_name_decides_are_asked_with_the_letters_they_differ_on(tmp_path: Path) -> None:
    # only ã: cp1252 ã and cp1250 ă fold to the same letter, so no known name tells them apart
    path = write_csv(tmp_path / "r.csv", _named(["João Silva", "Conceição Lima"]), encoding="cp1252")
    with pytest.raises(RosterRefused, match=r"reads as cp1252 or cp1250.*ã/ă 2.*--encoding cp1252 or "
                                            r"--encoding cp1250") as refused:
        understand(path, {})
    assert "João" not in str(refused.value) and "Conceição" not in str(refused.value)  # letters, never names
    assert understand(path, {}, encoding="cp1252").rows[1]["name"] == "Conceição Lima"


def test_title_rows_above_the_header_and_headers_in_the_notices_languages(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "exportacion.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Exportación del sistema de casos"])
    sheet.write_row(1, 0, ["Generado el 2022-12-01 08:00"])
    sheet.write_row(3, 0, ["Número A", "Nombre completo", "Fecha de nacimiento", "Idioma preferido",
                           "Estado de custodia", "Fecha de expulsión", "Dirección actual"])
    for i, p in enumerate(CROWD[:4]):
        sheet.write_row(4 + i, 0, [f"A{p.a_number}", p.name, p.birth.isoformat(), "Español",
                                   ["En custodia", "Liberado bajo fianza", "Deportado", "Detenido"][i],
                                   "2022-11-28" if i == 2 else "", "Calle 1, Ciudad"])
    book.close()
    understood = understand(path, {})
    assert understood.columns == {"a_number": "Número A", "name": "Nombre completo",
                                  "birth_date": "Fecha de nacimiento", "language": "Idioma preferido",
                                  "custody": "Estado de custodia", "removal_date": "Fecha de expulsión",
                                  "address": "Dirección actual"}
    assert [r["_category"] for r in understood.rows] == ["in_custody", "released", "removed", "in_custody"]
    assert "  skipped 3 row(s) above the header (a title)" in understood.lines()
    french = tmp_path / "export.csv"
    french.write_text("Numéro étranger;Nom complet;Date de naissance;Langue;Statut;Date d'expulsion\n"
                      + "".join(f"A{p.a_number};{p.name};{p.birth.isoformat()};Français;{s};{d}\n"
                                for p, s, d in zip(CROWD[4:7], ["Détenu", "Libéré", "Expulsé"],
                                                   ["", "", "29/11/2022"], strict=True)), encoding="utf-8")
    fr = understand(french, {})
    assert fr.columns["removal_date"] == "Date d'expulsion" and fr.columns["a_number"] == "Numéro étranger"
    assert [(r["_category"], r["_removal_date"][:10]) for r in fr.rows] == [
        ("in_custody", ""), ("released", ""), ("removed", "2022-11-29")]


@pytest.mark.parametrize("lang, text", [
    # CLDR puts a narrow no-break space before AM
    ("ht", "30 novanm 2022, 09:45 UTC−05:00"), ("en", "November 30, 2022, 9:45\u202fAM EST"),
    ("fr", "30 novembre 2022, 09:45 UTC−05:00"), ("pt", "30 de novembro de 2022, 09:45 UTC−05:00")])
def test_notice_times_are_written_in_the_language_with_their_zone(lang: str, text: str) -> None:
    from zoneinfo import ZoneInfo

    from spillguard.respond.languages import when

    assert when(dt.datetime(2022, 11, 30, 14, 45, tzinfo=dt.UTC), lang, ZoneInfo("America/New_York")) == text


def test_the_office_s_time_zone_is_kept_with_the_incident(tmp_path: Path, monkeypatch) -> None:
    from spillguard.respond.models import AuditEntry
    from spillguard.respond.store import Store
    from tests.respond.test_incident import PUBLISHED, REMOVED, URL, leaked

    monkeypatch.setenv("SPILLGUARD_INCIDENT_KEY", "zone-test-key")
    monkeypatch.chdir(tmp_path)
    file = leaked(tmp_path / "leak.xlsx", list(people(90, seed=5)))
    runner = CliRunner()
    db = str(tmp_path / "z.db")
    bad = runner.invoke(app, ["incident", "open", "z", "--file", str(file), "--url", URL, "--published-at",
                              PUBLISHED.isoformat(), "--timezone", "Mars/Olympus", "--db", db])
    assert bad.exit_code == 2 and "'Mars/Olympus' is not a time zone name" in bad.output
    opened = runner.invoke(app, ["incident", "open", "z", "--file", str(file), "--url", URL, "--published-at",
                                 PUBLISHED.isoformat(), "--removed-at", REMOVED.isoformat(),
                                 "--timezone", "America/New_York", "--db", db])
    assert opened.exit_code == 0, opened.output
    notices = runner.invoke(app, ["incident", "notices", "-o", str(tmp_path / "out"), "--no-pdf", "--db", db])
    assert notices.exit_code == 0, notices.output
    assert "times in America/New_York (the incident's)" in notices.output
    changed = runner.invoke(app, ["incident", "timezone", "America/Port-au-Prince", "--db", db])
    assert changed.exit_code == 0 and "(was America/New_York)" in changed.output
    with Store(db).session() as s:
        assert [(a.detail["old"], a.detail["new"]) for a in s.query(AuditEntry).filter_by(action="timezone")] == [
            ("America/New_York", "America/Port-au-Prince")]
    given = runner.invoke(app, ["incident", "notices", "-o", str(tmp_path / "out2"), "--no-pdf", "--timezone",
                                "UTC", "--db", db])
    assert "times in UTC (--timezone)" in given.output


def test_spreadsheet_day_numbers_are_read_in_the_system_the_user_names(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", roster(["44895", "44927", ""]))  # a workbook column saved as numbers
    with pytest.raises(RosterRefused, match=r"2 values of 'REMOVAL_DATE' \(removal_date\) are spreadsheet day "
                                            r"numbers .*--date-order removal_date=serial1900 or "
                                            r"--date-order removal_date=serial1904"):
        understand(path, {})
    windows = understand(path, {}, date_orders={"removal_date": "serial1900"})
    assert [r["_removal_date"][:10] for r in windows.rows] == ["2022-11-30", "2023-01-01", ""]
    mac = understand(path, {}, date_orders={"removal_date": "serial1904"})
    assert [r["_removal_date"][:10] for r in mac.rows][:1] == ["2026-12-01"]
    with pytest.raises(RosterRefused, match="holds no day numbers"):
        understand(write_csv(tmp_path / "d.csv", roster(["2022-11-30"])), {},
                   date_orders={"removal_date": "serial1900"})


def test_a_custody_value_with_its_date_gives_the_status_and_the_removal_date(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", roster(["", "", "", ""], ["Removed 11/29/22", "Deported on 12/15/2022",
                                                                   "Released 11/30/22", "IN CUSTODY"]))
    understood = understand(path, {})
    assert [(r["_category"], r["_removal_date"][:10]) for r in understood.rows] == [
        ("removed", "2022-11-29"), ("removed", "2022-12-15"), ("released", ""), ("in_custody", "")]
    assert '  3 custody value(s) carried a date ("Removed 11/29/22"): the status read, a removal\'s date taken ' \
           "as its removal date" in understood.lines()
