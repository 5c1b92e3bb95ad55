"""The detector contract and the helpers detectors share.

A detector knows one entity type. It answers three questions, all vectorized over a polars
string Series (nulls = empty cells) so that a million-row column costs one pass in Rust:

* does a column header name this entity (in English or Spanish)?
* which values match, given whether the header named the entity?
* is the column as a whole evidence enough (share of matches, spread of values)?

It also finds spans in free text, normalises values for de-duplication and masks them.
Detectors never know file formats.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import polars as pl

from spillguard.model import Entity

if TYPE_CHECKING:
    from spillguard.detect.doc import Doc


def fold(text: str) -> str:
    """Lowercase, strip accents, ``#`` → `` no ``, every other non-alphanumeric → space."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().replace("#", " no ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def fold_header(header: str) -> str:
    """``fold`` for a column header or a key, with camelCase and PascalCase split into words
    (``alienNumber`` → ``alien number``, ``DOBDate`` → ``dob date``) as exports write them."""
    return fold(_CAMEL.sub(" ", header))


@cache
def _accents() -> dict[str, str]:
    """Lowercase Latin letters with diacritics → their base letters (Latin-1, Extended-A/B,
    Extended Additional: Spanish, Portuguese, French, Haitian Creole, Vietnamese...)."""
    table: dict[str, str] = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        ch = chr(code)
        if ch != ch.lower():
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base and base != ch and base.isascii():
            table[ch] = base
    return table


def fold_series(values: pl.Series) -> pl.Series:
    """``fold`` for a whole column, in Rust. Diacritics are removed with one Aho-Corasick pass
    (``replace_many``), several times faster than Unicode normalisation on a million rows."""
    accents = _accents()
    out = (
        values.str.to_lowercase()
        .str.replace_many(list(accents), list(accents.values()))
        # single spaces are left alone: replacing only punctuation runs is twice as fast
        .str.replace_all(r"[^0-9\p{L} ][^0-9\p{L}]*| {2,}", " ")
    )
    if out.str.contains("  ", literal=True).any():
        out = out.str.replace_all(" {2,}", " ")
    return out.str.strip_chars()


def phrase_in(phrases: tuple[str, ...], header: str) -> bool:
    """True when a folded phrase occurs as whole words in the folded header."""
    padded = f" {header} "
    return any(f" {p} " in padded for p in phrases)


def digits(values: pl.Series) -> pl.Series:
    return values.str.replace_all(r"\D", "")


@dataclass(frozen=True, slots=True)
class Span:
    entity: Entity
    start: int
    end: int
    value: str
    #: what made it a detection: pattern, validator, context words, lexicon hit
    why: str
    #: 0..1, how sure the detector is; spans under the configured minimum are not reported
    confidence: float


class Detector:
    """Base class: subclasses set the class attributes and override what they need."""

    entity: Entity
    #: folded header phrases that name the entity
    header_terms: tuple[str, ...] = ()
    #: folded header phrases that look like ours but are not (``facility name`` is no person)
    header_excludes: tuple[str, ...] = ()
    #: values alone never suffice (bare 9 digits are invoices as often as A-numbers)
    needs_header: bool = False
    min_share_with_header: float = 0.5
    min_share_without_header: float = 0.8
    #: fewest matching values before a column without a header hit counts
    min_matches_without_header: int = 5
    #: every value this detector matches has a digit / a letter: a column without any is
    #: skipped before ``match`` runs (the result is the same, only faster)
    needs_digit: bool = False
    needs_letter: bool = False

    def header_hit(self, header: str) -> bool:
        folded = fold_header(header)
        if folded and phrase_in(self.header_excludes, folded):
            return False
        if phrase_in(self.header_terms, folded) if folded else False:
            return True
        # terms in scripts fold() drops ("姓名", "Дата рождения", "الاسم") are looked for as written
        lowered = header.lower()
        return any(not term.isascii() and term in lowered for term in self.header_terms)

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        """Boolean Series: which (stripped, non-null) values are this entity."""
        raise NotImplementedError

    def share_needed(self, header: str, header_hit: bool) -> float:
        """The share of matching values that makes the column this entity."""
        return self.min_share_with_header if header_hit else self.min_share_without_header

    def column_ok(self, values: pl.Series, matched: pl.Series, header_hit: bool, header: str = "") -> bool:
        """Extra column-level evidence beyond the share of matches (spread, lexicon...)."""
        return True

    def normalize(self, values: pl.Series) -> pl.Series:
        """Canonical form for counting distinct people."""
        return fold_series(values)

    def mask(self, value: str) -> str:
        raise NotImplementedError

    def find_text(self, doc: Doc) -> Iterator[Span]:
        """Spans of this entity in free text. Default: none (column-only detector)."""
        return iter(())


class LabelledNumber(Detector):
    """An identifier that is only recognisable under its label: a column header saying so, or
    in text the label right before the number (passport, I-94...)."""

    needs_header = True
    #: regex a value must match in full
    value_pattern: str = ""
    #: compiled regex whose group 1 is the number, found after its label in text
    context: re.Pattern[str]
    #: why a text span counts, for the finding
    context_why: str = ""
    context_confidence: float = 0.9

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        if not header_hit:
            return pl.Series([False] * len(values))
        return values.str.contains(self.value_pattern)

    def find_text(self, doc: Doc) -> Iterator[Span]:
        for m in self.context.finditer(doc.text):
            yield Span(self.entity, m.start(1), m.end(1), m.group(1), self.context_why, self.context_confidence)
