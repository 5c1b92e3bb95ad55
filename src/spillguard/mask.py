"""Masking of evidence. Values are masked where they are created; plaintext travels no further.

Masks keep just enough for a person who holds the original to recognise the record
(``M***a G***z``, ``A-2**-***-123``) and not enough for anyone else to learn it.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def mask_token(token: str) -> str:
    """``Maria`` → ``M***a``; short tokens keep only their first letter."""
    if len(token) <= 1:
        return token
    if len(token) <= 3:
        return token[0] + "*" * (len(token) - 1)
    return f"{token[0]}***{token[-1]}"


def mask_name(value: str) -> str:
    """Mask each word of a name, keeping separators (``GOMEZ, Maria`` → ``G***Z, M***a``)."""
    return _WORD.sub(lambda m: mask_token(m.group(0)), value.strip())


def mask_a_number(digits: str) -> str:
    """Nine digits → ``A-2**-***-123`` (first digit and last three kept)."""
    d = digits.zfill(9)[-9:]
    return f"A-{d[0]}**-***-{d[6:]}"


def mask_ssn(digits: str) -> str:
    return f"***-**-{digits[-4:]}"


def mask_date(value: str) -> str:
    """``1990-01-02`` → ``19**-**-**``, ``March 3, 1990`` → ``*** *, 19**``: the century only
    (month names are masked too: with the century they narrow a birth date to a month)."""
    year = re.search(r"(?<!\d)\d{4}(?!\d)", value)
    keep = year.start() if year else -10
    masked = "".join(ch if (not ch.isdigit() or i in (keep, keep + 1)) else "*"
                     for i, ch in enumerate(value))
    return re.sub(r"[^\W\d_]{3,}\.?", "***", masked)


def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    host, _, tld = domain.rpartition(".")
    return f"{mask_token(local)}@{mask_token(host)}.{tld}" if host else mask_generic(value)


def mask_generic(value: str) -> str:
    """Keep the first and last character; letters and digits between become ``*``."""
    v = value.strip()
    if len(v) <= 2:
        return "*" * len(v)
    middle = re.sub(r"[^\W_]", "*", v[1:-1])
    return v[0] + middle + v[-1]


def mask_digits_tail(value: str, keep: int = 3) -> str:
    """Every digit but the last ``keep`` becomes ``*``; letters are kept (codes like EAC)."""
    digits = [i for i, c in enumerate(value) if c.isdigit()]
    hide = set(digits[:-keep] if keep else digits)
    return "".join("*" if i in hide else c for i, c in enumerate(value))
