"""Word lists shipped in ``spillguard/data`` (see its README for sources and licences).

The large lists are folded and merged once per installation and kept in the user's cache folder
(``$SPILLGUARD_CACHE_DIR``, else ``$XDG_CACHE_HOME/spillguard``, else ``~/.cache/spillguard``) as
marshal files: a process then loads the gazetteer in milliseconds instead of re-folding 60,000
lines, which is most of the time a one-file scan takes. The file's name carries a stamp of the
data files, this code and pycountry's version, so a change rebuilds it (and removes the old one); a cache that cannot be
read or written is rebuilt in memory, never an error. Only public word lists are kept there.
"""

from __future__ import annotations

import functools
import gettext
import hashlib
import marshal
import os
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

import pycountry

from spillguard.detect import base
from spillguard.detect.base import fold


def cache_dir() -> Path:
    explicit = os.environ.get("SPILLGUARD_CACHE_DIR")
    if explicit:
        return Path(explicit)
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "spillguard"


@cache
def _stamp() -> str:
    """What the cached lists are derived from: every data file, this module and the folding code
    (their sizes and modification times), and pycountry's version."""
    parts = [getattr(pycountry, "__version__", "") or ""]
    folder = resources.files("spillguard.data")
    for path in sorted([*(Path(str(p)) for p in folder.iterdir()), Path(__file__), Path(base.__file__)]):
        try:
            st = path.stat()
        except OSError:
            continue
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


def _on_disk(build: Callable[[], frozenset[str]]) -> Callable[[], frozenset[str]]:
    """``build``'s set, from the cache folder when it was built before with the same stamp."""

    @cache
    @functools.wraps(build)
    def load() -> frozenset[str]:
        path = cache_dir() / f"lexicon-{build.__name__}-{_stamp()}.marshal"
        try:
            value = marshal.loads(path.read_bytes())
            if isinstance(value, frozenset):
                return value
        except (OSError, ValueError, EOFError, TypeError):
            pass
        value = build()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            partial.write_bytes(marshal.dumps(value))
            os.replace(partial, path)
            for stale in path.parent.glob(f"lexicon-{build.__name__}-*.marshal"):  # earlier stamps
                if stale != path:
                    stale.unlink(missing_ok=True)
        except OSError:
            pass
        return value

    return load


def _lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of a shipped data file."""
    text = resources.files("spillguard.data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _words(name: str) -> frozenset[str]:
    return frozenset(w for line in _lines(name) for w in line.split())


@_on_disk
def given_names() -> frozenset[str]:
    return _words("given_names.txt")


@_on_disk
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


@_on_disk
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


@_on_disk
def places() -> frozenset[str]:
    """Names of states and provinces where the people concerned live or are held (US, Mexico,
    Central America), from pycountry: a place name is never a person's name."""
    out: set[str] = set()
    for country in ("US", "MX", "GT", "HN", "SV", "CA"):
        for sub in pycountry.subdivisions.get(country_code=country) or ():
            out.add(fold(sub.name))
    out |= {fold(line) for line in _lines("places.txt")}
    return frozenset(out)


@_on_disk
def gazetteer() -> frozenset[str]:
    """Towns, cities and counties (GeoNames, see ``tools/build_places.py``), folded: evidence that
    a capitalised value is a place ("PORT ISABEL", "Chevy Chase") rather than a person."""
    return frozenset(_lines("places_geonames.txt")) | places()
