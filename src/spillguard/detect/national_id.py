"""National identity numbers of the countries people come from, and payment card numbers:
formats and check digits from python-stdnum (LGPL-2.1+), never hand-written.

A bare number blocks only with its check digit *and* a header or a label before it in text
("身份证号", "cédula", "CURP", "card number"); a CURP, whose letters and digits spell the holder's
initials, birth date, sex and state, counts on its own once its check digit holds.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from functools import cache

import polars as pl

from spillguard.detect.base import Detector, Span
from spillguard.detect.doc import Doc
from spillguard.mask import mask_digits_tail
from spillguard.model import Entity

#: stdnum modules of identity numbers with a public check digit: China (resident identity card),
#: Mexico (CURP), Brazil (CPF), Ecuador (cédula), Chile (RUN/RUT), the Dominican Republic
#: (cédula), Spain (DNI/NIE), Türkiye (T.C. Kimlik), Pakistan (CNIC), India (Aadhaar),
#: Colombia (NIT/cédula), Peru (CUI/DNI)
SCHEMES = ("cn.ric", "mx.curp", "br.cpf", "ec.ci", "cl.rut", "do.cedula", "es.dni", "es.nie", "tr.tckimlik",
           "pk.cnic", "in_.aadhaar", "co.nit", "pe.cui")
#: a number shaped like an identity number: 8–18 digits (an X check digit last), or a CURP
_CANDIDATE = re.compile(r"(?<![\w-])(\d[\d .-]{6,20}[\dXxKk]|[A-Z]{4}\d{6}[HMX][A-Z]{5}[0-9A-Z]\d)(?![\w-])")
_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
_CURP = re.compile(r"^[A-Z]{4}\d{6}[HMX][A-Z]{5}[0-9A-Z]\d$")
_LABEL = re.compile(
    r"(?i)(?<![^\W\d_])(?:identity\s+(?:card|number|no\.?)|national\s+id(?:entity)?(?:\s+(?:number|no\.?|card))?|id\s+(?:card|number|no\.?)"
    r"|c[ée]dula(?:\s+de\s+identidad)?|curp|cpf|dni|nie|rut|run|cnic|aadhaar|nit|cui|kimlik(?:\s+no)?"
    r"|身份证(?:号码?|號碼?)?|公民身份号码|居民身份证|удостоверени[ея]\s+личности|паспорт"
    r"|رقم\s+الهوية|الرقم\s+الوطني)\s*[:#№：.\-–]?\s*$")


@cache
def _validators() -> tuple[tuple[str, object], ...]:
    return tuple((name, importlib.import_module(f"stdnum.{name}")) for name in SCHEMES)


def scheme(value: str) -> str | None:
    """The first scheme whose format and check digit the value passes, or None."""
    compact = re.sub(r"[\s.\-]", "", value).upper()
    if not compact or len(compact) > 20:
        return None
    for name, module in _validators():
        try:
            if module.is_valid(compact):  # type: ignore[attr-defined]
                return name
        except Exception:  # a validator that cannot judge this shape: try the next
            continue
    return None


class NationalId(Detector):
    entity = Entity.NATIONAL_ID
    needs_header = True
    needs_digit = True
    header_terms = ("national id", "national identity", "identity card", "identity number", "id card", "id number",
                    "cedula", "cedula de identidad", "curp", "cpf", "dni", "nie", "rut", "run", "cnic", "aadhaar",
                    "documento de identidad", "numero de documento", "kimlik", "身份证", "身份证号", "身份证号码",
                    "公民身份号码", "удостоверение личности", "رقم الهوية")
    min_share_with_header = 0.6

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        v = values.str.strip_chars().str.to_uppercase()
        # only a CURP speaks for itself; under a header, a number of an identity scheme's shape
        shaped = v.str.contains(_CURP.pattern if not header_hit else r"^[0-9A-Z .\-]{8,22}$").fill_null(False)
        if not shaped.any():
            return shaped
        idx = shaped.arg_true()
        wanted = "mx.curp" if not header_hit else None
        checked = v.gather(idx).map_elements(
            lambda x: (scheme(x) == wanted) if wanted else scheme(x) is not None, return_dtype=pl.Boolean)
        return pl.Series(values.name, [False] * len(values)).scatter(idx, checked.fill_null(False))

    def normalize(self, values: pl.Series) -> pl.Series:
        return values.str.to_uppercase().str.replace_all(r"[\s.\-]", "")

    def mask(self, value: str) -> str:
        return mask_digits_tail(value, 2)

    def find_text(self, doc: Doc) -> Iterator[Span]:
        for m in _CANDIDATE.finditer(doc.text):
            if _DATE.fullmatch(m.group(1)):
                continue  # "2000-01-05" is a date, whatever check digit its digits happen to pass
            found = scheme(m.group(1))
            if found is None:
                continue
            labelled = bool(_LABEL.search(doc.text[max(0, m.start() - 40):m.start()]))
            if labelled or (found == "mx.curp" and _CURP.match(m.group(1))):
                yield Span(self.entity, m.start(1), m.end(1), m.group(1),
                           f"{found} format and check digit (python-stdnum)" + (" after its label" if labelled else ""),
                           0.95 if labelled else 0.9)


#: issuer prefixes of payment cards: Visa, Mastercard, American Express, Discover, UnionPay, JCB
_CARD_BODY = r"(?:4\d{3}|5[1-5]\d{2}|2[2-7]\d{2}|3[47]\d{2}|6011|65\d{2}|62\d{2}|35\d{2})(?:[ -]?\d{4}){2}[ -]?\d{1,7}"
_CARD = re.compile(rf"(?<![\d-])({_CARD_BODY})(?![\d-])")
_CARD_LABEL = re.compile(r"(?i)(?:card(?:\s+(?:number|no\.?|#))?|tarjeta|carte(?:\s+bancaire)?|cart[ãa]o|"
                         r"visa|mastercard|amex|银行卡号?|卡号|карт[аы]|بطاقة)\s*[:#№：.\-–]?\s*$")


def luhn_card(value: str) -> bool:
    from stdnum import luhn

    digits = re.sub(r"[ -]", "", value)
    return 13 <= len(digits) <= 19 and luhn.is_valid(digits)


class PaymentCard(Detector):
    entity = Entity.PAYMENT_CARD
    needs_header = True
    needs_digit = True
    header_terms = ("card number", "card no", "credit card", "debit card", "bank card", "pan", "tarjeta",
                    "numero de tarjeta", "numero de carte", "银行卡号", "卡号")
    min_share_with_header = 0.6

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        if not header_hit:
            return pl.Series(values.name, [False] * len(values))
        shaped = values.str.strip_chars().str.contains(f"^(?:{_CARD_BODY})$").fill_null(False)
        if not shaped.any():
            return shaped
        idx = shaped.arg_true()
        checked = values.gather(idx).map_elements(luhn_card, return_dtype=pl.Boolean)
        return pl.Series(values.name, [False] * len(values)).scatter(idx, checked.fill_null(False))

    def normalize(self, values: pl.Series) -> pl.Series:
        return values.str.replace_all(r"[ -]", "")

    def mask(self, value: str) -> str:
        return mask_digits_tail(value, 4)

    def find_text(self, doc: Doc) -> Iterator[Span]:
        for m in _CARD.finditer(doc.text):
            if luhn_card(m.group(1)) and _CARD_LABEL.search(doc.text[max(0, m.start() - 30):m.start()]):
                yield Span(self.entity, m.start(1), m.end(1), m.group(1), "card number (Luhn) after its label", 0.95)
