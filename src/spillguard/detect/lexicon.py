"""Word lists shipped in ``spillguard/data`` (see its README for sources and licences)."""

from __future__ import annotations

import gettext
import re
from functools import cache
from importlib import resources

import pycountry

from spillguard.detect.base import fold


def _lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a shipped data file."""
    text = resources.files("spillguard.data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _words(name: str) -> frozenset[str]:
    return frozenset(w for line in _lines(name) for w in line.split())


@cache
def given_names() -> frozenset[str]:
    return _words("given_names.txt")


@cache
def surnames() -> frozenset[str]:
    return _words("surnames.txt")


@cache
def name_stopwords() -> frozenset[str]:
    return _words("name_stopwords.txt")


@cache
def facilities() -> frozenset[str]:
    return frozenset(fold(line) for line in _lines("facilities.txt"))


@cache
def demonyms() -> dict[str, str]:
    text = resources.files("spillguard.data").joinpath("demonyms.tsv").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return {fold(d): code.strip() for d, code in rows}


@cache
def country_names() -> frozenset[str]:
    """Country names in English and Spanish (pycountry + its iso-codes translations), folded."""
    try:
        spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"]).gettext
    except OSError:  # translations not shipped in this pycountry build
        spanish = str
    names: set[str] = set()
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                names.add(fold(value))
                names.add(fold(spanish(value)))
                # "Bolivia, Plurinational State of" → "bolivia"
                names.add(fold(re.split(r"[,(]", value)[0]))
    names |= {fold(w) for w in _lines("country_aliases.txt")}
    names.discard("")
    return frozenset(names)


@cache
def country_codes() -> frozenset[str]:
    codes = {c.alpha_2.lower() for c in pycountry.countries}
    codes |= {c.alpha_3.lower() for c in pycountry.countries}
    return frozenset(codes)


@cache
def common_words() -> frozenset[str]:
    return _words("common_words.txt")


@cache
def section(name: str, title: str) -> frozenset[str]:
    """Entries of one ``[title]`` section of a sectioned word file: each line's words, and the
    line itself when it holds a phrase."""
    out: set[str] = set()
    current = None
    for line in _lines(name):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif current == title:
            out.update(line.split())
            out.add(" ".join(line.split()))
    return frozenset(out)


@cache
def places() -> frozenset[str]:
    """Names of states and provinces where the people concerned live or are held (US, Mexico,
    Central America), from pycountry: a place name is never a person's name."""
    out: set[str] = set()
    for country in ("US", "MX", "GT", "HN", "SV", "CA"):
        for sub in pycountry.subdivisions.get(country_code=country) or ():
            out.add(fold(sub.name))
    out |= {fold(line) for line in _lines("places.txt")}
    return frozenset(out)


@cache
def gazetteer() -> frozenset[str]:
    """Towns, cities and counties (GeoNames, see ``tools/build_places.py``), folded: evidence that
    a capitalised value is a place ("PORT ISABEL", "Chevy Chase") rather than a person."""
    return frozenset(_lines("places_geonames.txt")) | places()
