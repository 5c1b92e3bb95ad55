"""E-mail addresses."""

from __future__ import annotations

import re
from collections.abc import Iterator

import polars as pl

from spillguard.detect.base import Detector, Span
from spillguard.detect.doc import Doc
from spillguard.mask import mask_email
from spillguard.model import Entity


class Email(Detector):
    entity = Entity.EMAIL
    needs_letter = True
    header_terms = ("email", "e mail", "mail", "email address", "correo", "correo electronico")
    _value = r"(?i)^[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$"
    #: not after "/" or ":": ``scott/tiger@db.example`` (a database connect string) and
    #: ``ftp://user:pw@host`` are credentials for a machine, not someone's mailbox
    _text = re.compile(r"(?i)(?<![\w.+/:-])[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b")

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        return values.str.contains(self._value)

    def normalize(self, values: pl.Series) -> pl.Series:
        return values.str.to_lowercase()

    def mask(self, value: str) -> str:
        return mask_email(value)

    def find_text(self, doc: Doc) -> Iterator[Span]:
        for m in self._text.finditer(doc.text):
            yield Span(self.entity, m.start(), m.end(), m.group(0), "e-mail address pattern", 0.95)
