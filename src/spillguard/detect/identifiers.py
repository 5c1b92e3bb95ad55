"""Identifier detectors: A-number, SSN, passport, USCIS receipt, I-94, e-mail, phone.

Each is a few lines of data: header words, value patterns, a validator and a mask.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
import polars as pl

from spillguard.detect.base import Detector, LabelledNumber, Span, digits
from spillguard.detect.doc import Doc
from spillguard.detect.gazetteer import Kind, entries
from spillguard.mask import mask_a_number, mask_digits_tail, mask_email, mask_ssn
from spillguard.model import Entity

_CONTEXT_GAP = r"[\s:#.\-–]{0,4}"


class ANumber(Detector):
    """Alien Registration Number: ``A`` + 7–9 digits, written in many ways (FIELD.md).

    No public checksum exists, so the bare 9-digit form counts only under an A-number header.
    """

    entity = Entity.A_NUMBER
    header_terms = (
        "a number", "a no", "a nbr", "a num", "anumber", "a file", "a file no", "alien",
        "alien no", "alien number", "alien registration", "alien reg no", "uscis no",
        "uscis number", "numero a", "no a", "numero de extranjero", "a no number",
    )
    header_excludes = ("a number of", "number of")
    _prefixed = r"(?i)^(?:a\s*(?:no\.?|#|-|\.)?\s*-?\s*|uscis\s*#?\s*:?\s*)(?:\d{7,9}|\d{3}[- ]\d{3}[- ]\d{3})$"
    _bare = r"^(?:\d{7,9}|\d{3}[- ]\d{3}[- ]\d{3})$"
    _text = re.compile(
        r"(?<![\w-])(?:A(?:-|\s?#\s?|\s)?(?P<a>\d{3}-\d{3}-\d{3}|\d{7,9})"
        r"|(?i:uscis\s?#?\s?:?\s?)(?P<u>\d{3}-?\d{3}-?\d{3}))(?![\w-])"
    )
    _ctx = re.compile(
        r"(?i)(?:\bA[-\s]?(?:number|no\.?|#)|\balien\s+(?:registration\s+)?(?:number|no\.?|#)"
        r"|n[uú]mero\s+(?:A|de\s+extranjero)\b)" + _CONTEXT_GAP + r"(?P<d>\d{3}-\d{3}-\d{3}|\d{8,9})(?!\d)"
    )

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        ok = values.str.contains(self._prefixed)
        if header_hit:
            ok = ok | values.str.contains(self._bare)
        return ok  # both patterns already demand 7 to 9 digits

    def normalize(self, values: pl.Series) -> pl.Series:
        return digits(values).str.zfill(9)

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
            if _negative_before(doc, m.start()):
                continue  # "Invoice A12345678", "order no. A1234567"
            if _A_WORDS.search(doc.before(m.start(), 30)):
                yield Span(self.entity, m.start(), m.end(), m.group(0), "A-number pattern after A-number words", 0.99)
            else:
                yield Span(self.entity, m.start(), m.end(), m.group(0), "A-number pattern", 0.85)


class Ssn(Detector):
    """US Social Security number with the validity rules (area, group, serial)."""

    entity = Entity.SSN
    header_terms = ("ssn", "social security", "social security number", "soc sec",
                    "seguro social", "numero de seguro social", "ss no")
    _dashed = r"^\d{3}-\d{2}-\d{4}$"
    _text = re.compile(r"(?<![\w-])(\d{3})-(\d{2})-(\d{4})(?![\w-])")
    _ctx = re.compile(r"(?i)\b(?:ssn|social\s+security(?:\s+(?:number|no\.?))?)" + _CONTEXT_GAP
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
            if not self._ok("".join(m.groups())) or _negative_before(doc, m.start()):
                continue
            if _SSN_WORDS.search(doc.before(m.start(), 30)):
                yield Span(self.entity, m.start(), m.end(), m.group(0), "SSN pattern after SSN words", 0.99)
            else:
                yield Span(self.entity, m.start(), m.end(), m.group(0), "SSN pattern, valid ranges", 0.85)
        for m in self._ctx.finditer(doc.text):
            if self._ok(m.group(1)):
                yield Span(self.entity, m.start(1), m.end(1), m.group(1), "9 digits after SSN words", 0.95)


class UscisReceipt(Detector):
    """USCIS case receipt number: service-centre code + 10 digits."""

    entity = Entity.USCIS_RECEIPT
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


class Passport(LabelledNumber):
    entity = Entity.PASSPORT
    header_terms = ("passport", "passport no", "passport number", "pasaporte", "numero de pasaporte",
                    "travel document", "travel document number")
    value_pattern = r"(?i)^[A-Z]{0,2}\d{6,9}$"
    context = re.compile(r"(?i)\b(?:passport|pasaporte)(?:\s+(?:no\.?|number|n[uú]mero|#))?"
                         + _CONTEXT_GAP + r"([A-Z]{0,2}\d{6,9})\b")
    context_why = "number after 'passport'"

    def normalize(self, values: pl.Series) -> pl.Series:
        return values.str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")

    def mask(self, value: str) -> str:
        return mask_digits_tail(value, 3)


class I94(LabelledNumber):
    entity = Entity.I94
    header_terms = ("i 94", "i94", "i 94 number", "admission number", "admission no", "i 94 no")
    value_pattern = r"(?i)^(?:\d{11}|\d{9}[A-Z]\d)$"
    context = re.compile(r"(?i)\bI-?94(?:\s+(?:no\.?|number|#))?" + _CONTEXT_GAP
                         + r"(\d{11}|\d{9}[A-Z]\d)\b")
    context_why = "number after 'I-94'"

    def normalize(self, values: pl.Series) -> pl.Series:
        return values.str.to_uppercase()

    def mask(self, value: str) -> str:
        return mask_digits_tail(value, 3)


class Email(Detector):
    entity = Entity.EMAIL
    header_terms = ("email", "e mail", "mail", "email address", "correo", "correo electronico")
    _value = r"(?i)^[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$"
    _text = re.compile(r"(?i)(?<![\w.+-])[a-z0-9._%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b")

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        return values.str.contains(self._value)

    def normalize(self, values: pl.Series) -> pl.Series:
        return values.str.to_lowercase()

    def mask(self, value: str) -> str:
        return mask_email(value)

    def find_text(self, doc: Doc) -> Iterator[Span]:
        for m in self._text.finditer(doc.text):
            yield Span(self.entity, m.start(), m.end(), m.group(0), "e-mail address pattern", 0.95)


class Phone(Detector):
    """Phone numbers: formatted shapes alone, bare digit runs only under a phone header."""

    entity = Entity.PHONE
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
            if not _valid_phone(m.group(0)) or _negative_before(doc, m.start()):
                continue
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


_A_WORDS = re.compile(r"\b(?:a number|a no|alien|uscis|numero a|a file)\b[\s:no]*$")
_SSN_WORDS = re.compile(r"\b(?:ssn|social security|seguro social)\b[\s:a-z]{0,12}$")
_NEGATIVE_WINDOW = 25


def _negative_before(doc: Doc, start: int) -> bool:
    """A number announced as something else: "Invoice 123-45-6789", "order no. A1234567"."""
    words = doc.before(start, _NEGATIVE_WINDOW).split()[-3:]
    return any(entries().get(w, 0) & Kind.NEGATIVE for w in words)
