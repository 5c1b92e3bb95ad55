"""Detention facilities: known names and their shapes."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

import polars as pl

from spillguard.detect import lexicon
from spillguard.detect.base import Detector, Span, fold_series
from spillguard.detect.doc import Doc
from spillguard.detect.gazetteer import Kind
from spillguard.model import Entity

_FACILITY_SHAPE = (r"\b(?:processing center|detention (?:center|centre|facility)|county jail|"
                   r"correctional (?:center|facility)|contract detention facility|residential center|"
                   r"immigration removal centre|service processing center|transitional center)\b")


class Facility(Detector):
    entity = Entity.FACILITY
    needs_letter = True
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
        taken = [(start, end) for start, end, _ in doc.hits( Kind.FACILITY)]
        for start, end in taken:
            yield Span(self.entity, start, end, doc.text[start:end], "known detention facility", 0.95)
        starts = [s for s, _ in taken]  # sorted, not overlapping
        for m in self._shape.finditer(doc.text):
            i = bisect.bisect_left(starts, m.end())  # known names starting before this match ends
            if i == 0 or taken[i - 1][1] <= m.start():
                yield Span(self.entity, m.start(), m.end(), m.group(), "'… Detention Center' shape", 0.8)
