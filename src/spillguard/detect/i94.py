"""I-94 admission numbers: only under their label."""

from __future__ import annotations

import re

import polars as pl

from spillguard.detect.base import LabelledNumber
from spillguard.detect.context import CONTEXT_GAP
from spillguard.mask import mask_digits_tail
from spillguard.model import Entity


class I94(LabelledNumber):
    entity = Entity.I94
    needs_digit = True
    header_terms = ("i 94", "i94", "i 94 number", "admission number", "admission no", "i 94 no")
    value_pattern = r"(?i)^(?:\d{11}|\d{9}[A-Z]\d)$"
    context = re.compile(r"(?i)\bI-?94(?:\s+(?:no\.?|number|#))?" + CONTEXT_GAP
                         + r"(\d{11}|\d{9}[A-Z]\d)\b")
    context_why = "number after 'I-94'"

    def normalize(self, values: pl.Series) -> pl.Series:
        return values.str.to_uppercase()

    def mask(self, value: str) -> str:
        return mask_digits_tail(value, 3)
