"""Street addresses: only under an address header in tables; street shapes in text."""

from __future__ import annotations

import re
from collections.abc import Iterator

import polars as pl

from spillguard.detect.base import Detector, Span
from spillguard.detect.doc import Doc
from spillguard.mask import mask_generic
from spillguard.model import Entity


class Address(Detector):
    entity = Entity.ADDRESS
    needs_digit = True
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
