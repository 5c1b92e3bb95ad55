"""USCIS case receipt number."""

from __future__ import annotations

import re
from collections.abc import Iterator

import polars as pl

from spillguard.detect.base import Detector, Span
from spillguard.detect.doc import Doc
from spillguard.mask import mask_digits_tail
from spillguard.model import Entity


class UscisReceipt(Detector):
    """USCIS case receipt number: service-centre code + 10 digits."""

    entity = Entity.USCIS_RECEIPT
    needs_digit = True
    header_terms = ("receipt", "receipt number", "receipt no", "case number uscis", "numero de recibo")
    _codes = "EAC|WAC|LIN|SRC|MSC|IOE|YSC|NBC|TSC|VSC|NSC|CSC|ZLA|ZNY|ZSF|ZHN"
    _value = rf"(?i)^(?:{_codes})[- ]?\d{{10}}$"
    _text = re.compile(rf"(?<![\w-])(?:{_codes})[- ]?\d{{10}}(?!\w)")

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        return values.str.contains(self._value)

    def normalize(self, values: pl.Series) -> pl.Series:
        return values.str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")

    def mask(self, value: str) -> str:
        return mask_digits_tail(value, 3)

    def find_text(self, doc: Doc) -> Iterator[Span]:
        for m in self._text.finditer(doc.text):
            yield Span(self.entity, m.start(), m.end(), m.group(0),
                       "USCIS receipt pattern (centre code + 10 digits)", 0.95)
