"""Is a table aggregate (counts or rates by category) or row-level microdata (one row per person
or event)? Decided from a sample of rows, without any configuration.

- **aggregate**: some columns hold numbers and the combination of the other (label) columns is
  different on every row — each row is a cell of a cross-tabulation or a time series.
- **microdata**: a column identifies people (name, A-number…) or holds birth dates; or the label
  combination repeats from row to row (rows are records, not categories); or a column is a
  record key (an ID-like header with a different value on every row).
- otherwise **unknown** (a short list, a single column, free text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from spillguard.detect.columns import TableProfile, filled_columns
from spillguard.model import DIRECT_IDENTIFIERS, Entity

#: values published in place of a small count
SUPPRESSED = frozenset({"*", "**", "<5", "< 5", "<10", "< 10", "<11", "< 11", "<3", "x", "c", "s", "(s)",
                        "d", "(d)", "suppressed", "n<5", "n<10", "1-4", "1–4", "1-9", "1–9", "≤5", "≤10",
                        "[c]", "(c)", "[low]", "[d]", "[s]"})
#: values published in place of a number that is zero, not applicable or not available — the
#: shorthand of statistical tables (ONS [x] [z], US Census (X) (NA) (Z), Eurostat ':', '-' and '..')
NOT_AVAILABLE = frozenset({"-", "–", "—", "--", "..", "...", "…", ":", "n/a", "na", "n.a.", "(na)", "nd", "(nd)",
                           "[x]", "[z]", "[u]", "[w]", "(x)", "(z)", "z", "†", "‡", "#", "~"})
_NUMBER_CHARS = re.compile(r"[,\s%$€£]")
_ID_HEADER = re.compile(r"(?i)\b(id|identifier|record|case|booking|subject|person|row)\s*(no\.?|num(ber)?|#|id|key)?\b"
                        r"|\bid$|_id\b|#$")
_PERSON_ATTRIBUTE = re.compile(r"(?i)\b(sex|gender|age|birth|born|nationality|citizenship|country of (birth|"
                               r"citizenship)|race|ethnicity|marital|language|sexo|edad|nacionalidad)\b")
#: below this many sampled rows nothing is decided
MIN_ROWS = 2


@dataclass(slots=True)
class Shape:
    kind: str  # "aggregate" | "microdata" | "unknown"
    why: str
    #: numeric columns (indices), the label columns, and the count-like numeric columns
    numeric: list[int] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)


def numbers(col: pl.Series) -> pl.Series:
    """The column's values as floats (null when not a number); suppression markers are null."""
    return col.str.strip_chars().str.replace_all(_NUMBER_CHARS.pattern, "").cast(pl.Float64, strict=False)


def suppressed(col: pl.Series) -> pl.Series:
    return col.str.strip_chars().str.to_lowercase().is_in(list(SUPPRESSED)).fill_null(False)


def not_available(col: pl.Series) -> pl.Series:
    return col.str.strip_chars().str.to_lowercase().is_in(list(NOT_AVAILABLE)).fill_null(False)


#: headers of numbers that are no counts ("Number of …" and "No. of …" are counts; "A-Number" is not)
_NOT_COUNT = re.compile(r"(?i)rate|percent|%|share|ratio|average|mean|median|avg|per\s|year|fy\b|age\b|"
                        r"days?\b|length|duration|amount|cost|\$|usd|code|zip|postal|id\b|number\b(?!\s+of\b)|"
                        r"no\.(?!\s+of\b)|value|score|index|weight|price|rank|size|height|budget|spend")


_LABEL_NUMBER = re.compile(r"(?i)\b(year|fy|fiscal|month|quarter|code|zip|postal|age|fips|id)\b")


def _years(values: pl.Series) -> bool:
    v = values.drop_nulls()
    return not v.is_empty() and bool(((v >= 1900) & (v <= 2100) & (v == v.floor())).all())


def _is_count(header: str, values: pl.Series) -> bool:
    """Whole, non-negative numbers under a header that is not a rate, a year, an age or a code."""
    if _NOT_COUNT.search(header):
        return False
    v = values.drop_nulls()
    if v.is_empty() or (v < 0).any() or (v != v.floor()).any():
        return False
    return not _years(v)


def decide(headers: list[str], sample: pl.DataFrame, prof: TableProfile | None,
           layout: Shape | None = None) -> Shape:
    """The table's shape; ``layout`` is a shape already computed from the same sample without
    the profile (the profile only adds what identifies people)."""
    shape = layout if layout is not None else _layout(headers, sample)
    if prof is not None:
        ids = [c for c in prof.columns if c.entity in DIRECT_IDENTIFIERS]
        dob = [c for c in prof.columns if c.entity is Entity.DATE_OF_BIRTH]
        if ids:
            return Shape("microdata", f"column '{ids[0].header}' identifies people", shape.numeric, shape.labels,
                         shape.counts)
        if dob:
            return Shape("microdata", f"column '{dob[0].header}' holds birth dates", shape.numeric, shape.labels,
                         shape.counts)
    return shape


def _layout(headers: list[str], sample: pl.DataFrame) -> Shape:
    filled = filled_columns(sample, len(headers))
    numeric: list[int] = []
    counts: list[int] = []
    for i in filled:
        col = sample.get_column(f"c{i}")
        present = col.str.strip_chars().fill_null("") != ""
        n_present = int(present.sum())
        num = numbers(col)
        marked = int((suppressed(col) | not_available(col)).sum())
        share = (int(num.is_not_null().sum()) + marked) / max(n_present, 1)
        if share >= 0.9:
            numeric.append(i)
            if _is_count(headers[i], num):
                counts.append(i)
    # numbers that name a category (a year, a code, an age) are labels, not measures
    labels = [i for i in filled if i not in numeric or _LABEL_NUMBER.search(headers[i] or "")
              or _years(numbers(sample.get_column(f"c{i}")))]
    numeric = [i for i in numeric if i not in labels]
    # free text (notes, narratives) names no category
    labels = [i for i in labels if i in numeric or
              (sample.get_column(f"c{i}").str.len_chars().mean() or 0) <= 40]
    counts = [i for i in counts if i in numeric]
    rows = sample.height
    shape = Shape("unknown", "", numeric, labels, counts)
    if rows < MIN_ROWS or not filled:
        shape.why = f"only {rows} rows"
        return shape
    for i in filled:
        col = sample.get_column(f"c{i}").str.strip_chars()
        if _ID_HEADER.search(headers[i] or "") and col.n_unique() == rows and rows >= 10:
            shape.kind = "microdata"
            shape.why = f"column '{headers[i]}' is a record key (a different value on every row)"
            return shape
    if labels:
        tuples = sample.select([pl.col(f"c{i}").str.strip_chars() for i in labels])
        distinct = tuples.n_unique()
        if numeric and distinct == rows and any(headers[i] for i in numeric):  # a table has headers
            shape.kind = "aggregate"
            names = ", ".join(f"'{headers[i]}'" for i in labels[:3] if headers[i]) or "the label columns"
            shape.why = f"one row per category of {names}, with numbers in {len(numeric)} column(s)"
            return shape
        repeated = 1 - distinct / rows
        if repeated >= 0.1 and rows >= 10 and not counts:  # with counts, a repeated label is ambiguous
            shape.kind = "microdata"
            shape.why = f"{repeated:.0%} of rows repeat another row's labels: rows are records, not categories"
            return shape
        # fine-grained records are unique rows too: categorical columns describing people, no counts
        categorical = [i for i in labels if tuples.get_column(f"c{i}").n_unique() <= rows / 2]
        person = [i for i in categorical if _PERSON_ATTRIBUTE.search(headers[i] or "")]
        if not counts and rows >= 20 and len(categorical) >= 2 and person:
            shape.kind = "microdata"
            shape.why = (f"rows are records: '{headers[person[0]]}' and other columns repeat their values "
                         "from row to row, and nothing is counted")
            return shape
    elif numeric and len(numeric) >= 2:
        shape.why = "numbers only"
    return shape
