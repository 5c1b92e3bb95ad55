"""Turn one profiled piece of content into at most one finding a person must act on.

One finding per table or text ("hidden sheet 'Detainees' holds 6,252 records with names,
A-numbers and birth dates"), never one per cell.
"""

from __future__ import annotations

import re
from collections import Counter

import polars as pl

from spillguard.detect import BY_ENTITY
from spillguard.detect.base import Span
from spillguard.detect.columns import TableProfile
from spillguard.detect.doc import Doc
from spillguard.detect.person_name import PUBLIC_WHYS
from spillguard.detect.public_role import PRIVATE_IDENTIFIERS
from spillguard.model import (
    DIRECT_IDENTIFIERS,
    IDENTIFIER_PRIORITY,
    Detection,
    Entity,
    Finding,
    Severity,
    Table,
    Text,
    Visibility,
)
from spillguard.rules import HIDDEN_PLACE_RULE, PLACE_WORDS, QUIET_PLACES, RULES, UNSEEN_TEXT

#: a hidden table this big is a data table, not a stray cell (ICO: "hundreds of rows")
DATA_TABLE_ROWS = 100
#: this many distinct direct identifiers make a text a list of people, not a mention
TEXT_LIST_IDENTIFIERS = 10

ENTITY_WORDS: dict[Entity, str] = {
    Entity.PERSON_NAME: "names",
    Entity.A_NUMBER: "A-numbers",
    Entity.SSN: "Social Security numbers",
    Entity.DATE_OF_BIRTH: "birth dates",
    Entity.NATIONALITY: "nationalities",
    Entity.FACILITY: "detention facilities",
    Entity.ADDRESS: "addresses",
    Entity.PHONE: "phone numbers",
    Entity.EMAIL: "e-mail addresses",
    Entity.PASSPORT: "passport numbers",
    Entity.USCIS_RECEIPT: "USCIS receipt numbers",
    Entity.I94: "I-94 numbers",
    Entity.GPS_LOCATION: "GPS locations",
    Entity.NATIONAL_ID: "national identity numbers",
    Entity.PAYMENT_CARD: "payment card numbers",
}


def words(entities: list[Entity]) -> str:
    names = [ENTITY_WORDS[e] for e in entities]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _finding(rule: str, title: str, content: Table | Text, *, severity: Severity | None = None,
             **extra: object) -> Finding:
    return Finding(rule=rule, severity=RULES[rule].default if severity is None else severity, title=title,
                   location=content.location, visibility=content.visibility, **extra)  # type: ignore[arg-type]


#: the rule of evidence: one name alone in a place no reader sees (an annotation's author, a
#: name in an earlier revision's properties, a picture's alt text) is reported, not blocking
INCIDENTAL = "one incidental name, nothing else personal: reported, not blocking"


#: words of an author field that name a program, a role or nothing
_NO_ONE = re.compile(r"(?i)^(?:[\W\d_]+|python|docx|pptx|openpyxl|xlsxwriter|apache|poi|libreoffice|openoffice|office|"
                     r"microsoft|adobe|acrobat|pdf\w*|word|excel|writer|calc|tcpdf|fpdf|reportlab|php\w*|docx4j|"
                     r"aspose|unknown|user|admin\w*|owner|author|creator|windows|test\w*|none|null|n/?a)$")


def _someone(table: Table, batches: list[pl.DataFrame]) -> bool:
    """A document-properties table whose person fields hold something other than a program or a role."""
    from spillguard.detect.gazetteer import Kind, entries

    lexicon = entries()
    for batch in batches:
        for column, header in zip(batch.columns, table.headers, strict=False):
            if not BY_ENTITY[Entity.PERSON_NAME].header_hit(header):
                continue
            for value in batch.get_column(column).drop_nulls().to_list():
                words = [w for w in re.split(r"[\s\-_.,;:()]+", value) if w]
                role = [bool(_NO_ONE.match(w)) or bool(lexicon.get(w.lower(), 0) & (Kind.STOP | Kind.COMMON))
                        for w in words]
                if words and not all(role):
                    return True
    return False


def _unseen_severity(entities: list[Entity], distinct_names: int) -> Severity | None:
    """SG208's severity: its default (high) for personal data beyond a single incidental name,
    medium for one name alone."""
    if entities == [Entity.PERSON_NAME] and distinct_names <= 1:
        return RULES["SG208"].severity("one incidental name")
    return None


def _where(content: Table | Text) -> str:
    place = PLACE_WORDS[content.visibility]
    sheet = content.location.sheet
    if sheet and content.visibility in (Visibility.HIDDEN_SHEET, Visibility.VERY_HIDDEN_SHEET):
        return f"{place} '{sheet}'"
    if sheet:
        return f"{place} of sheet '{sheet}'"
    return place


def _samples(profile: TableProfile) -> list[str]:
    """One sample per entity, identifiers first, three at most; free-text columns after."""
    out: list[str] = []
    for col in sorted(profile.columns, key=lambda c: profile.entities.index(c.entity)):
        if col.samples and len(out) < 3:
            out.append(col.samples[0])
    for prose in profile.prose:
        out.extend(prose.samples[:max(0, 3 - len(out))])
    return out


def _prose_people(prof: TableProfile) -> int:
    """Without an identifier column: the rows whose free text holds a direct identifier, or
    every row when the identifiers are in columns that could not be de-duplicated."""
    if prof.prose and not any(c.entity in DIRECT_IDENTIFIERS for c in prof.columns):
        return max(p.rows_with_identifier for p in prof.prose)
    return prof.rows


def table_finding(table: Table, prof: TableProfile, kept: list[pl.DataFrame] | None = None) -> Finding | None:
    """The finding of one profiled table; ``kept`` holds the batches of a small table (document
    properties) whose values the finding still needs."""
    if prof.rows == 0:
        return None  # empty hidden rows or sheets are not findings
    entities = prof.entities
    direct = [e for e in entities if e in DIRECT_IDENTIFIERS]
    hidden = table.visibility.hidden
    why = "; ".join([c.explain() for c in prof.columns] + [p.explain() for p in prof.prose])
    if table.note:
        why = f"{table.note}. {why}" if why else table.note
    confidence = max([c.confidence for c in prof.columns] + [p.confidence for p in prof.prose], default=None)
    common = {"entities": entities, "rows": prof.rows, "samples": _samples(prof), "why": why,
              "confidence": confidence}

    if table.visibility is Visibility.METADATA:
        if not entities:
            people = [h for h in table.headers if h and BY_ENTITY[Entity.PERSON_NAME].header_hit(h)]
            if not people or not _someone(table, kept or []):
                return None
            # an author or creator field that holds someone the lexicons do not know ("Sample
            # Author 1", an account): listed, as Office's Document Inspector lists it (info)
            return _finding("SG501", f"Document properties name an author ({', '.join(people[:3])})", table,
                            records=1, severity=RULES["SG501"].severity("an unknown author"),
                            **{**common, "why": "a field for a person holds a value the name lexicons do not know"})
        if (Entity.PERSON_NAME in entities and set(entities) & LINKING) or (
                Entity.A_NUMBER in entities and set(entities) & LINKING_A_NUMBER):
            # a name with an A-number, a birth date or a document number in the properties (custom
            # properties of a case file): a linked identity no reader sees
            return _finding("SG211", f"A person's {words(entities)} together {_where(table)}", table,
                            records=1, **{**common, "why": f"linked identity in document properties; {why}"})
        rule = "SG501" if entities == [Entity.PERSON_NAME] else "SG502"
        return _finding(rule, f"Document properties name a person ({words(entities)})", table,
                        records=sum(c.matches for c in prof.columns), **common)
    if prof.public_role and direct and not set(entities) & PRIVATE_IDENTIFIERS:
        # officials or candidates in their office: named, reported, never blocking on its own
        count = prof.people if prof.people is not None else prof.rows
        return _finding("SG212", f"People in a public role {_where(table)}: {words(entities)} ({count:,} rows)",
                        table, records=count, **{**common, "why": f"{prof.public_role}; {why}"})
    if prof.names_alone and entities == [Entity.PERSON_NAME]:
        # one-word names alone ("Alex", "Jacques"; a list of first names with their frequency)
        # identify no one: reported wherever they sit
        count = prof.rows
        return _finding("SG203", f"A column of one-word names {_where(table)} ({count:,} values)", table,
                        records=count, **{**common, "why": f"given names or surnames alone identify no one; {why}"})
    record_ids = {c.entity for c in prof.columns} | {e for p in prof.prose if not p.mentions_only for e in p.counts}
    if direct and not record_ids & DIRECT_IDENTIFIERS:
        # identifiers only as mentions in free text: no column of people, so no records
        mentions = sum(p.rows_with_identifier for p in prof.prose)
        unseen = table.visibility in UNSEEN_TEXT
        rule = "SG208" if unseen else "SG205"
        severity = _unseen_severity(entities, mentions) if unseen else None
        if severity is not None:
            common["why"] = f"{INCIDENTAL}; {why}"
        title = f"{words(direct).capitalize()} mentioned in free text {_where(table)} ({mentions:,} cells)"
        return _finding(rule, title, table, records=mentions, severity=severity, **common)
    if direct and len(entities) >= 2:
        rule = "SG201" if hidden else "SG202"
        count = prof.people if prof.people is not None else _prose_people(prof)
        title = f"{count:,} personal records {_where(table)}: {words(entities)}"
        return _finding(rule, title, table, records=count, **common)
    if direct:
        rule = "SG204" if hidden else "SG203"
        count = prof.people if prof.people is not None else _prose_people(prof)
        title = f"A column of {words(entities)} {_where(table)} ({count:,} values)"
        return _finding(rule, title, table, records=count, **common)
    if Entity.DATE_OF_BIRTH in entities:
        title = f"Birth dates {_where(table)} ({prof.rows:,} rows)"
        return _finding("SG206", title, table, **common)
    if not hidden:
        return None
    rows_word = f"{prof.rows:,} row{'s' if prof.rows != 1 else ''}"
    # a collapsed outline group is a table's detail a reader opens with one click (statistical
    # tables group their months): big, but only a data table when its rows are hidden outright
    if table.row_aligned and prof.rows >= DATA_TABLE_ROWS and table.visibility is not Visibility.FILTERED_OR_GROUPED:
        title = f"A data table of {rows_word} {_where(table)}"
        return _finding("SG116", title, table, **common)
    rule = HIDDEN_PLACE_RULE.get(table.visibility, "SG101")
    title = f"Content {_where(table)}: {rows_word}, {prof.cells:,} non-empty cells"
    return _finding(rule, title, table, **common)


#: a name and one of these within this many characters of each other identify one person
LINK_CHARS = 400
#: what links to a name to make a personal record in text: an A-number, a birth date or a document
#: number — under the asylum confidentiality rule (8 CFR 208.6) one person so linked is a disclosure
LINKING = frozenset({Entity.A_NUMBER, Entity.DATE_OF_BIRTH, Entity.SSN, Entity.PASSPORT, Entity.USCIS_RECEIPT,
                     Entity.I94, Entity.NATIONAL_ID, Entity.PAYMENT_CARD})
#: and to an A-number: a birth date or another document number
LINKING_A_NUMBER = LINKING - {Entity.A_NUMBER}


def _linked(spans: list[Span]) -> str:
    """Why the spans identify a person: a name near an A-number, a birth date or a document
    number, or an A-number near a birth date or a document number (a death report, a case
    summary, a sticky note); empty when nothing is linked."""
    names = [s for s in spans if s.entity is Entity.PERSON_NAME and not s.why.endswith(PUBLIC_WHYS)]
    anumbers = [s for s in spans if s.entity is Entity.A_NUMBER]
    for group, linking in ((names, LINKING), (anumbers, LINKING_A_NUMBER)):
        for a in group:
            for b in spans:
                if b.entity in linking and abs(b.start - a.start) <= LINK_CHARS:
                    return f"linked identity: {a.entity.value} with {b.entity.value}"
    return ""


#: entities that, alone in text, are places rather than people ("moved to Otay Mesa")
PLACE_ENTITIES = frozenset({Entity.FACILITY, Entity.NATIONALITY})

#: at most this many detections are listed in one text finding
MAX_DETECTIONS = 100


def _detections(text: Text, doc: Doc, spans: list[Span], show_values: bool) -> list[Detection]:
    out: list[Detection] = []
    base = text.location.line
    for span in spans[:MAX_DETECTIONS]:
        line, column = doc.line_col(span.start)
        out.append(Detection(
            entity=span.entity, line=None if base is None else base + line,
            column=column if base is not None else None, confidence=span.confidence, why=span.why,
            sample=span.value if show_values else BY_ENTITY[span.entity].mask(span.value)))
    return out


def text_finding(text: Text, doc: Doc, spans: list[Span], *, show_values: bool) -> Finding | None:
    if not text.text.strip():
        return None
    if spans:
        detections = _detections(text, doc, spans, show_values)
        first = detections[0]
        if first.line is not None:
            text = Text(text.location.with_(line=first.line, column=first.column), text.visibility,
                        text.text, text.label)
        extra: dict[str, object] = {"detections": detections,
                                    "confidence": max(s.confidence for s in spans)}
    else:
        extra = {}
    by_entity = Counter(s.entity for s in spans)
    entities = sorted(by_entity, key=lambda e: [*IDENTIFIER_PRIORITY, *Entity].index(e))
    samples: list[str] = []
    for entity in entities:
        span = next(s for s in spans if s.entity is entity)
        samples.append(span.value if show_values else BY_ENTITY[entity].mask(span.value))
    why = "; ".join(f"{e.value}: {next(s.why for s in spans if s.entity is e)} ({by_entity[e]}×)"
                    for e in entities)
    label = f" ({text.label})" if text.label else ""
    places: list[Entity] = []
    if entities and set(entities) <= PLACE_ENTITIES:
        # a facility or a country named in prose points at no one: not a finding in plain view;
        # in a hidden place (under a redaction box, in an earlier revision) it is named with the
        # place's own finding, whose severity stands
        places = entities if text.visibility.hidden else []
        entities = [] if text.visibility is not Visibility.METADATA else entities
    if entities:
        # one severity model for every place: what is found decides, not where
        records = max(by_entity[e] for e in entities)
        # names that label rows of counts (candidates in election results) make no list of people
        distinct = len({(s.entity, s.value) for s in spans if s.entity in DIRECT_IDENTIFIERS
                        and not s.why.endswith(PUBLIC_WHYS)})
        linked = _linked(spans)
        listing = distinct >= TEXT_LIST_IDENTIFIERS
        hidden = text.visibility.hidden
        if linked and hidden:
            # a linked identity in a place no reader sees (metadata, comments, notes, hidden text…)
            what = "A list of people" if listing else f"A person's {words(entities)} together"
            return _finding("SG211", f"{what} {_where(text)}{label}", text, entities=entities,
                            samples=samples[:3], records=records, why=f"{linked}; {why}", **extra)
        if listing:
            title = f"A list of people {_where(text)}{label}: {words(entities)}"
            return _finding("SG207", title, text, entities=entities, samples=samples[:3],
                            records=records, why=f"{distinct:,} distinct direct identifiers; {why}", **extra)
        if linked:
            title = f"A person's {words(entities)} together {_where(text)}{label}"
            return _finding("SG209", title, text, entities=entities, samples=samples[:3], records=records,
                            why=f"{linked}; {why}", **extra)
        if text.visibility is Visibility.METADATA:
            rule = "SG501" if entities == [Entity.PERSON_NAME] else "SG502"
            return _finding(rule, f"Document properties{label} hold {words(entities)}", text,
                            entities=entities, samples=samples[:3], why=why, **extra)
        title = f"{words(entities).capitalize()} {_where(text)}{label}"
        direct = [e for e in entities if e in DIRECT_IDENTIFIERS]
        unseen = bool(direct) and text.visibility in UNSEEN_TEXT
        severity = _unseen_severity(entities, distinct) if unseen else None
        return _finding("SG208" if unseen else "SG205", title, text, entities=entities, samples=samples[:3],
                        records=records, why=why if severity is None else f"{INCIDENTAL}; {why}",
                        severity=severity, **extra)
    if text.visibility is Visibility.METADATA or text.visibility in QUIET_PLACES:
        return None
    if not text.visibility.hidden:
        return None
    rule = HIDDEN_PLACE_RULE.get(text.visibility, "SG101")
    title = f"Text {_where(text)}{label}: {sum(not c.isspace() for c in text.text):,} characters"
    if places:
        return _finding(rule, title + f" naming {words(places)}", text, entities=places, samples=samples[:3],
                        why=f"{why}; no one identified in it", **extra)
    return _finding(rule, title, text, why="no personal data recognised; review before publishing")
