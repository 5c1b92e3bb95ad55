"""US Social Security number."""

from __future__ import annotations

import re
from collections.abc import Iterator

import polars as pl

from spillguard.detect.base import Detector, Span, digits
from spillguard.detect.context import CONTEXT_GAP, negative_before
from spillguard.detect.doc import Doc
from spillguard.mask import mask_ssn
from spillguard.model import Entity

_SSN_WORDS = re.compile(r"\b(?:ssn|social security|seguro social)\b[\s:a-z]{0,12}$")


class Ssn(Detector):
    """US Social Security number with the validity rules (area, group, serial)."""

    entity = Entity.SSN
    needs_digit = True
    header_terms = ("ssn", "social security", "social security number", "soc sec",
                    "seguro social", "numero de seguro social", "ss no")
    _dashed = r"^\d{3}-\d{2}-\d{4}$"
    _text = re.compile(r"(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w-])")
    _ctx = re.compile(r"(?i)\b(?:ssn|social\s+security(?:\s+(?:number|no\.?))?)" + CONTEXT_GAP
                      + r"(\d{9})(?!\d)")

    @staticmethod
    def valid(d: pl.Series) -> pl.Series:
        area, group, serial = d.str.slice(0, 3), d.str.slice(3, 2), d.str.slice(5, 4)
        return (
            (d.str.len_chars() == 9)
            & (area != "000") & (area != "666") & ~area.str.starts_with("9")
            & (group != "00") & (serial != "0000")
        )

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        shape = values.str.contains(self._dashed)
        if header_hit:
            shape = shape | values.str.contains(r"^\d{9}$")
        return shape & self.valid(digits(values))

    def normalize(self, values: pl.Series) -> pl.Series:
        return digits(values)

    def mask(self, value: str) -> str:
        return mask_ssn(re.sub(r"\D", "", value))

    @staticmethod
    def _ok(d: str) -> bool:
        return d[:3] not in ("000", "666") and d[0] != "9" and d[3:5] != "00" and d[5:] != "0000"

    def find_text(self, doc: Doc) -> Iterator[Span]:
        for m in self._text.finditer(doc.text):
            if not self._ok("".join(m.groups())) or negative_before(doc, m.start()):
                continue
            if _SSN_WORDS.search(doc.before(m.start(), 30)):
                yield Span(self.entity, m.start(), m.end(), m.group(0), "SSN pattern after SSN words", 0.99)
            else:
                yield Span(self.entity, m.start(), m.end(), m.group(0), "SSN pattern, valid ranges", 0.85)
        for m in self._ctx.finditer(doc.text):
            if self._ok(m.group(1)):
                yield Span(self.entity, m.start(1), m.end(1), m.group(1), "9 digits after SSN words", 0.95)
