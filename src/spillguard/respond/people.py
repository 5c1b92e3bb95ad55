"""The affected people of a leaked file: every table and text of it, in every place (the same
reader as the scan: hidden sheets, pivot caches, comments…), read for people — one record per
person, de-duplicated by A-number, then by name + birth date — with the set of fields exposed
for each and where. Plaintext lives only in memory here; what leaves is a keyed HMAC of the
person's key and a masked label."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from spillguard.config import Config
from spillguard.detect import BY_ENTITY
from spillguard.detect.columns import classify
from spillguard.detect.doc import Doc
from spillguard.detect.text import find_spans
from spillguard.formats.base import Source
from spillguard.inspection import Inspector
from spillguard.mask import mask_a_number, mask_name
from spillguard.model import Entity, Incomplete, Table, Text
from spillguard.rules import PLACE_WORDS

#: what can be exposed about a person (the columns read per row)
PERSONAL_FIELDS = (Entity.A_NUMBER, Entity.PERSON_NAME, Entity.DATE_OF_BIRTH, Entity.NATIONALITY, Entity.FACILITY,
                   Entity.SSN, Entity.PASSPORT, Entity.USCIS_RECEIPT, Entity.I94, Entity.ADDRESS, Entity.PHONE,
                   Entity.EMAIL)


@dataclass(slots=True)
class Found:
    """One person as found, before the key is made: plaintext, in memory only."""

    a_number: str | None
    name: str | None
    birth: str | None
    label: str
    fields: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Extraction:
    people: list[Found]
    incomplete: list[str]  # parts that could not be read (the count may be low)


def _norm(entity: Entity, value: str) -> str:
    return str(BY_ENTITY[entity].normalize(pl.Series([value])).item() or "")


def _place(content: Table | Text) -> str:
    where = PLACE_WORDS.get(content.visibility, content.visibility.value)
    loc = content.location
    return " ".join(x for x in (where, f"'{loc.sheet}'" if loc.sheet else loc.part) if x)


def _label(a_number: str | None, name: str | None) -> str:
    bits = [mask_a_number(a_number) if a_number else None, mask_name(name) if name else None]
    return " · ".join(b for b in bits if b) or "(unnamed)"


def _table_rows(table: Table, out: list[Found]) -> None:
    frames = [b for b in table.batches if b.height]
    if not frames:
        return
    cols = {c.index: c.entity for c in classify(table.headers, frames[0].head(2_000)) if c.entity in PERSONAL_FIELDS}
    if not ({Entity.A_NUMBER, Entity.PERSON_NAME} & set(cols.values())):
        return
    place = _place(table)
    index = {e: i for i, e in cols.items()}
    for frame in frames:
        # normalised once per batch, column-wise (polars); the rows are walked in Python after
        present = {e: frame.get_column(f"c{i}").str.strip_chars().fill_null("") for i, e in cols.items()}
        norm = {e: BY_ENTITY[e].normalize(present[e]).fill_null("").to_list()
                for e in (Entity.A_NUMBER, Entity.PERSON_NAME, Entity.DATE_OF_BIRTH) if e in index}
        filled = {e: (present[e] != "").to_list() for e in present}
        raw_names = present[Entity.PERSON_NAME].to_list() if Entity.PERSON_NAME in present else None
        for r in range(frame.height):
            a = norm[Entity.A_NUMBER][r] if Entity.A_NUMBER in norm and filled[Entity.A_NUMBER][r] else None
            name = norm[Entity.PERSON_NAME][r] if Entity.PERSON_NAME in norm and filled[Entity.PERSON_NAME][r] \
                else None
            if not a and not name:
                continue
            birth = norm[Entity.DATE_OF_BIRTH][r] if Entity.DATE_OF_BIRTH in norm and \
                filled[Entity.DATE_OF_BIRTH][r] else None
            shown = raw_names[r] if raw_names is not None and name else None
            out.append(Found(a, name, birth or None, _label(a, shown),
                             {e.value for e in present if filled[e][r]}, {place}))


def _text_people(text: Text, config: Config, out: list[Found]) -> None:
    """A-numbers in text, with the name and birth date on the same line when there are."""
    doc = Doc(text.text)
    spans = [s for s in find_spans(doc, config.min_confidence) if s.entity in PERSONAL_FIELDS]
    by_line: dict[int, list] = {}
    for s in spans:
        by_line.setdefault(doc.line_col(s.start)[0], []).append(s)
    place = _place(text)
    for line in by_line.values():
        a = next((s.value for s in line if s.entity is Entity.A_NUMBER), None)
        name = next((s.value for s in line if s.entity is Entity.PERSON_NAME), None)
        if not a and not name:
            continue
        birth = next((s.value for s in line if s.entity is Entity.DATE_OF_BIRTH), None)
        a_key = _norm(Entity.A_NUMBER, a) if a else None
        out.append(Found(a_key, _norm(Entity.PERSON_NAME, name) if name else None,
                         _norm(Entity.DATE_OF_BIRTH, birth) if birth else None, _label(a_key, name),
                         {s.entity.value for s in line}, {place}))


def extract(path: Path, config: Config) -> Extraction:
    found: list[Found] = []
    incomplete: list[str] = []
    scanner = Inspector(config)
    for content in scanner._contents(Source(path.as_posix(), path=path)):
        if isinstance(content, Incomplete):
            incomplete.append(f"{content.rule}: {content.reason}")
        elif isinstance(content, Table):
            _table_rows(content, found)
        elif isinstance(content, Text):
            _text_people(content, config, found)
    return Extraction(_merge(found), incomplete)


def _merge(found: list[Found]) -> list[Found]:
    """One record per person: by A-number first; a record without one joins the record with the
    same name and birth date; a name alone joins only a record with that name and no other."""
    by_a: dict[str, Found] = {}
    by_name_birth: dict[tuple[str, str], Found] = {}
    rest: list[Found] = []
    for f in sorted(found, key=lambda f: f.a_number is None):
        if f.a_number:
            person = by_a.setdefault(f.a_number, Found(f.a_number, f.name, f.birth, f.label))
        elif f.name and f.birth and (f.name, f.birth) in by_name_birth:
            person = by_name_birth[(f.name, f.birth)]
        else:
            rest.append(f)
            continue
        person.name, person.birth = person.name or f.name, person.birth or f.birth
        person.fields |= f.fields
        person.places |= f.places
        if person.name and person.birth:
            by_name_birth.setdefault((person.name, person.birth), person)
    by_name: dict[str, list[Found]] = {}
    for p in list(by_a.values()):
        if p.name:
            by_name.setdefault(p.name, []).append(p)
    out = list(by_a.values())
    loose: dict[tuple[str, str | None], Found] = {}
    for f in rest:
        if f.name and f.birth and (f.name, f.birth) in by_name_birth:
            target = by_name_birth[(f.name, f.birth)]
        elif f.name and not f.birth and len(by_name.get(f.name, [])) == 1:
            target = by_name[f.name][0]
        else:
            target = loose.setdefault((f.name or "", f.birth), Found(None, f.name, f.birth, f.label))
            if target not in out:
                out.append(target)
        target.fields |= f.fields
        target.places |= f.places
    return out


def person_key(person: Found, hmac: Callable[[str], str]) -> str:
    if person.a_number:
        return hmac(f"A:{person.a_number}")
    return hmac(f"N:{person.name or ''}|{person.birth or ''}")
