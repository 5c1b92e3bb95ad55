"""Attribute detectors: date of birth, person name, nationality, facility, address."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import cache

import polars as pl

from spillguard.detect import lexicon
from spillguard.detect.base import Detector, Span, fold, fold_series
from spillguard.mask import mask_date, mask_generic, mask_name
from spillguard.model import Entity

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%d-%m-%Y",
                 "%m-%d-%Y", "%d %b %Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y")


def parse_dates(values: pl.Series) -> pl.Series:
    """Dates in any common written form (ISO date-times too) → pl.Date, else null.

    The format that parses most of a sample is tried on every value; the others only on the
    values still unparsed (a column is almost always written in one format).
    """
    v = values.str.strip_chars()
    if v.str.contains(":", literal=True).any():
        v = v.str.replace(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2})?.*$", "$1")
    sample = v.drop_nulls().head(200)
    ranked = sorted(_DATE_FORMATS, key=lambda f: -int(sample.str.to_date(f, strict=False).is_not_null().sum()))
    out = v.str.to_date(ranked[0], strict=False)
    present = v.is_not_null() & (v != "")
    for fmt in ranked[1:]:
        missing = out.is_null() & present
        if not missing.any():
            break
        idx = missing.arg_true()
        out = out.scatter(idx, v.gather(idx).str.to_date(fmt, strict=False))
    return out


class DateOfBirth(Detector):
    """A date column whose header says birth, or whose values look like a population's births.

    Without a header, plain dates are not birth dates unless they spread over decades with a
    plausible median age: book-in dates and report dates cluster within a few years.
    """

    entity = Entity.DATE_OF_BIRTH
    header_terms = ("dob", "d o b", "date of birth", "birth date", "birthdate", "birthday", "born",
                    "fecha de nacimiento", "fecha nacimiento", "f nacimiento", "nacimiento",
                    "date de naissance", "birth", "fec nac", "fnac")
    header_excludes = ("country of birth", "place of birth", "birth country", "pais de nacimiento",
                       "lugar de nacimiento", "birth place", "birthplace")
    _ctx = re.compile(
        r"(?i)\b(?:born(?:\s+on)?|d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|fecha\s+de\s+nacimiento"
        r"|nacid[oa]\s+el|n[ée]e?\s+le)\s*[:\-]?\s*"
        r"(\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\s+\d{4}"
        r"|[A-Za-z]{3,9}\s+\d{1,2},\s+\d{4})"
    )

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        d = parse_dates(values)
        today = date.today()
        return d.is_not_null() & (d <= today) & (d.dt.year() >= today.year - 110)

    def column_ok(self, values: pl.Series, matched: pl.Series, header_hit: bool) -> bool:
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

    def find_text(self, text: str) -> Iterator[Span]:
        for m in self._ctx.finditer(text):
            yield Span(self.entity, m.start(1), m.end(1), m.group(1), "date after birth words")


_PARTICLES = "de|del|la|las|los|da|das|do|dos|du|van|von|der|den|bin|binti|ibn|al|el|y|e|di|le|ben|abu|ter|mac|st"
_TOKEN = r"(?:\p{Lu}[\p{L}'’\-]*\.?|(?:al|el|ad|ar|as|at|az|ash)-\p{Lu}[\p{L}'’\-]*)"
_NAME = (
    rf"^{_TOKEN}(?:[\s]+(?:(?:{_PARTICLES})\s+)*{_TOKEN}){{1,5}}$"  # First [de] Last
    rf"|^{_TOKEN}(?:[\s-]+(?:(?:{_PARTICLES})\s+)*{_TOKEN}){{0,3}},\s*{_TOKEN}(?:\s+{_TOKEN}){{0,3}}$"  # LAST, First
)
_ONE = rf"^{_TOKEN}(?:[\s-]+(?:(?:{_PARTICLES})\s+)*{_TOKEN}){{0,3}}$"  # one field of a split name


@cache
def _places() -> pl.Series:
    """Country and facility names: never a person's name (built once, not per batch)."""
    return pl.Series(sorted(lexicon.country_names() | lexicon.facilities())).implode()


@cache
def _nationality_words(with_codes: bool) -> pl.Series:
    words = lexicon.country_names() | set(lexicon.demonyms())
    if with_codes:
        words = words | lexicon.country_codes()
    return pl.Series(sorted(words)).implode()


@cache
def _word_regex(words: frozenset[str]) -> str:
    return r"\b(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + r")\b"


class PersonName(Detector):
    """Person names in the forms rosters use: ``Maria Gomez``, ``GOMEZ LOPEZ, Maria``,
    ``al-Hassan``, ``Wang Xiaoming``. Numbers, dates, places and institutions are never names."""

    entity = Entity.PERSON_NAME
    header_terms = ("name", "names", "full name", "first name", "last name", "surname", "surnames",
                    "given name", "given names", "family name", "middle name", "last first",
                    "nombre", "nombres", "apellido", "apellidos", "nombre completo", "detainee",
                    "detainee name", "alien name", "person", "client", "client name",
                    "beneficiary", "applicant", "respondent", "author", "creator",
                    "last modified by", "lastmodifiedby", "manager", "display name", "displayname")
    header_excludes = ("facility name", "name of facility", "country name", "file name",
                       "sheet name", "company name", "organization name", "org name",
                       "agency name", "city name", "state name", "street name", "field name",
                       "product name", "nombre de la instalacion", "nombre del centro",
                       "nombre del pais", "user name", "username", "host name", "table name")
    min_share_with_header = 0.6

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        v = values.str.strip_chars()
        shape = v.str.contains(_NAME)
        if header_hit:
            shape = shape | v.str.contains(_ONE)
        folded = fold_series(v)
        not_place = ~folded.is_in(_places())
        no_stopword = ~folded.str.contains(_word_regex(lexicon.name_stopwords()))
        return shape & not_place & no_stopword & (v.str.len_chars() <= 80)

    def column_ok(self, values: pl.Series, matched: pl.Series, header_hit: bool) -> bool:
        if header_hit:
            return True
        # No header: the values must also contain known given names or surnames.
        known = lexicon.given_names() | lexicon.surnames()
        hits = fold_series(values.filter(matched)).str.contains(_word_regex(known))
        return bool(hits.mean() or 0) >= 0.3

    def normalize(self, values: pl.Series) -> pl.Series:
        # "GOMEZ, Maria" and "Maria Gomez" are the same person: sort the folded words.
        return fold_series(values).str.split(" ").list.sort().list.join(" ")

    def mask(self, value: str) -> str:
        return mask_name(value)

    _text = re.compile(r"\b([A-ZÀ-Ý][a-zà-ÿ'’-]+(?:\s+(?:(?:de|del|la|al|bin|van|von)\s+)?"
                       r"[A-ZÀ-Ý][A-Za-zÀ-ÿ'’-]+){1,3})\b")

    def find_text(self, text: str) -> Iterator[Span]:
        """Weak text detection: capitalised word runs from a known given name on.
        Issue 3 brings the full text recogniser; this keeps comments and notes covered."""
        given, stop = lexicon.given_names(), lexicon.name_stopwords()
        for m in self._text.finditer(text):
            words = list(re.finditer(r"\S+", m.group(1)))
            folded = [fold(w.group()) for w in words]
            first = next((i for i, w in enumerate(folded[:-1]) if w in given), None)
            if first is None:
                continue
            # the name ends where a non-name word starts ("Wei Zhang DOB ...", "... Field Office")
            last = next((i for i in range(first, len(folded)) if folded[i] in stop), len(folded))
            if last - first < 2:
                continue
            start, end = m.start(1) + words[first].start(), m.start(1) + words[last - 1].end()
            yield Span(self.entity, start, end, text[start:end], "given name + capitalised words")


class Nationality(Detector):
    """Country names (English/Spanish, from pycountry), demonyms; ISO codes under a header."""

    entity = Entity.NATIONALITY
    header_terms = ("nationality", "citizenship", "country of citizenship", "country of birth",
                    "birth country", "country", "citizen", "nacionalidad", "pais",
                    "pais de origen", "pais de nacimiento", "ciudadania", "country of origin")

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        folded = fold_series(values)
        return folded.is_in(_nationality_words(header_hit))

    def mask(self, value: str) -> str:
        return mask_generic(value)

    _text = re.compile(r"(?i)\b(?:citizen|national|native|ciudadan[oa]|nacional)\s+(?:of|de)\s+"
                       r"([A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+){0,2})")

    def find_text(self, text: str) -> Iterator[Span]:
        names = lexicon.country_names()
        for m in self._text.finditer(text):
            if fold(m.group(1)) in names:
                yield Span(self.entity, m.start(1), m.end(1), m.group(1), "'citizen of' + country")


_FACILITY_SHAPE = (r"\b(?:processing center|detention (?:center|centre|facility)|county jail|"
                   r"correctional (?:center|facility)|contract detention facility|residential center|"
                   r"immigration removal centre|service processing center|transitional center)\b")


class Facility(Detector):
    entity = Entity.FACILITY
    header_terms = ("facility", "facility name", "detention facility", "detention center",
                    "detention location", "current facility", "book in facility",
                    "centro de detencion", "instalacion", "detention facility name")

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        folded = fold_series(values)
        return folded.is_in(list(lexicon.facilities())) | folded.str.contains(_FACILITY_SHAPE)

    def mask(self, value: str) -> str:
        return value  # a facility is a public place, not a secret; the person is what matters


class Address(Detector):
    entity = Entity.ADDRESS
    header_terms = ("address", "street", "street address", "home address", "mailing address",
                    "residence", "direccion", "domicilio", "calle", "address line 1")
    needs_header = True
    _value = r"\d+\s+\p{L}"

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        if not header_hit:
            return pl.Series([False] * len(values))
        return values.str.contains(self._value)

    def mask(self, value: str) -> str:
        return mask_generic(value)
