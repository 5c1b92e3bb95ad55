"""Alien Registration Number (A-number)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import polars as pl

from spillguard.detect.base import Detector, Span, digits
from spillguard.detect.context import CONTEXT_GAP, negative_before
from spillguard.detect.doc import Doc
from spillguard.mask import mask_a_number
from spillguard.model import Entity

_A_WORDS = re.compile(r"\b(?:a number|a no|alien|uscis|numero a|a file)\b[\s:no]*$")


class ANumber(Detector):
    """Alien Registration Number: ``A`` + 7–9 digits, written in many ways (FIELD.md).

    No public checksum exists, so the bare 9-digit form counts only under an A-number header.
    """

    entity = Entity.A_NUMBER
    needs_digit = True
    header_terms = (
        "a number", "a no", "a nbr", "a num", "anumber", "a file", "a file no", "alien",
        "alien no", "alien number", "alien registration", "alien reg no", "uscis no",
        "uscis number", "numero a", "no a", "numero de extranjero", "a no number",
    )
    header_excludes = ("a number of", "number of")
    _prefixed = r"(?i)^(?:a\s*(?:no\.?|#|-|\.)?\s*-?\s*|uscis\s*#?\s*:?\s*)(?:\d{7,9}|\d{3}[- ]\d{3}[- ]\d{3})$"
    _bare = r"^(?:\d{7,9}|\d{3}[- ]\d{3}[- ]\d{3})$"
    _text = re.compile(
        r"(?<![\w-])(?:A(?:-|\s?#\s?|\s)?(?P<a>\d{3}-\d{3}-\d{3}|\d{3} \d{3} \d{3}|\d{7,9})"
        r"|(?i:uscis\s?#?\s?:?\s?)(?P<u>\d{3}-?\d{3}-?\d{3}))(?![\w-])"
    )
    _ctx = re.compile(
        r"(?i)(?:\bA[-\s]?(?:number|no\.?|#)|\balien(?:\s+registration)?(?:\s*(?:number|no\.?|#))?"
        r"|n[uú]mero\s+(?:A|de\s+extranjero)\b)" + CONTEXT_GAP
        + r"(?P<d>\d{3}-\d{3}-\d{3}|\d{3} \d{3} \d{3}|\d{8,9})(?!\d)"
    )

    #: without a header, a value must be written as A-numbers are (FIELD.md): nine digits, or
    #: with a separator or label ("A-12-345-678", "A# 12345678"). "A13107482" alone is as often
    #: an animal, a permit or a part number as an A-number: under its header it counts
    _unlabelled = (r"(?i)^(?:a(?:\s*(?:no\.?|#|-|\.)\s*-?\s*|\s+)\d{7,9}|a\s*-?\s*\d{2,3}[- ]\d{3}[- ]\d{3}"
                   r"|a\d{9}|uscis\s*#?\s*:?\s*\d{9})$")

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        if not header_hit:
            return values.str.contains(self._unlabelled)
        return values.str.contains(self._prefixed) | values.str.contains(self._bare)  # 7 to 9 digits

    def normalize(self, values: pl.Series) -> pl.Series:
        # most exports write "A123456789" or the bare digits: only the other values pay for the
        # general removal of every non-digit
        out = values.str.strip_chars_start("Aa").str.strip_chars()
        other = out.str.contains(r"\D").fill_null(False)
        if other.any():
            idx = other.arg_true()
            out = out.scatter(idx, digits(values.gather(idx)))
        return out.str.zfill(9)

    def mask(self, value: str) -> str:
        return mask_a_number(re.sub(r"\D", "", value))

    def find_text(self, doc: Doc) -> Iterator[Span]:
        seen: set[int] = set()
        for m in self._ctx.finditer(doc.text):
            seen.add(m.start("d"))
            yield Span(self.entity, m.start("d"), m.end("d"), m.group("d"), "digits after A-number words", 0.97)
        for m in self._text.finditer(doc.text):
            if m.start() in seen or m.start(m.lastgroup or 0) in seen:
                continue
            canonical = m.group("a") is not None and m.group("a").count("-") == 2 and doc.text[m.start() + 1] == "-"
            if negative_before(doc, m.start()) and not canonical:
                # "Invoice A12345678", "order no. A1234567"; never "A-164-252-691", the form only
                # A-numbers take, whatever word stands before it ("reference", "file")
                continue
            if _A_WORDS.search(doc.before(m.start(), 30)):
                yield Span(self.entity, m.start(), m.end(), m.group(0), "A-number pattern after A-number words", 0.99)
            else:
                yield Span(self.entity, m.start(), m.end(), m.group(0), "A-number pattern", 0.85)
