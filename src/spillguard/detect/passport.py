"""Passport numbers: only under their label."""

from __future__ import annotations

import re

import polars as pl

from spillguard.detect.base import LabelledNumber
from spillguard.detect.context import CONTEXT_GAP
from spillguard.mask import mask_digits_tail
from spillguard.model import Entity


class Passport(LabelledNumber):
    entity = Entity.PASSPORT
    header_terms = ("passport", "passport no", "passport number", "pasaporte", "numero de pasaporte",
                    "travel document", "travel document number")
    value_pattern = r"(?i)^[A-Z]{0,2}\d{6,9}$"
    context = re.compile(r"(?i)\b(?:passport|pasaporte)(?:\s+(?:no\.?|number|n[uú]mero|#))?"
                         + CONTEXT_GAP + r"([A-Z]{0,2}\d{6,9})\b")
    context_why = "number after 'passport'"

    def normalize(self, values: pl.Series) -> pl.Series:
        return values.str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")

    def mask(self, value: str) -> str:
        return mask_digits_tail(value, 3)
