"""Nationality: country names, demonyms, ISO codes under a header; in text near 'citizen of'
and 'national' words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import polars as pl

from spillguard.detect import lexicon
from spillguard.detect.base import Detector, Span, fold_series
from spillguard.detect.doc import Doc
from spillguard.detect.gazetteer import Kind
from spillguard.mask import mask_generic
from spillguard.model import Entity


@cache
def _nationality_words(with_codes: bool) -> pl.Series:
    words = lexicon.country_names() | set(lexicon.demonyms())
    if with_codes:
        words = words | lexicon.country_codes()
    return pl.Series(sorted(words)).implode()


class Nationality(Detector):
    """Country names (English/Spanish, from pycountry), demonyms; ISO codes under a header."""

    entity = Entity.NATIONALITY
    needs_letter = True
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
    #: an A-number on the same line: the line is a person's record ("Maria Gomez A-123-456-789 Guatemalan")
    _a_number = re.compile(r"(?<![\w-])A[-\s#]?\d{3}[-\s]?\d{3}[-\s]?\d{2,3}(?!\d)")

    @staticmethod
    def _line(doc: Doc, p: tuple[int, int, object]) -> str:
        start = doc.text.rfind("\n", 0, p[0]) + 1
        end = doc.text.find("\n", p[1])
        return doc.text[start:end if end >= 0 else len(doc.text)]

    #: "a Guatemalan national", "Honduran citizen", "Salvadoran woman"
    _after_strong = re.compile(r"^\s+(?:national|citizen)\b")
    _after_person = re.compile(r"^\s+(?:man|woman|men|women|boy|girl|child|mother|father|family|asylum seekers?|"
                               r"detainee|migrant|teenager|minor|nino|nina|mujer|hombre|joven|madre|padre)\b")

    def find_text(self, doc: Doc) -> Iterator[Span]:
        for p in doc.hits( Kind.COUNTRY | Kind.DEMONYM):
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
            elif p[2] & Kind.DEMONYM and doc.text[p[0]].isupper() and self._a_number.search(self._line(doc, p)):
                yield Span(self.entity, p[0], p[1], value, "demonym on a record line with an A-number", 0.8)
