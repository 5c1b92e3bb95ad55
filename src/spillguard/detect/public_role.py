"""People in a public role: a table of officials or candidates, told from the table's own
evidence — at least two of: headers of office (party, chamber, district, term, votes, bioguide…)
and a column of party affiliations — never from one header word.

Such a table names people in their office (members of Congress with their votes, candidates
with their results); its names are reported (SG212) and do not block, unless the table joins
them to private identifiers (an A-number, an SSN, a passport or identity number), which block
as any personal record does.
"""

from __future__ import annotations

import polars as pl

from spillguard.detect.base import fold_header
from spillguard.model import Entity

#: folded headers that name an office, a term in it or what officials do in it
OFFICE_HEADERS = frozenset({
    "party", "party affiliation", "chamber", "district", "congress", "congressional district", "incumbent",
    "term", "term start", "termstart", "term end", "termend", "terms", "office", "office held", "position",
    "seat", "constituency", "caucus", "committee", "votes", "vote", "vote share", "votes cast", "bioguide",
    "bioguide id", "icpsr", "elected", "election", "candidate", "running mate", "ballot", "portfolio",
    "ministry", "cabinet", "agree pct", "roll call", "sponsor", "cosponsor", "jurisdiction", "title",
    "partido", "cargo", "circunscripcion", "parti", "fonction", "mandat", "fraktion", "wahlkreis"})
#: a column's values that are party affiliations
PARTY_VALUES = frozenset({
    "d", "r", "i", "l", "g", "dem", "rep", "gop", "ind", "lib", "grn", "npa", "dfl", "democrat", "democratic",
    "republican", "independent", "libertarian", "green", "democratic party", "republican party", "labour",
    "conservative", "liberal democrat", "snp", "pan", "pri", "morena", "prd"})
#: entities that stay private whoever is named: joined to these, a public role does not help
PRIVATE_IDENTIFIERS = frozenset({Entity.A_NUMBER, Entity.SSN, Entity.PASSPORT, Entity.USCIS_RECEIPT, Entity.I94,
                                 Entity.NATIONAL_ID, Entity.PAYMENT_CARD})
#: this share of a column's values in PARTY_VALUES makes it a column of party affiliations
_PARTY_SHARE = 0.6


def evidence(headers: list[str], sample: pl.DataFrame) -> str | None:
    """Why the table names people in a public role, or None (fewer than two pieces of evidence)."""
    found: list[str] = []
    for i, header in enumerate(headers):
        folded = fold_header(header)
        if folded in OFFICE_HEADERS:
            found.append(f"header '{header}'")
        name = f"c{i}"
        if name not in sample.columns or folded == "party":
            continue
        values = sample.get_column(name).drop_nulls().str.strip_chars().str.to_lowercase()
        values = values.filter(values != "")
        if len(values) >= 5 and values.is_in(list(PARTY_VALUES)).mean() >= _PARTY_SHARE:
            found.append(f"column '{header or i + 1}' holds party affiliations")
    if len(found) < 2:
        return None
    return "people in a public role: " + ", ".join(found[:4])
