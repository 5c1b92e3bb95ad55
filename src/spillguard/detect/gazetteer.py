"""Every word list at once: one Aho-Corasick automaton over the folded text.

The text is folded *without changing its length* (lowercase, accents off, punctuation to
spaces), so every match maps straight back to the original characters. Patterns are padded
with spaces and the text too, so only whole words and whole phrases match; overlapping
matching returns every list an entry belongs to ("cruz" is a given name and a surname).
"""

from __future__ import annotations

import unicodedata
from functools import cache

import ahocorasick_rs

from spillguard.detect import lexicon


class Kind:
    """Bit flags of the word lists (plain ints: enum flag arithmetic is slow in a hot loop)."""

    GIVEN = 1
    SURNAME = 2
    STOP = 4  # capitalised words that are never names (institutions, months, table words)
    COMMON = 8  # common English/Spanish/French words
    COUNTRY = 16
    DEMONYM = 32
    FACILITY = 64
    PLACE = 128  # US states and other place names
    HONORIFIC = 256  # Mr, Ms, Sra...
    OFFICIAL = 512  # Secretary, Director, Judge...
    CUE = 1024  # words that announce a person: detainee, respondent, client...
    PARTICLE = 2048  # de, del, la, bin, al...
    NEGATIVE = 4096  # words that announce a number that is not personal: invoice, order...
    HEAD = 8192  # head nouns of places, events and institutions: "Cesar Chavez Avenue"


NAME = Kind.GIVEN | Kind.SURNAME
PLACE_LIKE = Kind.COUNTRY | Kind.FACILITY | Kind.PLACE


@cache
def _fold_table() -> dict[int, str]:
    """Code point → one folded character, for every character whose fold is one character."""
    table: dict[int, str] = {}
    for code in range(0x3000):
        ch = chr(code)
        if ch.isalnum():
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            low = (base if len(base) == 1 else ch).lower()
            if len(low) == 1 and low != ch:
                table[code] = low
        else:
            table[code] = " "
    return table


def fold_same_length(text: str) -> str:
    """Lowercase, no accents, non-alphanumerics as spaces; same length as ``text``."""
    return text.translate(_fold_table())


@cache
def entries() -> dict[str, int]:
    """Every folded word or phrase with the lists it belongs to."""
    out: dict[str, int] = {}

    def add(words: frozenset[str] | set[str], kind: int) -> None:
        for w in words:
            if w:
                out[w] = out.get(w, 0) | kind

    add(lexicon.given_names(), Kind.GIVEN)
    add(lexicon.surnames(), Kind.SURNAME)
    add(lexicon.name_stopwords(), Kind.STOP)
    add(lexicon.common_words(), Kind.COMMON)
    add(lexicon.country_names(), Kind.COUNTRY)
    add(set(lexicon.demonyms()), Kind.DEMONYM)
    add(lexicon.facilities(), Kind.FACILITY)
    add(lexicon.places(), Kind.PLACE)
    # towns and counties whose every word is a name or a particle ("de la cruz", "mary esther",
    # "hernandez") stay names in prose: a place reading needs a word no name has
    names = ((lexicon.given_names() | lexicon.surnames()) - lexicon.common_words() - lexicon.name_stopwords()) \
        | lexicon.section("text_words.txt", "particles")
    given = lexicon.given_names() - lexicon.common_words() - lexicon.name_stopwords()
    particles = lexicon.section("text_words.txt", "particles")
    add({p for p in lexicon.gazetteer() if not _reads_as_name(p.split(), names, given, particles)}, Kind.PLACE)
    for kind, name in ((Kind.HONORIFIC, "honorifics"), (Kind.OFFICIAL, "officials"),
                       (Kind.CUE, "person_cues"), (Kind.PARTICLE, "particles"),
                       (Kind.NEGATIVE, "number_negatives"), (Kind.HEAD, "heads")):
        add(lexicon.section("text_words.txt", name), kind)
    return out


def _reads_as_name(words: list[str], names: frozenset[str], given: frozenset[str], particles: frozenset[str]) -> bool:
    """A place that could as well be a person ("mary esther", "de la cruz", "hernandez"): every word a
    name, and one word alone, or a given name or a particle first. "port isabel", "pine prairie" are
    places."""
    if not all(w in names for w in words):
        return False
    return len(words) == 1 or words[0] in given or words[0] in particles


@cache
def _automaton() -> tuple[ahocorasick_rs.AhoCorasick, list[int], list[int]]:
    items = sorted(entries().items())
    patterns = [f" {w} " for w, _ in items]
    return (ahocorasick_rs.AhoCorasick(patterns), [k for _, k in items],
            [w.count(" ") + 1 for w, _ in items])


def matches(folded: str) -> list[tuple[int, int, int, int]]:
    """(start, end, kinds, words) of every entry found in the folded text, by start."""
    automaton, kinds, nwords = _automaton()
    found = automaton.find_matches_as_indexes(f" {folded} ", overlapping=True)
    # padded offsets: the match " maria " starts at the space before "maria" (= its index)
    return sorted((start, end - 2, kinds[i], nwords[i]) for i, start, end in found)
