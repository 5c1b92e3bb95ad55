"""Issue 19, items 1 and 2: a roster export cannot be misread. Each shape case systems write
(underscore or camelCase headers, semicolons, UTF-16, Windows-1252, a workbook; date-times with
zones) gives the same exact register; what is not understood refuses the import with the store
unchanged; a re-import keeps a person's decisions and audits every change."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import func, select
from typer.testing import CliRunner

from spillguard.cli import app
from spillguard.config import Config
from spillguard.errors import UsageError
from spillguard.respond.models import Attorney, AuditEntry, Person
from spillguard.respond.roster import RosterRefused, match_roster, set_hold, understand
from spillguard.respond.roster_read import fold, language_code
from tests.respond.test_roster import NOTICE, setup  # noqa: F401 (the fixture)

HEADERS = ["A_NUMBER", "FULL_NAME", "DATE_OF_BIRTH", "PREFERRED_LANGUAGE", "CUSTODY_STATUS", "ATTORNEY_NAME",
           "REMOVAL_DATE"]
LANGS = ["Haitian Creole", "spa", "Mandarin", "pt-BR", "RUSSIAN", "ar", "French", "English", "Tigrinya", ""]


def rows_for(with_a) -> list[list[str]]:
    """Forty people: removals by the minute around the window (published 09:45, removed 14:04
    at UTC-5), statuses in the vocabulary's words, languages as names and codes."""
    out = []
    for i, p in enumerate(with_a[:40]):
        removal = {0: "2022-11-30T09:30:00-05:00",  # a quarter hour before publication
                   1: "2022-11-30 10:00",  # during (the roster's zone: --timezone)
                   2: "2022-11-30T19:30:00Z",  # 14:30 at UTC-5: after removal, before the notices
                   3: "28-Nov-2022"}.get(i, "")
        status = {0: "REMOVED", 1: "REMOVED", 2: "REMOVED", 3: "REMOVED", 4: "REMOVED", 5: "BOND DENIED",
                  6: "NOT RELEASED", 7: "Released on Bond", 8: "ATD"}.get(i, "IN CUSTODY")
        out.append([f"A{p.a_number}", p.name, p.birth.isoformat(), LANGS[i % len(LANGS)], status,
                    "Ana Ruiz" if i % 2 else "", removal])
    return out


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8",
              headers: list[str] = HEADERS) -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


EXPECTED = {"removed_before_exposure": 2, "removed_during_exposure": 1, "removed_before_notice": 1,
            "removed_date_unknown": 1, "released": 2, "hold": 33}


def register(store) -> tuple[Counter, Counter]:
    with store.session() as s:
        people = [p for p in s.scalars(select(Person)) if p.hold_status]
        return Counter(p.hold_status for p in people), Counter(p.language for p in people)


def test_header_folding() -> None:
    assert {fold(h) for h in ("FULL_NAME", "Full Name", "fullName", "full-name", " Full  Name ")} == {"full name"}
    assert [language_code(v) for v in ("Haitian Creole", "spa", "Mandarin", "pt-BR", "RUSSIAN", "Tigrinya", "Xyzzy")] \
        == ["ht", "es", "zh", "pt", "ru", "ti", None]


@pytest.mark.parametrize("shape", ["underscores", "camelCase", "semicolon", "tab", "utf-16", "cp1252", "xlsx"])
def test_every_export_shape_gives_the_same_register(setup, tmp_path: Path, shape: str) -> None:  # noqa: F811
    store, _, _, with_a, _ = setup
    rows = rows_for(with_a)
    path = tmp_path / "roster.csv"
    if shape == "camelCase":
        write_csv(path, rows, headers=["aNumber", "fullName", "dateOfBirth", "preferredLanguage", "custodyStatus",
                                       "attorneyName", "removalDate"])
    elif shape in ("semicolon", "tab"):
        write_csv(path, rows, delimiter=";" if shape == "semicolon" else "\t")
    elif shape == "utf-16":
        write_csv(path, rows, encoding="utf-16")
    elif shape == "cp1252":
        write_csv(path, rows, encoding="cp1252")
    elif shape == "xlsx":
        path = tmp_path / "roster.xlsx"
        wb = xlsxwriter.Workbook(path)
        ws = wb.add_worksheet("Export")
        for r, row in enumerate([HEADERS, *rows]):
            ws.write_row(r, 0, row)
        wb.close()
    else:
        write_csv(path, rows)
    understood = understand(path, {}, zone=dt.timezone(dt.timedelta(hours=-5)))
    assert set(understood.columns) == {"a_number", "name", "birth_date", "language", "custody", "attorney_name",
                                       "removal_date"}
    result = match_roster(store, None, understood, {}, None, Config(), notice=NOTICE)
    assert result.matched == 40
    statuses, languages = register(store)
    assert statuses == EXPECTED
    assert languages == {"ht": 4, "es": 4, "zh": 4, "pt": 4, "ru": 4, "ar": 4, "fr": 4, "en": 4, "ti": 4, None: 4}
    with store.session() as s:
        names = {p.name for p in s.scalars(select(Person)) if p.name}
    assert {p.name for p in with_a[:40]} == names  # accents intact in every encoding


def test_refusals_leave_the_store_unchanged(setup, tmp_path: Path) -> None:  # noqa: F811
    store, _, _, with_a, _ = setup
    rows = rows_for(with_a)
    rows[9][4] = "PENDING REVIEW"
    path = write_csv(tmp_path / "roster.csv", rows)
    with pytest.raises(RosterRefused, match="'PENDING REVIEW' \\(1\\)"):
        match_roster(store, None, path, {}, None, Config(), notice=NOTICE)
    assert register(store) == (Counter(), Counter())
    # mapped explicitly, it is understood
    understood = understand(path, {}, {"Pending review": "in_custody"})
    assert understood.statuses["in_custody"] == 33

    rows = rows_for(with_a)
    for row in rows[:3]:
        row[6] = "next Tuesday"
    with pytest.raises(RosterRefused, match="3 of 4 values of 'REMOVAL_DATE'"):
        understand(write_csv(tmp_path / "dates.csv", rows), {})
    with pytest.raises(RosterRefused, match="no A-number or name column"):
        understand(write_csv(tmp_path / "none.csv", [["x"]], headers=["Facility"]), {})
    with pytest.raises(UsageError, match="--map anumber: no such roster field"):
        understand(path, {"anumber": "A_NUMBER"})


def test_the_cli_prints_what_it_understood_and_refuses_with_exit_1(setup, tmp_path: Path) -> None:  # noqa: F811
    store, _, _, with_a, _ = setup
    rows = rows_for(with_a)
    rows[0][4] = "IN LIMBO"
    path = write_csv(tmp_path / "roster.csv", rows)
    db = str(store.engine.url).removeprefix("sqlite:///")
    result = CliRunner().invoke(app, ["incident", "roster", str(path), "--db", db])
    assert result.exit_code == 1
    assert "'FULL_NAME' → name" in result.stdout and "'IN LIMBO' (1)" in result.stdout
    assert register(store) == (Counter(), Counter())
    rows[0][4] = "REMOVED"
    result = CliRunner().invoke(app, ["incident", "roster", write_csv(path, rows).as_posix(), "--db", db,
                                      "--timezone", "America/New_York", "--notice-date", NOTICE.isoformat()])
    assert result.exit_code == 0, result.stdout
    assert "40 affected people matched" in result.stdout
    assert register(store)[0] == EXPECTED


def test_a_re_import_keeps_decisions_and_audits_changes(setup, tmp_path: Path) -> None:  # noqa: F811
    store, _, _, with_a, _ = setup
    rows = rows_for(with_a)
    path = write_csv(tmp_path / "roster.csv", rows)
    zone = dt.timezone(dt.timedelta(hours=-5))
    match_roster(store, None, understand(path, {}, zone=zone), {}, None, Config(), notice=NOTICE)
    with store.session() as s:
        keys = {p.name: p.key for p in s.scalars(select(Person)) if p.name}
    set_hold(store, None, keys[with_a[10].name][:16], "lifted", "reviewed: no risk on return")
    rows[10][4] = "REMOVED"  # the case system now says removed (no date), and another person released
    rows[11][4] = "RELEASED"
    match_roster(store, None, understand(write_csv(path, rows), {}, zone=zone), {}, None, Config(), notice=NOTICE,
                 actor="priya")
    with store.session() as s:
        by_name = {p.name: p for p in s.scalars(select(Person)) if p.name}
        assert by_name[with_a[10].name].hold_status == "lifted"  # the person's decision stands
        assert by_name[with_a[11].name].hold_status == "released"
        assert s.scalar(select(func.count()).select_from(Attorney)) == 1  # not duplicated
        audit = [(a.action, a.actor, a.detail.get("old"), a.detail.get("new") or a.detail.get("roster"))
                 for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
                 if a.action in ("hold", "hold-kept", "hold-change")]
    assert audit[0][0] == "hold" and audit[0][2:] == ("hold", "lifted")
    assert ("hold-kept", "priya", "lifted", "removed_date_unknown") in audit
    assert ("hold-change", "priya", "hold", "released") in audit


def test_bad_input_is_a_clear_error_and_writes_nothing(setup, tmp_path: Path) -> None:  # noqa: F811
    store, _, _, _, _ = setup
    binary = tmp_path / "export.csv"
    binary.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(UsageError, match=r"export\.csv: not a roster"):
        understand(binary, {})
    good = tmp_path / "good.xlsx"
    wb = xlsxwriter.Workbook(good)
    wb.add_worksheet().write_row(0, 0, HEADERS)
    wb.close()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:900])
    with pytest.raises(UsageError, match=r"cut\.xlsx: the workbook cannot be read"):
        understand(cut, {})
    db = str(store.engine.url).removeprefix("sqlite:///")
    result = CliRunner().invoke(app, ["incident", "roster", str(binary), "--db", db])
    assert result.exit_code == 2 and "not a roster" in result.output
    assert register(store) == (Counter(), Counter())
