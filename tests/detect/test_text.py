"""Identifiers in free text (comments, defined names, validation lists, properties)."""

from __future__ import annotations

import pytest

from spillguard.detect.text import find_spans


def found(text: str) -> list[tuple[str, str]]:
    return sorted((s.entity.value, s.value) for s in find_spans(text))


@pytest.mark.parametrize(("text", "expected"), [
    ("Passport No. G12345678 pending", [("PASSPORT", "G12345678")]),
    ("I-94 number 12345678901 on file", [("I94", "12345678901")]),
    ("case of A-212-345-678", [("A_NUMBER", "A-212-345-678")]),
    ("Alien No: 212345678", [("A_NUMBER", "212345678")]),
    ("write to maria.gomez@example.org", [("EMAIL", "maria.gomez@example.org")]),
    ("SSN 123-45-6789", [("SSN", "123-45-6789")]),
    ("DOB 1990-04-02", [("DATE_OF_BIRTH", "1990-04-02")]),
    ("Includes Maria Gomez Lopez today", [("PERSON_NAME", "Maria Gomez Lopez")]),
    ("citizen of Guatemala", [("NATIONALITY", "Guatemala")]),
    # regression: the name stopped at the label that follows it
    ("Ask about Wei Zhang DOB 1990-04-02", [("DATE_OF_BIRTH", "1990-04-02"), ("PERSON_NAME", "Wei Zhang")]),
])
def test_identifiers_in_text(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "Invoice 212345678 paid",  # nine digits without an A-number label
    "order G12345678 shipped",  # a code without a passport label
    "Report date 2024-01-15",  # a date that is not a birth date
    "SSN 666-12-3456",  # never issued
    "Statistics Unit, Field Office Houston",  # institutions
    "Total 1,204 book-ins in FY2024",
])
def test_near_misses_in_text(text: str) -> None:
    assert found(text) == []
