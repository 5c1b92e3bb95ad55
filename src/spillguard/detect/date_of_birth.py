"""Dates of birth: parsed in any common written form; in text only near birth words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import polars as pl

from spillguard.detect.base import Detector, Span, fold_header
from spillguard.detect.doc import Doc
from spillguard.mask import mask_date
from spillguard.model import Entity

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%d-%m-%Y",
                 "%m-%d-%Y", "%d %b %Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y")


#: what every format above has: digits, a separator, more, a separator, digits (a quick pre-check)
_DATE_SHAPE = r"\d[-/. ,]+\S+[-/. ,]+\d|\p{L}[-/. ,]+\d+,?[-/. ,]+\d"


#: values the formats are ranked on
_SAMPLE = 200


def parse_dates(values: pl.Series) -> pl.Series:
    """Dates in any common written form (ISO date-times too) → pl.Date, else null.

    The format that parses most of a sample is tried on every value; the others only on the
    values still unparsed (a column is almost always written in one format).
    """
    v = values.str.strip_chars()
    shaped = v.str.contains(_DATE_SHAPE).fill_null(False)
    if not shaped.any():  # no value has the shape of any of the formats
        return pl.Series(values.name, [None] * len(values), dtype=pl.Date)
    if v.str.contains(":", literal=True).any():
        v = v.str.replace(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2})?.*$", "$1")
    sample = v.drop_nulls().head(_SAMPLE).alias("v").to_frame()
    # every format tried on the sample in one query (a many-sheet workbook has thousands of columns)
    parsed = sample.select(pl.col("v").str.to_date(f, strict=False).is_not_null().sum().alias(str(k))
                           for k, f in enumerate(_DATE_FORMATS)).row(0)
    ranked = sorted(zip(parsed, _DATE_FORMATS, strict=True), key=lambda pair: -pair[0])
    out = v.str.to_date(ranked[0][1], strict=False)
    whole = len(v) - v.null_count() <= _SAMPLE  # the sample is every value
    for hits, fmt in ranked[1:]:
        if whole and hits == 0:  # parsed none of the values: none of those left either (the rest rank lower)
            break
        missing = out.is_null() & shaped  # a value without the shape parses in no format
        if not missing.any():
            break
        idx = missing.arg_true()
        out = out.scatter(idx, v.gather(idx).str.to_date(fmt, strict=False))
    return out


#: Excel's day zero (serials count from it; 1900's false leap day is before any birth date)
_EXCEL_EPOCH = date(1899, 12, 30)


def serial_dates(values: pl.Series) -> pl.Series:
    """Excel date serials (``32874``, ``32874.0``: days since 1899-12-30) → pl.Date, else null.
    Only where a header says the column holds dates: a bare number is no date."""
    v = values.cast(pl.Utf8).str.strip_chars()
    days = v.str.extract(r"^(\d{3,5})(?:\.0*)?$", 1).cast(pl.Int64, strict=False)
    return pl.select(pl.lit(_EXCEL_EPOCH, dtype=pl.Date) + pl.duration(days=days)).to_series().alias(values.name)


#: a month's name in any script (the birth words before it say the date is one)
_MONTH = r"[^\W\d_]{2,10}\.?"
#: dates as prose writes them: ISO, numeric, "3 March 1990", "March 3, 1990", "3 de marzo de 1990",
#: "20 januari 1925", "3 марта 1990 г.", "1990年3月4日"
_TEXT_DATE = (r"\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}\s?年\s?\d{1,2}\s?月\s?\d{1,2}\s?日"
              rf"|\d{{1,2}}(?:er)?\s+(?:de\s+)?{_MONTH}\s+(?:de\s+)?\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}")
#: where a birth sentence names the place first: "born in Lagos on", "geboren te Borgloon op",
#: "né à Dakar le", "nacido en Quito el", "nascida em Luanda em"
_PLACE = r"(?:\s+(?:in|at|te|à|a|en|em|au|aux|nan|в|во)\s+[^\W\d_][^\d\n;:]{0,40}?)?"


#: a header that names another event's date ("Resignation Date", "date of death", "term start")
_OTHER_DATE = re.compile(r"\b(?:resign\w*|death|died|deceased|hire[d]?|start\w*|end(?:ed|s)?|term|filed|filing|"
                         r"report(?:ed)?|release[d]?|book(?:ed|ing|in)?|arrest\w*|admi\w*|entry|exit|depart\w*|"
                         r"removal|removed|incident|election|vote[d]?|issue[d]?|expir\w*|creat\w*|modif\w*|"
                         r"updat\w*|receiv\w*|sent|due|payment|invoice|defuncion|ingreso|salida)\b")


class DateOfBirth(Detector):
    """A date column whose header says birth, or whose values look like a population's births.

    Without a header, plain dates are not birth dates unless they spread over decades with a
    plausible median age: book-in dates and report dates cluster within a few years.
    """

    entity = Entity.DATE_OF_BIRTH
    needs_digit = True
    header_terms = ("dob", "d o b", "date of birth", "birth date", "birthdate", "birthday", "born",
                    "fecha de nacimiento", "fecha nacimiento", "f nacimiento", "nacimiento",
                    "date de naissance", "birth", "fec nac", "fnac", "data de nascimento", "geboortedatum",
                    "geburtsdatum", "дата рождения", "出生日期", "出生年月", "تاريخ الميلاد")
    header_excludes = ("country of birth", "place of birth", "birth country", "pais de nacimiento",
                       "lugar de nacimiento", "birth place", "birthplace")
    _ctx = re.compile(
        r"(?i)(?:\b(?:born|geboren|geb\.|n[ée]e?|nacid[oa]|nascid[oa]|f[eè]t|родил(?:ся|ась)|урожен(?:ец|ка))"
        rf"{_PLACE}(?:,?\s+(?:on|op|am|le|el|em|a|the|в))?"
        r"|\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|fecha\s+de\s+nacimiento"
        r"|f\.?\s?nac\.?|date\s+de\s+naissance|data\s+de\s+nascimento|geboortedatum|geburtsdatum"
        r"|dat\s+nesans|дата\s+рождения)|出生日期|出生于|出生|تاريخ\s+الميلاد)"
        # a key's closing bracket or quote, then ':', '=' or '-' (``[DOB] = '…'``, ``"dob": "…"``)
        r"[\]\)\"'`]?\s*(?:[:=\-：]|\bis\b)?\s*[\"'`]?\s*(?:on\s+|el\s+)?"
        rf"({_TEXT_DATE})"
    )

    def share_needed(self, header: str, header_hit: bool) -> float:
        folded = fold_header(header)
        if not header_hit and _OTHER_DATE.search(folded):
            # "Resignation Date", "date of death", "term start": the header names another event
            return 2.0
        return super().share_needed(header, header_hit)

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        d = parse_dates(values)
        if header_hit:  # a birth header over numbers: Excel date serials with no style to say so
            d = d.fill_null(serial_dates(values))
        today = date.today()
        return d.is_not_null() & (d <= today) & (d.dt.year() >= today.year - 110)

    def column_ok(self, values: pl.Series, matched: pl.Series, header_hit: bool, header: str = "") -> bool:
        if header_hit:
            return True
        d = parse_dates(values.filter(matched)).drop_nulls()
        if len(d) < self.min_matches_without_header:
            return False
        years = d.dt.year().cast(pl.Float64)
        age = date.today().year - years.median()
        spread = years.quantile(0.75) - years.quantile(0.25)
        distinct = d.n_unique() / len(d)
        return bool(age >= 15 and spread >= 8 and distinct >= 0.3)

    def normalize(self, values: pl.Series) -> pl.Series:
        return parse_dates(values).cast(pl.Utf8)

    def mask(self, value: str) -> str:
        return mask_date(value.strip())

    def find_text(self, doc: Doc) -> Iterator[Span]:
        # plain dates elsewhere (report dates, book-in dates) are not birth dates
        for m in self._ctx.finditer(doc.text):
            yield Span(self.entity, m.start(1), m.end(1), m.group(1), "date after birth words", 0.95)
