"""Issue 22, item 2: the faster paths of the column profile give the same answers as the plain
ones — slices of a batch matched on threads, columns tested once per distinct value, the
classification the disclosure check already made, A-numbers normalised without a regex on every
value, name lexicons loaded from the cache folder. Every input is built here (seeded)."""

from __future__ import annotations

import random

import polars as pl
import pytest

from spillguard.detect import columns, lexicon
from spillguard.detect.a_number import ANumber
from spillguard.detect.base import digits
from spillguard.model import Location, Table, Visibility
from spillguard.synth.people import people

HEADERS = ["Name", "A-Number", "Date of Birth", "Country of Citizenship", "Facility", "Notes"]


def _frame(n: int, seed: int = 22) -> pl.DataFrame:
    rng = random.Random(seed)
    crowd = list(people(n, seed=seed))
    rows = {
        "c0": [p.name if i % 97 else "" for i, p in enumerate(crowd)],  # a few blank names
        "c1": [p.a_number_as(i) if i % 89 else None for i, p in enumerate(crowd)],  # all written forms
        "c2": [p.birth.isoformat() for p in crowd],
        "c3": [p.country for p in crowd],
        "c4": [p.facility for p in crowd],
        "c5": [rng.choice(["", "transfer pending", "medical", None]) for _ in crowd],
    }
    return pl.DataFrame(rows, schema={k: pl.Utf8 for k in rows})


def _profile(frame: pl.DataFrame, batch: int) -> columns.TableProfile:
    batches = iter([frame.slice(k, batch) for k in range(0, frame.height, batch)])
    return columns.profile(Table(Location("roster.csv"), Visibility.VISIBLE, HEADERS, batches))


def _facts(prof: columns.TableProfile) -> list[tuple[object, ...]]:
    return [(prof.rows, prof.cells, prof.people),
            *[(c.index, c.entity.value, c.matches, c.non_empty, tuple(c.samples)) for c in prof.columns]]


def test_slices_on_threads_count_what_one_thread_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _frame(70_000)
    monkeypatch.setattr(columns, "_cores", lambda: 1)
    assert columns._pieces(70_000) == [(0, 70_000)]
    alone = _facts(_profile(frame, 70_000))
    monkeypatch.setattr(columns, "_cores", lambda: 4)
    assert columns._pieces(70_000) == [(0, 35_000), (35_000, 35_000)]  # slices of 32,768 rows at least
    assert _facts(_profile(frame, 70_000)) == alone
    # every row is a person but the 9 rows with neither a name nor an A-number (every 97 × 89th)
    assert alone[0] == (70_000, 70_000 * 5 - 722 - 787 + sum(1 for v in frame["c5"] if v), 70_000 - 9)
    assert [f[:2] for f in alone[1:]] == [(0, "PERSON_NAME"), (1, "A_NUMBER"), (2, "DATE_OF_BIRTH"),
                                           (3, "NATIONALITY"), (4, "FACILITY")]


def test_columns_of_repeated_values_are_tested_once_per_value() -> None:
    frame = _frame(40_000)
    days = frame["c2"]
    assert days.n_unique() * 2 <= days.len()  # birth dates repeat ...
    assert columns._repeats(days) is True
    assert columns._repeats(frame["c1"].fill_null("")) is False  # ... A-numbers never do
    assert columns._repeats(frame["c3"]) is True  # countries: the first rows already repeat
    for index, detector in ((2, "DATE_OF_BIRTH"), (3, "NATIONALITY")):
        det = next(d for d in columns.DETECTORS if d.entity.value == detector)
        values = frame[f"c{index}"]
        assert columns._match(det, values, True).equals(det.match(values, True).fill_null(False))


def test_the_profile_reuses_the_classification_made_on_the_same_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _frame(3_000)
    made = columns.classify(HEADERS, frame.head(columns.SAMPLE_ROWS))
    calls: list[int] = []
    monkeypatch.setattr(columns, "classify", lambda *a: calls.append(1) or made)
    table = Table(Location("roster.csv"), Visibility.VISIBLE, HEADERS, iter([frame]))
    prof = columns.profile(table, known=lambda batch: made if batch is frame else None)
    assert calls == [] and [c.entity.value for c in prof.columns] == [c.entity.value for c in made]
    other = Table(Location("roster.csv"), Visibility.VISIBLE, HEADERS, iter([frame.clone()]))
    columns.profile(other, known=lambda batch: made if batch is frame else None)  # another batch: classified
    assert calls == [1]


def test_a_numbers_normalise_as_the_general_rule_does() -> None:
    values = pl.Series(["A123456789", "a 12-345-678", " A#123456789 ", "12345678", "A-234-567-890", None, "",
                        "AA12", "a12345678b", "A 123 456 789", "Ａ123456789", "A٢٣٤٥٦٧٨٩٠"])
    assert ANumber().normalize(values).to_list() == digits(values).str.zfill(9).to_list()


def test_name_lexicons_come_from_the_cache_folder_and_survive_a_bad_one(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SPILLGUARD_CACHE_DIR", str(tmp_path))
    built = lexicon.surnames.__wrapped__.__wrapped__()  # what the data files give, no cache
    lexicon.surnames.cache_clear()
    assert lexicon.surnames() == built
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [f"lexicon-surnames-{lexicon._stamp()}.marshal"]
    (tmp_path / files[0]).write_bytes(b"\x00not marshal")  # damaged: rebuilt, never an error
    lexicon.surnames.cache_clear()
    assert lexicon.surnames() == built
    lexicon.surnames.cache_clear()
    monkeypatch.setenv("SPILLGUARD_CACHE_DIR", str(tmp_path / "file" / "below-a-file"))
    (tmp_path / "file").write_text("not a folder")  # cannot be written: built in memory
    assert lexicon.surnames() == built
    lexicon.surnames.cache_clear()


def test_dates_parse_as_before_when_formats_are_ranked_in_one_query() -> None:
    """Formats that parse none of a short column are not tried on it; a long column still tries
    every format on what is left (its sample is not all of it)."""
    from spillguard.detect.date_of_birth import _DATE_FORMATS, parse_dates

    def plain(values: pl.Series) -> list[object]:  # every format on every value, first hit wins
        out = []
        for v in values.to_list():
            got = None
            for fmt in _DATE_FORMATS:
                got = pl.Series([v]).str.strip_chars().str.to_date(fmt, strict=False)[0] if v else None
                if got is not None:
                    break
            out.append(got)
        return out

    short = pl.Series(["1990-03-04", "04/03/1990", "3 March 1990", "March 3, 1990", "12,345,678", "n/a", None,
                       "", "31.12.1985", "1,234"])
    assert parse_dates(short).to_list() == plain(short)
    long = pl.Series(["1,234"] * 300 + ["1990-03-04", "31.12.1985", "March 3, 1990"])  # dates after the sample
    assert parse_dates(long).to_list()[-3:] == plain(long[-3:]) and parse_dates(long).null_count() == 300
