"""Person names: in columns (roster shapes) and in free text (capitalised runs weighed against
given-name and surname lexicons of the cultures concerned, honorifics and context words)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from functools import cache

import polars as pl

from spillguard.detect import lexicon, name_context, nonlatin
from spillguard.detect.base import Detector, Span, fold_header, fold_series, phrase_in
from spillguard.detect.doc import Doc, Word
from spillguard.detect.gazetteer import NAME, PLACE_LIKE, Kind
from spillguard.mask import mask_name
from spillguard.model import Entity

_PARTICLES = "de|del|la|las|los|da|das|do|dos|du|van|von|der|den|bin|binti|ibn|al|el|y|e|di|le|ben|abu|ter|mac|st"
_TOKEN = r"(?:\p{Lu}[\p{L}'’\-]*\.?|(?:al|el|ad|ar|as|at|az|ash)-\p{Lu}[\p{L}'’\-]*)"
_LEAD = rf"(?:(?i:{_PARTICLES})\s+)*"  # "de la Cruz", "bin Saleh"
_NAME = (
    rf"^{_TOKEN}(?:[\s]+(?:(?:{_PARTICLES})\s+)*{_TOKEN}){{1,5}}$"  # First [de] Last
    # LAST, First
    rf"|^{_LEAD}{_TOKEN}(?:[\s-]+(?:(?:{_PARTICLES})\s+)*{_TOKEN}){{0,3}},\s*{_TOKEN}(?:\s+{_TOKEN}){{0,3}}$"
)
#: letters-only words in any case, as people type their names into an author field ("julien voisin")
#: a name in lower case under a name header: "maria lopez", "lopez, maria a" (any letter case)
_PLAIN = r"^\p{Ll}[\p{L}'’.\-]+,?(?:\s+\p{L}[\p{L}'’.\-]*){0,3}$"
_ONE = rf"^{_LEAD}{_TOKEN}(?:[\s-]+(?:(?:{_PARTICLES})\s+)*{_TOKEN}){{0,3}}$"  # one field of a split name


@cache
def _places() -> pl.Series:
    """Country and facility names: never a person's name (built once, not per batch)."""
    return pl.Series(sorted(_place_set())).implode()


@cache
def _known_names() -> pl.Series:
    return pl.Series(sorted(lexicon.given_names() | lexicon.surnames())).implode()


@cache
def _name_set() -> frozenset[str]:
    return frozenset(lexicon.given_names() | lexicon.surnames())


@cache
def _place_set() -> frozenset[str]:
    return frozenset(lexicon.country_names() | lexicon.facilities() | lexicon.gazetteer())


@cache
def _particle_set() -> frozenset[str]:
    return frozenset(lexicon.section("text_words.txt", "particles"))


#: under this many values, set lookups in Python beat polars' ``is_in``, which hashes the whole
#: lexicon (58,000 names) on every call; above it, polars wins. Same answers either way.
_SMALL = 2_000


#: a lexicon as a Python set (small inputs) and as a polars list (large ones), each built on first use
Lexicon = tuple[Callable[[], frozenset[str]], Callable[[], pl.Series]]


def _in(values: pl.Series, lexicon: Lexicon) -> pl.Series:
    if len(values) < _SMALL:
        words = lexicon[0]()
        return pl.Series(values.name, [v in words if v is not None else None for v in values.to_list()],
                         dtype=pl.Boolean)
    return values.is_in(lexicon[1]())


def _words_in(words: pl.Series, how: str, *lexicons: Lexicon) -> pl.Series:
    """Per row of a list-of-words column: are all (``how="all"``) or any of its words in the lexicons?"""
    if len(words) < _SMALL:
        test = all if how == "all" else any
        sets = [lexicon[0]() for lexicon in lexicons]
        return pl.Series([None if ws is None else test(any(w in s for s in sets) for w in ws)
                          for ws in words.to_list()], dtype=pl.Boolean)
    expr = pl.lit(False)
    for _, series in lexicons:
        expr = expr | pl.element().is_in(series())
    out = words.list.eval(expr)
    return out.list.all() if how == "all" else out.list.any()


@cache
def _particles() -> pl.Series:
    return pl.Series(sorted(lexicon.section("text_words.txt", "particles"))).implode()


@cache
def _stopword_regex() -> str:
    words = sorted(lexicon.name_stopwords(), key=len, reverse=True)
    return r"\b(?:" + "|".join(map(re.escape, words)) + r")\b"


#: nouns of places, organisations and things: "<noun> name" in a header names no person
_THING_NOUNS = (
    "office", "field office", "facility", "agency", "company", "business", "firm", "vendor", "org",
    "organization", "organisation", "department", "dept", "division", "unit", "program", "programme",
    "project", "plan", "fund", "account", "school", "district", "hospital", "clinic", "place",
    "polling place", "location", "site", "venue", "building", "city", "town", "county", "state",
    "country", "province", "region", "area", "street", "road", "precinct", "ward", "court", "jail",
    "center", "centre", "institution", "trade", "brand", "product", "item", "dog", "pet", "animal",
    "breed", "file", "sheet", "field", "table", "host", "event", "team", "party", "station", "route",
    "park", "hotel", "store", "shop", "branch", "bank", "plant", "project", "grant", "award", "course",
    "municipality", "municipio", "commune", "borough", "township", "parish", "village", "zip", "postcode",
    "employer", "variety", "cultivar", "species", "crop", "commodity", "category", "industry", "sector")
#: a header that is one of these nouns says its values are places, organisations or products:
#: such a column is no column of people whatever surnames its values share
_THING_HEADS = frozenset({
    "office", "facility", "agency", "company", "business", "firm", "organization", "organisation", "department",
    "division", "school", "district", "hospital", "clinic", "place", "location", "site", "venue", "building",
    "city", "town", "county", "state", "country", "province", "region", "area", "street", "road", "precinct",
    "ward", "jail", "center", "centre", "institution", "brand", "product", "item", "breed", "park", "hotel",
    "store", "shop", "branch", "bank", "municipality", "municipio", "commune", "borough", "township", "parish",
    "village", "zip", "postcode", "employer", "variety", "cultivar", "species", "crop", "commodity",
    "ciudad", "condado", "estado", "pais", "ville", "pays"})

#: a header that says "name" and no more: a name of anything
_GENERIC_HEADERS = frozenset({"name", "names", "nombre", "nom", "nome", "naam"})

#: headers of name parts split over columns, as case systems export them; only as the whole
#: header ("Last Inspection Type" is no name)
_SPLIT_HEADERS = frozenset({"first", "last", "middle", "given", "f name", "l name", "first nm", "last nm", "nom",
                            "nome", "mi", "middle initial"})

#: text gaps allowed inside a name: spaces, or "M. " after an initial
_GAP = re.compile(r"[ \t]{1,3}|\.[ \t]{1,2}|\.")
#: how far back an honorific, an official's title or a person cue may stand
_CONTEXT_WORDS = 3


#: re-exported: the endings of a span's why that say the name is no private person
COUNT_ROW_WHY, CITED_WHY, PUBLIC_WHYS = name_context.COUNT_ROW_WHY, name_context.CITED_WHY, name_context.PUBLIC_WHYS


class PersonName(Detector):
    """Person names in the forms rosters use: ``Maria Gomez``, ``GOMEZ LOPEZ, Maria``,
    ``al-Hassan``, ``Wang Xiaoming``. Numbers, dates, places and institutions are never names."""

    entity = Entity.PERSON_NAME
    needs_letter = True
    header_terms = ("name", "names", "full name", "first name", "last name", "surname", "surnames",
                    "given name", "given names", "family name", "middle name", "last first",
                    "nombre", "nombres", "apellido", "apellidos", "nombre completo", "detainee",
                    "detainee name", "alien name", "person", "client", "client name",
                    "beneficiary", "applicant", "respondent", "author", "creator",
                    "last modified by", "lastmodifiedby", "manager", "display name", "displayname",
                    "artist", "xpauthor", "camera owner name", "cameraownername", "owner name", "by line",
                    "fname", "lname", "forename", "forenames", "prenom", "sobrenome",
                    # the notices' languages in their own scripts (looked for as written)
                    "姓名", "名字", "фио", "ф.и.о", "фамилия", "имя", "отчество", "прізвище", "ім'я",
                    "الاسم", "اسم", "الإسم", "اللقب")
    header_excludes = ("facility name", "name of facility", "country name", "file name",
                       "sheet name", "company name", "organization name", "org name",
                       "agency name", "city name", "state name", "street name", "field name",
                       "product name", "nombre de la instalacion", "nombre del centro",
                       "nombre del pais", "user name", "username", "host name", "table name")
    min_share_with_header = 0.6
    #: headers of a role that people and organisations both fill (a payee, a claimant): values
    #: are judged as without a header (full names, lexicon evidence), but a quarter of them being
    #: people makes the column a column of names; only those values are counted
    role_terms = ("payee", "payees", "claimant", "claimants", "plaintiff", "plaintiffs", "defendant",
                  "defendants", "victim", "victims", "decedent", "deceased", "recipient", "recipients",
                  "complainant", "complainants", "petitioner", "insured", "employee", "employees", "inmate",
                  "inmates", "patient", "patients", "student", "students", "tenant", "tenants", "vendor name")
    min_share_role = 0.25

    def share_needed(self, header: str, header_hit: bool) -> float:
        folded = fold_header(header)
        if not header_hit and phrase_in(self.role_terms, folded):
            return self.min_share_role
        return super().share_needed(header, header_hit)

    def header_hit(self, header: str) -> bool:
        # "office_name", "Name of Facility", "polling place name": a name of a thing, not a person
        folded = fold_header(header)
        if folded in _SPLIT_HEADERS:
            return True  # "first", "last": name parts split over columns, the whole header only
        if any(f" {noun} name" in f" {folded}" or f"name of {noun}" in folded or f"name of the {noun}" in folded
               for noun in _THING_NOUNS):
            return False
        return super().header_hit(header)

    # -- columns -----------------------------------------------------------------------------

    def match(self, values: pl.Series, header_hit: bool) -> pl.Series:
        v = values.str.strip_chars()
        if header_hit:
            # "Johann Tuffe (jtuffe010814)", "Ana Ruiz <ana@example.org>": the name before an
            # account id or an address
            v = v.str.replace(r"\s*[(<\[][^)>\]]*[)>\]]$", "").str.strip_chars()
        shape = v.str.contains(_NAME)
        folded = fold_series(v)
        if header_hit:
            # under a header that says so ("Name", "creator"), a plain lowercase value is a name too
            shape = shape | v.str.contains(_ONE) | v.str.contains(_PLAIN)
        else:
            # a split-name column without a header ("Diallo", "Oleksandr"): every word known.
            # Only the few values of that shape are looked up (numbers and dates never are).
            single = (v.str.contains(_ONE) & ~shape).fill_null(False)
            if single.any():
                idx = single.arg_true()
                words = folded.gather(idx).str.split(" ")
                known = _words_in(words, "all", (_name_set, _known_names), (_particle_set, _particles))
                shape = shape.scatter(idx, known)
        scripts = v.str.contains(nonlatin.SCRIPTS_PATTERN).fill_null(False)
        if scripts.any():
            # names in Han, Cyrillic or Arabic script: their own evidence (detect/nonlatin.py)
            idx = scripts.arg_true()
            found = v.gather(idx).map_elements(nonlatin.is_name, return_dtype=pl.Boolean).fill_null(False)
            # under a name header its own shape still counts ("Алена" as a document's creator)
            shape = shape.scatter(idx, found | (shape.gather(idx) & header_hit))
        not_place = ~_in(folded, (_place_set, _places))
        if not not_place.all():
            # "Guadalupe" is a place and a name: a known name is not excluded as a place. A value
            # of several words that is a place as a whole ("PORT ISABEL", "Chevy Chase") is one.
            idx = (~not_place & ~folded.str.contains(" ", literal=True)).fill_null(False).arg_true()
            not_place = not_place.scatter(idx, _in(folded.gather(idx), (_name_set, _known_names)))
        no_stopword = ~folded.str.contains(_stopword_regex())
        return shape & not_place & no_stopword & (v.str.len_chars() <= 80)

    def column_ok(self, values: pl.Series, matched: pl.Series, header_hit: bool, header: str = "") -> bool:
        if header_hit and fold_header(header) in _GENERIC_HEADERS:
            # "Name" over one-word values names anything (a pastry, a product, a project): the
            # values must be names by the lexicons, as without a header
            kept = values.filter(matched)
            single = ~kept.str.contains(r"\S\s+\S")
            if len(kept) and single.mean() >= 0.9:
                words = fold_series(kept).str.split(" ")
                hits = _words_in(words, "any", (_name_set, _known_names)) | kept.str.contains(nonlatin.SCRIPTS_PATTERN)
                return bool((hits.mean() or 0) >= 0.3)
        if header_hit:
            return True
        folded = fold_header(header)
        if folded and folded.split(" ")[-1] in _THING_HEADS:
            # "County", "Polling place", "Employer": the header says its values are places or
            # organisations, whatever surnames they share ("Adams", "Douglas", "Grant"); only full
            # names (two words or more) under it are people — rows of a roster hidden under an
            # aggregate table's "Facility" header still are
            full = matched & values.str.contains(r"\S\s+\S")
            if full.sum() < self.min_share_without_header * len(values):
                return False
        # No header: a column of people has many different values (a column repeating one or
        # two words, such as a facility called "Stewart", is a category) ...
        if len(values) >= 10 and values.filter(matched).n_unique() <= max(2, len(values) // 20):
            return False
        # ... and the values must also contain known given names or surnames.
        kept = values.filter(matched)
        words = fold_series(kept).str.split(" ")
        hits = _words_in(words, "any", (_name_set, _known_names))
        # a name in another script was matched on its own evidence: it counts as a lexicon hit
        hits = hits | kept.str.contains(nonlatin.SCRIPTS_PATTERN).fill_null(False)
        return bool(hits.mean() or 0) >= 0.3

    def normalize(self, values: pl.Series) -> pl.Series:
        # "GOMEZ, Maria" and "Maria Gomez" are the same person: sort the folded words.
        return fold_series(values).str.split(" ").list.sort().list.join(" ")

    def mask(self, value: str) -> str:
        return mask_name(value)

    # -- text --------------------------------------------------------------------------------

    def find_text(self, doc: Doc) -> Iterator[Span]:
        words = doc.words
        heading = name_context.REFERENCES.search(doc.text)
        cited_from = heading.end() if heading else len(doc.text) + 1
        blocked = _phrase_blocked(doc)
        runs = list(_runs(doc, words, blocked))
        i = 0
        while i < len(runs):
            run = runs[i]
            # "GOMEZ LOPEZ, Maria" / "Garcia, Maria José": a surname part, a comma, given names
            nxt = runs[i + 1] if i + 1 < len(runs) else None
            if nxt and _inverted(doc, words, run, nxt):
                span = _score(doc, words, run[0], nxt[1], inverted=True)
                i += 2
            else:
                span = _score(doc, words, run[0], run[1], inverted=False)
                i += 1
            if span is not None:
                yield span if span.start < cited_from else Span(
                    span.entity, span.start, span.end, span.value, span.why + name_context.CITED_WHY, span.confidence)
        yield from nonlatin.find_text(doc)


def _phrase_blocked(doc: Doc) -> set[int]:
    """Word indexes inside multi-word places, facilities, countries or stop phrases."""
    out: set[int] = set()
    starts = [w.start for w in doc.words]
    for p in doc.phrases:
        if not p.kinds & (PLACE_LIKE | Kind.STOP):
            continue
        i = bisect.bisect_left(starts, p.start)
        while i < len(starts) and doc.words[i].end <= p.end:
            out.add(i)
            i += 1
    return out


#: lexicon hits that say little: a surname that is also a stop word or a common word ("Ice", "Date")
_WEAK = Kind.STOP | Kind.COMMON

#: endings of English common nouns, adverbs and participles: a capitalised word no name lexicon
#: knows that ends so ("Investigations", "Currently", "Refunding", "Alternatives") is no name
_COMMON_ENDING = re.compile(
    r"(?:tions?|sions?|ments?|ness|ities|ity|ings?|ly|ives|ances?|ences?|ships?|ures|isms?|ists|ories|"
    r"ables?|ibles?|ations|izes?|ises?|ed|als)$", re.IGNORECASE)


#: prefixes of English compounds: "Non-User", "Anti-Fraud", "Post-Release" are no names
_COMMON_PREFIX = re.compile(r"(?:non|anti|pre|post|sub|multi|inter|self|co|re|un|over|under|cross)-", re.IGNORECASE)


def _nameable(w: Word, i: int, blocked: set[int]) -> bool:
    if i in blocked or not w.capitalised:
        return False
    k = w.kinds
    if k & (Kind.OFFICIAL | Kind.HONORIFIC | Kind.HEAD):
        return False  # "Judge", "Major", "Bishop" are surnames too, but not before a name
    if k & NAME:
        return True
    if w.initial:
        return True
    if len(w.text) > 4 and (_COMMON_ENDING.search(w.text) or _COMMON_PREFIX.match(w.text)):
        return False
    # a capitalised word that is a common word, an institution, a place or a title is no name
    return not k & (Kind.STOP | Kind.COMMON | PLACE_LIKE | Kind.DEMONYM | Kind.HONORIFIC
                    | Kind.OFFICIAL | Kind.CUE | Kind.NEGATIVE)


def _runs(doc: Doc, words: list[Word], blocked: set[int]) -> Iterator[tuple[int, int]]:
    """[first, last) word ranges of capitalised name-like words, joined by spaces, initials'
    dots or lowercase particles ("María de la Cruz")."""
    text = doc.text
    i, n = 0, len(words)
    blocked = blocked | {k for k, w in enumerate(words) if _glued(text, w)}
    while i < n:
        if not _nameable(words[i], i, blocked) or (words[i].initial and not _dot_after(text, words[i])):
            i += 1
            continue
        j = i + 1
        while j < n:
            gap = text[words[j - 1].end:words[j].start]
            if not _GAP.fullmatch(gap):
                break
            w = words[j]
            if w.kinds & Kind.PARTICLE and not w.capitalised:
                # a particle only inside a name: it must be followed by a name word
                k = j
                while k < n and words[k].kinds & Kind.PARTICLE and not words[k].capitalised \
                        and _GAP.fullmatch(text[words[k - 1].end:words[k].start]):
                    k += 1
                if k < n and _GAP.fullmatch(text[words[k - 1].end:words[k].start]) \
                        and _nameable(words[k], k, blocked):
                    j = k + 1
                    continue
                break
            if not _nameable(w, j, blocked):
                break
            j += 1
        # a capital letter ends a name only as an initial with its dot: "Omar Haddad A# 2…" ends at Haddad
        while j - 1 > i and words[j - 1].initial and not _dot_after(text, words[j - 1]):
            j -= 1
        yield i, j
        i = j


def _glued(text: str, w: Word) -> bool:
    """Letters stuck to digits ("A206316960", "FY2024") are codes, not names."""
    return text[w.end:w.end + 1].isdigit() or (w.start > 0 and text[w.start - 1].isdigit())


def _dot_after(text: str, w: Word) -> bool:
    return text[w.end:w.end + 1] == "."


def _inverted(doc: Doc, words: list[Word], run: tuple[int, int], nxt: tuple[int, int]) -> bool:
    a, b = run, nxt
    gap = doc.text[words[a[1] - 1].end:words[b[0]].start]
    if not re.fullmatch(r",[ \t]?", gap) or a[1] - a[0] > 3 or b[1] - b[0] > 3:
        return False
    first_a, first_b = words[a[0]], words[b[0]]
    all_upper = all(words[k].upper for k in range(a[0], a[1]))
    b_title = not any(words[k].upper for k in range(b[0], b[1]))
    if all_upper and b_title:
        # "KAUR, Rajesh": the roster form; either half known is enough
        return bool(first_b.kinds & Kind.GIVEN or any(words[k].kinds & Kind.SURNAME for k in range(a[0], a[1])))
    if not first_b.kinds & Kind.GIVEN:
        return False
    # "Maria Lopez, Jose Perez" is a list of two names, not "LAST, First"
    return bool(first_a.kinds & Kind.SURNAME and not first_a.kinds & Kind.GIVEN) \
        or (a[1] - a[0] == 1 and bool(first_a.kinds & Kind.SURNAME))


def _context(doc: Doc, words: list[Word], first: int) -> int:
    """What stands right before a name: an honorific or an official's title (only title words
    between them: "Acting Deputy Director"), or a person cue among the few words before."""
    out = 0
    k = first - 1
    while k >= 0 and words[k].kinds & (Kind.HONORIFIC | Kind.OFFICIAL) and first - k <= _CONTEXT_WORDS \
            and re.fullmatch(r"\.?[ \t]+|[ \t]*[-–—:][ \t]*", doc.text[words[k].end:words[k + 1].start]):
        out |= words[k].kinds & (Kind.HONORIFIC | Kind.OFFICIAL)
        k -= 1
    for k in range(max(0, first - _CONTEXT_WORDS), first):
        out |= words[k].kinds & Kind.CUE
    return out


def _cue_right_before(doc: Doc, words: list[Word], first: int) -> bool:
    """A person cue the word before the name, or two before with only an article between
    ("detainee Tsegay", "the detainee, Gulalai")."""
    for k in (first - 1, first - 2):
        if k < 0:
            return False
        if words[k].kinds & Kind.CUE:
            return bool(re.fullmatch(r",?[ \t]+|[ \t]+(?:the|la|el)[ \t]+", doc.text[words[k].end:words[first].start],
                                     re.IGNORECASE)) or (k == first - 1 and bool(
                re.fullmatch(r",[ \t]*", doc.text[words[k].end:words[first].start])))
    return False


def _sentence_start(doc: Doc, w: Word) -> bool:
    return not doc.text[:w.start].strip() or doc.text[:w.start].rstrip()[-1] in ".!?:;\n\"“(-•*#>"


def _score(doc: Doc, words: list[Word], first: int, last: int, *, inverted: bool) -> Span | None:
    # "Yesterday Maria Lopez": a sentence's first word is capitalised anyway
    while last - first > 2 and not words[first].kinds & NAME and words[first + 1].kinds & Kind.GIVEN \
            and _sentence_start(doc, words[first]):
        first += 1
    # In ALL-CAPS text capitals say nothing about names: unknown words at either end of the
    # run are not part of one ("DETAINEE MARIA LOPEZ REPORTED PAIN"). A capitalised name in
    # mixed-case text ("detainee ANA XICARÁ said") keeps its unknown surname.
    shouting = not inverted and ((first > 0 and words[first - 1].upper)
                                 or (last < len(words) and words[last].upper))
    while shouting and last - first > 1 and words[last - 1].upper and not words[last - 1].kinds & NAME:
        last -= 1
    while shouting and last - first > 1 and words[first].upper and not words[first].kinds & NAME:
        first += 1
    parts = [w for w in words[first:last] if not (w.kinds & Kind.PARTICLE and not w.capitalised)]
    names = [w for w in parts if not w.initial]
    before = _context(doc, words, first)
    honorific = bool(before & Kind.HONORIFIC)
    if not names or len(names) > 6:
        return None
    # one name alone ("detainee Tsegay", "the respondent, Gulalai,"): many people carry a
    # single name (Afghanistan, the Horn of Africa, Indonesia); a person cue right before it and
    # a lexicon name, never a common word or a place, make it one
    single = len(names) == 1 and not (honorific or inverted)
    if single and not (_cue_right_before(doc, words, first) and names[0].kinds & NAME
                       and not names[0].kinds & (_WEAK | PLACE_LIKE | Kind.DEMONYM)):
        return None
    if before & Kind.OFFICIAL and not honorific:
        return None  # "Secretary Ana Ruiz", "Judge Lee": officials acting in office
    if len(names) >= 2 and len({w.text.lower() for w in names}) == 1:
        return None  # "NA NA", "Total Total": a repeated word is no name
    # an abbreviation of two capitals after a mixed-case name ("Marcellus NY") ends it
    if len(names) >= 2 and len(names[-1].text) == 2 and names[-1].upper and not names[0].upper:
        names.pop()
        last -= 1
        if len(names) < 2 and not (honorific or inverted):
            return None
    if not (honorific or inverted) and not all(w.upper for w in names) and name_context.title_line(doc, words[first]) \
            and not all(w.kinds & NAME and not w.kinds & _WEAK for w in names):
        # a heading in title case ("Do Programmers Refactor Often?"): every word must be a name;
        # a label before a name in capitals ("Title RYAN LEWIS", "Debtor MARTIN JIMENEZ") is dropped
        while len(names) > 2 and not names[0].kinds & NAME and all(w.upper for w in names[1:]):
            names.pop(0)
            first = next(k for k in range(first + 1, last) if words[k] is names[0])
        if not all(w.kinds & NAME and not w.kinds & _WEAK for w in names):
            return None
    if name_context.title_after(doc, words, last) or name_context.role_list(doc, words[first].start):
        return None  # "Peter Fong, Principal", "Board of Education - Ana Ruiz, Ben Liao": in office
    if name_context.quoted_title(doc.text, words[first].start, words[last - 1].end):
        return None  # "The Magic Treehouse": the title of a work
    # "ICE Removals", "File Numbers", "An Alien's": every lexicon hit is also an institution or
    # table word or a common word; without one unambiguous name word, the run is no name
    if not (honorific or inverted) and not any(w.kinds & NAME and not w.kinds & _WEAK for w in names):
        return None
    given = [w for w in names if w.kinds & Kind.GIVEN]
    surname = [w for w in names if w.kinds & Kind.SURNAME]
    if given and surname and names[0].kinds & Kind.GIVEN and any(w.kinds & Kind.SURNAME for w in names[1:]):
        score, why = 0.9, "given name + surname from lexicons"
    elif given and surname:
        score, why = 0.85, "given name and surname from lexicons"
    elif given:
        score, why = 0.7, "given name from lexicon + capitalised words"
    elif surname and len(names) >= 2:
        score, why = 0.6, "surname from lexicon + capitalised words"
    elif len(surname) >= 2 or (surname and (honorific or inverted)):
        score, why = 0.6, "surnames from lexicon"
    elif honorific:
        score, why = 0.55, "capitalised words after an honorific"
    else:
        score, why = 0.3, "capitalised words"
    if all(w.kinds & (PLACE_LIKE | Kind.DEMONYM) for w in names):
        return None
    if last < len(words) and words[last].kinds & Kind.HEAD and words[last].capitalised \
            and re.fullmatch(r"\.?[ \t]{1,2}", doc.text[words[last - 1].end:words[last].start]):
        return None  # "Cesar Chavez Avenue", "Martin Luther King Jr. Day": a place or an event
    if honorific:
        score, why = min(0.99, score + 0.25), why + ", after an honorific"
    if before & Kind.CUE or _cue_after(doc, words, last):
        score, why = min(0.99, score + 0.1), why + ", person context"
    if inverted:
        score, why = min(0.99, score + 0.1), why + ", 'LAST, First' form"
    start, end = words[first].start, words[last - 1].end
    if words[last - 1].initial and _dot_after(doc.text, words[last - 1]):
        end += 1
    if name_context.COUNT_ROW.match(doc.text, end):
        why += name_context.COUNT_ROW_WHY
    return Span(Entity.PERSON_NAME, start, end, doc.text[start:end], why, round(score, 2))


_CUE_AFTER = re.compile(r"^\s*(?:\(|,)?\s*(?:a|an|the|un|una|el|la)?\s*(?:a\s?#|a\s?no|dob|born|nacid|age|aged|"
                        r"detainee|respondent|applicant|client|minor|\d{2}\s?(?:years|anos))", re.IGNORECASE)


def _cue_after(doc: Doc, words: list[Word], last: int) -> bool:
    end = words[last - 1].end
    return bool(_CUE_AFTER.match(doc.text[end:end + 30]))
