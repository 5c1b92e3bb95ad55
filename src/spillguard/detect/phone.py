"""Phone numbers; text candidates validated by libphonenumber."""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
import polars as pl

from spillguard.detect.base import Detector, Span, digits
from spillguard.detect.context import negative_before
from spillguard.detect.doc import Doc
from spillguard.mask import mask_digits_tail
from spillguard.model import Entity


class Phone(Detector):
    """Phone numbers: formatted shapes alone, bare digit runs only under a phone header."""

    entity = Entity.PHONE
    needs_digit = True
    header_terms = ("phone", "telephone", "tel", "mobile", "cell", "cell phone", "phone number",
                    "telefono", "celular", "movil", "numero de telefono", "contact number")
    _formatted = r"^(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])\d{3,4}[\s.-]\d{3,4}$"
    _bare = r"^\+?\d{7,15}$"
    #: phone-shaped digit groups; each candidate is then validated by libphonenumber
    _text = re.compile(r"(?<![\w+/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)\s?|\d{2,4}[\s.-])"
                       r"\d{3,4}[\s.-]\d{3,4}(?![\w/-])|(?<![\w+])\+\d{8,14}(?!\w)")
    _words = re.compile(r"\b(?:phone|tel|telephone|cell|mobile|call|fax|telefono|celular|movil|whatsapp)\b[\s:.#no]*$")

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        ok = values.str.contains(self._formatted)
        if header_hit:
            ok = ok | values.str.contains(self._bare)
        return ok

    def normalize(self, values: pl.Series) -> pl.Series:
        return digits(values)

    def mask(self, value: str) -> str:
        return mask_digits_tail(value, 2)

    def find_text(self, doc: Doc) -> Iterator[Span]:
        for m in self._text.finditer(doc.text):
            if not _valid_phone(m.group(0)) or negative_before(doc, m.start()):
                continue
            if " " in m.group(0) and _in_count_run(doc.text, m.start(), m.end()):
                continue  # "2498 362 518" inside "CLINTON 2498 362 518 316 342": a row of counts
            if self._words.search(doc.before(m.start(), 25)):
                yield Span(self.entity, m.start(), m.end(), m.group(0), "valid phone number after phone words", 0.95)
            else:
                yield Span(self.entity, m.start(), m.end(), m.group(0), "valid phone number (libphonenumber)", 0.8)


def _valid_phone(candidate: str) -> bool:
    """libphonenumber's validity check: real area codes and lengths for the country
    (US numbers without a country code)."""
    try:
        number = phonenumbers.parse(candidate, "US")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


_NUMBER_BEFORE = re.compile(r"\d[ \t]+$")
_NUMBER_AFTER = re.compile(r"^[ \t]+\d")


def _in_count_run(text: str, start: int, end: int) -> bool:
    """The digit groups continue a run of space-separated numbers on their line (a results or
    statistics table): no phone number is written between two other numbers."""
    return bool(_NUMBER_BEFORE.search(text[max(0, start - 12):start]) or _NUMBER_AFTER.match(text[end:end + 12]))
