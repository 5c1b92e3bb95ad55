"""Attribute detectors: date of birth, nationality, facility, address."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from datetime import date
from functools import cache

import polars as pl

from spillguard.detect import lexicon
from spillguard.detect.base import Detector, Span, fold_series
from spillguard.detect.doc import Doc
from spillguard.detect.gazetteer import Kind
from spillguard.mask import mask_date, mask_generic
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


_MONTH = r"[A-Za-z\u00e9\u00fb]{3,10}\.?"
#: dates as prose writes them: ISO, numeric, "3 March 1990", "March 3, 1990", "3 de marzo de 1990"
_TEXT_DATE = (r"\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"
              rf"|\d{{1,2}}\s+(?:de\s+)?{_MONTH}\s+(?:de\s+)?\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}")


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
        r"(?i)\b(?:born(?:\s+on)?|d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday|fecha\s+de\s+nacimiento"
        r"|f\.?\s?nac\.?|nacid[oa]\s+el|n[ée]e?\s+le|date\s+de\s+naissance)\s*[:\-]?\s*(?:on\s+|el\s+)?"
        rf"({_TEXT_DATE})"
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

    def find_text(self, doc: Doc) -> Iterator[Span]:
        # plain dates elsewhere (report dates, book-in dates) are not birth dates
        for m in self._ctx.finditer(doc.text):
            yield Span(self.entity, m.start(1), m.end(1), m.group(1), "date after birth words", 0.95)


@cache
def _nationality_words(with_codes: bool) -> pl.Series:
    words = lexicon.country_names() | set(lexicon.demonyms())
    if with_codes:
        words = words | lexicon.country_codes()
    return pl.Series(sorted(words)).implode()


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

    #: "citizen of Honduras", "nationality: Guatemalan", "de nacionalidad hondureña"
    _before = re.compile(r"(?:\b(?:citizen|national|native|ciudadan[oa]|nacional|"
                         r"originari[oa]s?)\s+(?:of|de)|\b(?:nationality|citizenship|nacionalidad|ciudadania|"
                         r"country of citizenship|pais de origen)\s*(?:is|es|of|de|:)?)\s*(?:the\s+)?$")
    #: "ciudadano hondureño", "una mujer guatemalteca"
    _noun_before = re.compile(r"\b(?:ciudadan[oa]s?|nacional(?:es)?|mujer|hombre|joven|nino|nina|madre|padre|"
                              r"migrante|persona|senor|senora)\s+$")
    #: "a Guatemalan national", "Honduran citizen", "Salvadoran woman"
    _after_strong = re.compile(r"^\s+(?:national|citizen)\b")
    _after_person = re.compile(r"^\s+(?:man|woman|men|women|boy|girl|child|mother|father|family|asylum seekers?|"
                               r"detainee|migrant|teenager|minor|nino|nina|mujer|hombre|joven|madre|padre)\b")

    def find_text(self, doc: Doc) -> Iterator[Span]:
        for p in _lexicon_hits(doc, Kind.COUNTRY | Kind.DEMONYM):
            before, after = doc.before(p[0], 45), doc.after(p[1], 30)
            value = doc.text[p[0]:p[1]]
            if self._before.search(before):
                yield Span(self.entity, p[0], p[1], value, "country or demonym after 'citizen of' words", 0.95)
            elif p[2] & Kind.DEMONYM and self._noun_before.search(before):
                yield Span(self.entity, p[0], p[1], value, "demonym after a person noun", 0.85)
            elif p[2] & Kind.DEMONYM and self._after_strong.match(after):
                yield Span(self.entity, p[0], p[1], value, "demonym + 'national'", 0.9)
            elif p[2] & Kind.DEMONYM and self._after_person.match(after) and doc.text[p[0]].isupper():
                yield Span(self.entity, p[0], p[1], value, "demonym describing a person", 0.75)


def _lexicon_hits(doc: Doc, kinds: int) -> Iterator[tuple[int, int, int]]:
    """(start, end, kinds) of words and phrases in the given lists, longest first at a start."""
    hits = [(w.start, w.end, w.kinds) for w in doc.words if w.kinds & kinds]
    hits += [(p.start, p.end, p.kinds) for p in doc.phrases if p.kinds & kinds]
    hits.sort(key=lambda h: (h[0], -h[1]))
    end = -1
    for h in hits:
        if h[0] >= end:
            end = h[1]
            yield h


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

    _shape = re.compile(r"(?:\b[A-Z][\w'’.-]*\s+){1,4}?(?:Service\s+)?(?:Processing Center|Detention (?:Center|Centre|"
                        r"Facility)|County Jail|Correctional (?:Center|Facility)|Contract Detention Facility|"
                        r"Residential Center|Immigration Removal Centre|Transitional Center)\b")

    def find_text(self, doc: Doc) -> Iterator[Span]:
        taken = [(start, end) for start, end, _ in _lexicon_hits(doc, Kind.FACILITY)]
        for start, end in taken:
            yield Span(self.entity, start, end, doc.text[start:end], "known detention facility", 0.95)
        starts = [s for s, _ in taken]  # sorted, not overlapping
        for m in self._shape.finditer(doc.text):
            i = bisect.bisect_left(starts, m.end())  # known names starting before this match ends
            if i == 0 or taken[i - 1][1] <= m.start():
                yield Span(self.entity, m.start(), m.end(), m.group(), "'… Detention Center' shape", 0.8)


class Address(Detector):
    entity = Entity.ADDRESS
    header_terms = ("address", "street", "street address", "home address", "mailing address",
                    "residence", "direccion", "domicilio", "calle", "address line 1")
    needs_header = True
    _value = r"\d+\s+\p{L}"
    _street = (r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Way|Court|Ct|Place|Pl|"
               r"Terrace|Ter|Highway|Hwy|Circle|Cir|Parkway|Pkwy|Trail|Loop)")
    _text = re.compile(
        rf"\b\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:\d{{1,3}}(?:st|nd|rd|th)\s+|[A-Z][\w'’-]*\s+){{1,4}}{_street}\b\.?"
        r"(?:,?\s+(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*\w+)?"
        r"(?P<city>,\s*[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+){0,2},\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?)?"
        r"|\b(?:Calle|Avenida|Av\.|Calzada|Privada|Carrera|Rue)\s+(?:[\w'’.-]+\s+){1,4}(?:No\.?\s*|#\s*)?\d{1,5}\b"
    )

    def find_text(self, doc: Doc) -> Iterator[Span]:
        for m in self._text.finditer(doc.text):
            if m.group("city"):
                yield Span(self.entity, m.start(), m.end(), m.group(), "street address with city and ZIP", 0.95)
            else:
                yield Span(self.entity, m.start(), m.end(), m.group(), "number + street name + street type", 0.85)

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        if not header_hit:
            return pl.Series([False] * len(values))
        return values.str.contains(self._value)

    def mask(self, value: str) -> str:
        return mask_generic(value)
