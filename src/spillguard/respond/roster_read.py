"""Reading a case-system roster export so that it cannot be misread.

Case systems export rosters in many shapes: ``FULL_NAME`` or ``Full Name`` or ``fullName``,
commas or semicolons or tabs, UTF-8, UTF-16 or Windows-1252, CSV or a workbook; removal dates
with times and zones. This module reads any of them into rows of the roster's fields and says
what it understood — which column became which field, how many values of each status and
language, which values it could not parse — so that the caller can refuse *before* anything is
written. Nothing is guessed: a custody status is mapped from an explicit vocabulary (extendable),
an unknown one is listed as an error; a date that does not parse is listed, never dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from spillguard.errors import UsageError

#: roster field → accepted column names, folded (see ``fold``); ``--map field=Column`` adds one
COLUMNS: dict[str, tuple[str, ...]] = {
    # English, then the languages of the notices case workers export in (Spanish, French, Portuguese)
    "a_number": ("a number", "anumber", "alien number", "a#", "alien registration number", "a no", "alien reg",
                 "a nbr", "numero a", "numero de extranjero", "numero etranger", "numero de estrangeiro"),
    "name": ("name", "full name", "detainee name", "nombre", "person name", "subject name", "nombre completo",
             "nom", "nom complet", "nome", "nome completo"),
    "birth_date": ("birth date", "date of birth", "dob", "fecha de nacimiento", "birthdate", "fecha nacimiento",
                   "date de naissance", "data de nascimento", "data nascimento"),
    "language": ("preferred language", "language", "idioma", "lang", "primary language", "language spoken",
                 "idioma preferido", "langue", "langue preferee", "lingua", "idioma preferencial"),
    "custody": ("custody status", "custody", "status", "detention status", "current status", "estado de custodia",
                "estado", "situacion", "statut", "statut de detention", "situation", "situacao",
                "estado de detencao"),
    "facility": ("facility", "current facility", "detention facility", "facility name", "centro de detencion",
                 "centre de detention", "centro de detencao", "etablissement"),
    "attorney_name": ("attorney", "attorney name", "attorney of record", "atty name", "representative",
                      "attorney of record name", "abogado", "nombre del abogado", "avocat", "nom de l avocat",
                      "advogado", "nome do advogado"),
    "attorney_email": ("attorney email", "attorney e mail", "atty email", "attorney of record email",
                       "correo del abogado", "email del abogado", "courriel de l avocat", "email de l avocat",
                       "email do advogado"),
    "attorney_address": ("attorney address", "attorney postal address", "atty address",
                         "attorney of record address", "direccion del abogado", "adresse de l avocat",
                         "endereco do advogado"),
    "removal_date": ("removal date", "removed on", "date removed", "removal datetime", "departure date",
                     "removal date time", "fecha de expulsion", "fecha de deportacion", "fecha de remocion",
                     "date d expulsion", "date de renvoi", "data de remocao", "data de deportacao"),
    "address": ("current address", "mailing address", "address", "person address", "direccion", "domicilio",
                "direccion actual", "adresse", "adresse actuelle", "endereco", "endereco atual"),
}

#: custody status (folded) → category; ``--status VALUE=category`` extends it
CATEGORIES = ("in_custody", "released", "removed", "lifted")
STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(("in custody", "detained", "in ice custody", "custody", "booked in", "not released",
                     "bond denied", "active", "in detention", "transferred", "pending transfer",
                     "hospitalized", "en custodia", "detenido", "detenida", "en detention", "detenu", "detenue",
                     "detido", "detida", "sob custodia"), "in_custody"),
    **dict.fromkeys(("released", "released on bond", "bond", "bonded out", "bond posted", "paroled", "parole",
                     "released on parole", "atd", "released atd", "alternatives to detention",
                     "released on recognizance", "order of recognizance", "orr", "released orr",
                     "released to sponsor", "liberado", "liberada", "liberado bajo fianza", "libere", "liberee",
                     "libere sous caution", "libertado", "libertada", "solto", "solta"), "released"),
    **dict.fromkeys(("removed", "deported", "removal", "departed", "voluntary departure", "returned",
                     "removed deported", "repatriated", "deportado", "deportada", "expulsado", "expulsada",
                     "expulse", "expulsee", "renvoye", "renvoyee", "removido", "removida"), "removed"),
    **dict.fromkeys(("hold lifted", "lifted", "case closed"), "lifted"),
}
#: a share of values past which a column that does not parse refuses the whole import
MAX_UNPARSED = 0.02
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
#: dates with the month's name, or the year first (numeric day-month dates: ``NUMERIC_DATE``)
_DATE_FORMATS = ("%d-%b-%Y", "%d-%b-%Y %H:%M", "%d %b %Y", "%b %d, %Y", "%B %d, %Y", "%Y/%m/%d", "%d-%b-%y",
                 "%d %B %Y", "%Y/%m/%d %H:%M")


def _plain(text: str) -> str:
    """Without accents (``Expulsión`` → ``Expulsion``)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold(header: str) -> str:
    """``FULL_NAME``, ``Full-Name``, ``fullName``, `` full  name ``, ``Date d'expulsion`` → ``full
    name``, ``date d expulsion`` (case, accents, separators and apostrophes folded)."""
    text = _CAMEL.sub(" ", _plain(header.strip().lstrip("\ufeff")))
    text = re.sub(r"[_\-./:()'’]+", " ", text.lower())
    return " ".join(text.split())


def status_key(value: str) -> str:
    return " ".join(re.sub(r"[_\-/,.()'’]+", " ", _plain(value).lower()).split())


#: a date written with numbers only, day and month in an order the column decides (time may follow)
NUMERIC_DATE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?=$|[ T])(.*)$")
ORDERS = ("dmy", "mdy", "serial1900", "serial1904")
#: a spreadsheet's day number exported as text (Excel, LibreOffice): 1955 to 2119 in either system
SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
#: day 0 of the 1900 system (Windows Excel; its phantom 29 Feb 1900 is behind every date used here)
#: and of the 1904 system (Excel for Mac before 2011)
_EPOCHS = {"serial1900": dt.datetime(1899, 12, 30), "serial1904": dt.datetime(1904, 1, 1)}


def date_order(values: list[str]) -> str | None:
    """The order of a column's numeric dates, from its values: ``dmy`` when some value's first
    part is above 12 (it can only be a day), ``mdy`` when some value's second part is; None when
    no value decides (every ``03/12/2022`` reads both ways); ``mixed`` when values say both."""
    day_first = month_first = False
    for value in values:
        m = NUMERIC_DATE.match(value.strip())
        if m:
            day_first |= int(m.group(1)) > 12
            month_first |= int(m.group(3)) > 12
    if day_first and month_first:
        return "mixed"
    return "dmy" if day_first else "mdy" if month_first else None


def parse_when(value: str, zone: dt.tzinfo, order: str = "mdy") -> dt.datetime | None:
    """A date or date-time as an aware datetime (a date alone is the start of that day, a time
    without a zone is in ``zone``); None when it does not parse. ISO 8601 (with ``T`` or a space,
    ``Z`` or an offset) through the standard library; numeric day and month in ``order`` (the
    column's, see :func:`date_order`); month names in the usual forms."""
    text = value.strip()
    if not text:
        return None
    parsed: dt.datetime | None = None
    if order in _EPOCHS:
        if not SERIAL.match(text):
            return None
        return (_EPOCHS[order] + dt.timedelta(days=float(text))).replace(microsecond=0, tzinfo=zone)
    m = NUMERIC_DATE.match(text)
    if m:
        first, second, year = int(m.group(1)), int(m.group(3)), m.group(4)
        day, month = (first, second) if order == "dmy" else (second, first)
        full = int(year) if len(year) == 4 else 2000 + int(year) if int(year) < 69 else 1900 + int(year)
        try:
            parsed = dt.datetime(full, month, day)
        except ValueError:
            return None
        rest = m.group(5).strip()
        if rest:
            for fmt in ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p"):
                try:
                    t = dt.datetime.strptime(rest, fmt)
                    parsed = parsed.replace(hour=t.hour, minute=t.minute, second=t.second)
                    break
                except ValueError:
                    continue
            else:
                return None
        return parsed.replace(tzinfo=zone)
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


@cache
def _languages() -> dict[str, str]:
    """Language names and ISO 639-1/2/3 codes (pycountry) → the shortest code."""
    import pycountry

    out: dict[str, str] = {}
    for lang in pycountry.languages:
        code = getattr(lang, "alpha_2", None) or lang.alpha_3
        for key in (lang.alpha_3, getattr(lang, "alpha_2", None), getattr(lang, "bibliographic", None),
                    lang.name, getattr(lang, "common_name", None), getattr(lang, "inverted_name", None)):
            if key:
                out.setdefault(key.lower(), code)
    # names case systems use that ISO 639 spells otherwise
    out.update({"mandarin": "zh", "cantonese": "yue", "chinese": "zh", "haitian creole": "ht", "creole": "ht",
                "kreyol": "ht", "kreyòl": "ht", "farsi": "fa", "persian": "fa", "español": "es", "espanol": "es",
                "portugues": "pt", "português": "pt", "k'iche'": "quc", "kiche": "quc", "quiche": "quc",
                "mam": "mam", "q'anjob'al": "kjb", "kanjobal": "kjb", "dari": "prs", "pashto": "ps",
                "tigrinya": "ti", "punjabi": "pa", "russian": "ru", "arabic": "ar", "french": "fr"})
    return out


def language_code(value: str) -> str | None:
    """``Spanish``, ``spa``, ``es``, ``es-MX``, ``Haitian Creole`` → an ISO 639 code; None when unknown."""
    text = value.strip().lower()
    if not text:
        return None
    table = _languages()
    if text in table:
        return table[text]
    base = re.split(r"[-_ ]", text, maxsplit=1)[0]
    return table.get(base) if re.fullmatch(r"[a-z]{2,3}[-_][a-z0-9]{2,4}", text) else None


@dataclass(slots=True)
class Understood:
    """What an import understood of the roster, printed before anything is written."""

    columns: dict[str, str] = field(default_factory=dict)  # field → column
    unmatched_columns: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)  # category (or "unknown") → rows
    languages: Counter[str] = field(default_factory=Counter)  # code (or "unknown") → rows
    unmapped_statuses: Counter[str] = field(default_factory=Counter)
    unknown_languages: Counter[str] = field(default_factory=Counter)
    unparsed_dates: dict[str, int] = field(default_factory=dict)  # field → count
    date_orders: dict[str, str] = field(default_factory=dict)  # field → dmy | mdy, decided by its values
    encoding_evidence: str = ""  # known non-ASCII names under each legacy encoding tried
    title_rows: int = 0  # rows above the header (an export's title), skipped
    dated_statuses: int = 0  # custody values that carried a date ("Removed 11/29/22")
    exact_duplicates: int = 0  # rows repeating a person exactly (one kept)
    conflicts: int = 0  # people in rows that disagree, decided by ``duplicate_decision``
    duplicate_decision: str | None = None
    encoding: str = "utf-8"
    delimiter: str = ","
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"read {len(self.rows):,} rows ({self.encoding}, delimiter {self.delimiter!r})"]
        if self.dated_statuses:
            out.append(f"  {self.dated_statuses:,} custody value(s) carried a date (\"Removed 11/29/22\"): the "
                       "status read, a removal's date taken as its removal date")
        if self.title_rows:
            out.append(f"  skipped {self.title_rows} row(s) above the header (a title)")
        if self.encoding_evidence:
            out.append(f"  encoding chosen by the names it makes (known non-ASCII names: {self.encoding_evidence})")
        out += [f"  {col!r} → {name}" for name, col in self.columns.items()]
        if self.unmatched_columns:
            out.append("  not used: " + ", ".join(repr(c) for c in self.unmatched_columns))
        out.append("custody: " + ", ".join(f"{k} {v:,}" for k, v in sorted(self.statuses.items())))
        out.append("languages: " + ", ".join(f"{k} {v:,}" for k, v in self.languages.most_common()))
        out += [f"dates of {self.columns.get(k, k)!r}: {'day-first' if v == 'dmy' else 'month-first'} (from its values)"
                for k, v in self.date_orders.items()]
        if self.exact_duplicates:
            out.append(f"{self.exact_duplicates:,} rows repeat a person exactly (one kept)")
        if self.conflicts:
            out.append(f"{self.conflicts:,} people in rows that disagree: kept the {self.duplicate_decision} row")
        out += [f"error: {e}" for e in self.errors]
        return out


#: single-byte encodings case systems export in; where they differ (ã/ă, è/č) names decide
LEGACY = ("cp1252", "cp1250", "cp1257", "mac_roman")


def _text(data: bytes, encoding: str | None, understood: Understood) -> tuple[str, str]:
    """The roster's text and its encoding: a byte-order mark or valid UTF-8 decide; otherwise each
    legacy encoding under which the bytes decode is tried, and the one whose non-ASCII words are
    names (or words) the lexicons know wins. A tie between readings that differ is asked
    (``--encoding``), with the letters they disagree on — never a name."""
    if encoding:
        try:
            return data.decode(encoding).lstrip("\ufeff"), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise UsageError(f"--encoding {encoding}: the roster does not decode ({type(exc).__name__})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    readings: dict[str, str] = {}
    for candidate in LEGACY:
        try:
            readings[candidate] = data.decode(candidate)
        except UnicodeDecodeError:
            continue
    if not readings:
        raise UsageError("the roster is in no encoding spillguard reads (UTF-8, UTF-16, "
                         + ", ".join(LEGACY) + "): say --encoding NAME")
    from spillguard.detect import lexicon

    known = lexicon.given_names() | lexicon.surnames() | lexicon.common_words()  # once, for every reading
    scores = {name: _known_words(text, known) for name, text in readings.items()}
    best = max(scores.values())
    winners = [name for name in readings if scores[name] == best]
    distinct = {readings[name] for name in winners}
    if len(distinct) > 1:
        first, second = winners[0], next(w for w in winners if readings[w] != readings[winners[0]])
        understood.errors.append(
            f"the roster is not UTF-8 and reads as {first} or {second}, with as many known names under each; the "
            f"letters they disagree on: {_differences(readings[first], readings[second])}; say --encoding {first} "
            f"or --encoding {second}")
    chosen = winners[0]
    understood.encoding_evidence = ", ".join(f"{name} {scores[name]:,}" for name in readings)
    return readings[chosen], chosen


def _known_words(text: str, known: frozenset[str]) -> int:
    """Distinct non-ASCII words of the text that the name lexicons or the word list know."""
    from spillguard.detect.base import fold

    words = {w for w in re.findall(r"[^\W\d_]+", text) if not w.isascii()}
    return sum(1 for w in words if fold(w) in known)


def _differences(a: str, b: str) -> str:
    """``ã/ă 14, è/č 9``: the letters two readings disagree on, with counts (no word is shown)."""
    pairs = Counter((x, y) for x, y in zip(a, b, strict=False) if x != y)
    return ", ".join(f"{x}/{y} {n:,}" for (x, y), n in pairs.most_common(6))


def _records(path: Path, understood: Understood, encoding: str | None = None,
             extra: tuple[str, ...] = ()) -> list[dict[str, str]]:
    data = path.read_bytes()
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            grid = book.get_sheet_by_index(0).to_python(skip_empty_area=True)
        except Exception as exc:  # calamine raises its own error types and, on damage, others
            raise UsageError(f"{path.name}: the workbook cannot be read ({type(exc).__name__})") from None
        understood.encoding, understood.delimiter = "workbook", "cells"
        return _table([[_cell(v) for v in row] for row in grid], understood, extra)
    text, understood.encoding = _text(data, encoding, understood)
    sample = text[:65536]
    if "\x00" in sample or sum(c.isprintable() or c in "\t\r\n" for c in sample) < 0.95 * len(sample):
        raise UsageError(f"{path.name}: not a roster (neither delimited text nor a workbook)")
    head = "\n".join(sample.split("\n")[:20])  # the header and the first rows decide
    try:
        understood.delimiter = csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        understood.delimiter = ","
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=understood.delimiter)
    try:
        grid = list(reader)
    except csv.Error as exc:
        raise UsageError(f"{path.name}: line {reader.line_num} cannot be read as CSV ({exc})") from None
    return _table(grid, understood, extra)


#: rows above the header an export may carry (a title, the date it was run, a blank line)
MAX_TITLE_ROWS = 15


def _table(grid: list[list[str]], understood: Understood, extra: tuple[str, ...]) -> list[dict[str, str]]:
    """Records under the header row: the first row (of the first ``MAX_TITLE_ROWS``) in which at
    least two cells are known column names; the rows above it are titles, skipped and said."""
    known = {fold(n) for key, names in COLUMNS.items() for n in (key, *names)} | {fold(n) for n in extra}
    at = next((i for i, row in enumerate(grid[:MAX_TITLE_ROWS])
               if sum(1 for cell in row if cell and fold(str(cell)) in known) >= 2), 0)
    understood.title_rows = at
    if len(grid) <= at:
        return []
    head = [str(h).strip() for h in grid[at]]
    return [{h: (str(v) if v is not None else "").strip() for h, v in zip(head, row, strict=False) if h}
            for row in grid[at + 1:] if any(str(v).strip() for v in row)]


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def read(path: Path, mapping: dict[str, str], statuses: dict[str, str] | None = None,
         zone: dt.tzinfo = dt.UTC, date_orders: dict[str, str] | None = None,
         encoding: str | None = None) -> Understood:
    """Read and understand ``path``; ``understood.errors`` lists what must stop the import.
    ``date_orders`` (field → ``dmy`` | ``mdy``) decides a date column whose values cannot."""
    unknown = sorted(set(mapping) - set(COLUMNS))
    if unknown:
        raise UsageError(f"--map {', '.join(unknown)}: no such roster field (known: {', '.join(COLUMNS)})")
    bad = sorted({c for c in (statuses or {}).values() if c not in CATEGORIES})
    if bad:
        raise UsageError(f"--status …={', '.join(bad)}: no such category (known: {', '.join(CATEGORIES)})")
    understood = Understood()
    records = _records(path, understood, encoding, tuple(mapping.values()))
    if not records:
        raise UsageError(f"{path.name}: the roster is empty")
    headers = list(records[0])
    folded = {fold(h): h for h in headers}
    for key, names in COLUMNS.items():
        if key in mapping:
            if mapping[key] not in headers:
                raise UsageError(f"--map {key}={mapping[key]}: no such column in {path.name} "
                                 f"(columns: {', '.join(headers)})")
            understood.columns[key] = mapping[key]
            continue
        found = next((folded[fold(n)] for n in (key, *names) if fold(n) in folded), None)
        if found is not None and found not in understood.columns.values():
            understood.columns[key] = found
    understood.unmatched_columns = [h for h in headers if h not in understood.columns.values()]
    if "a_number" not in understood.columns and "name" not in understood.columns:
        understood.errors.append(f"no A-number or name column (columns: {', '.join(headers)}; "
                                 "use --map a_number=COLUMN)")
    vocabulary = {**STATUS_WORDS, **{status_key(k): v for k, v in (statuses or {}).items()}}
    rows = [{k: (r.get(col) or "").strip() for k, col in understood.columns.items()} for r in records]
    _dated_statuses(rows, vocabulary, understood)
    orders = _orders(rows, understood, date_orders or {})
    for row in rows:
        raw = row.get("custody", "")
        category = vocabulary.get(status_key(raw)) if raw else "unknown"
        if category is None:
            understood.unmapped_statuses[raw] += 1
            category = "unmapped"
        row["_category"] = category
        understood.statuses[category] += 1
        lang = row.get("language", "")
        code = language_code(lang) if lang else None
        if lang and code is None:
            understood.unknown_languages[lang] += 1
        row["_language"] = code or ""
        understood.languages[code or ("unknown" if not lang else f"unrecognised ({lang})")] += 1
        for key in ("removal_date", "birth_date"):
            value = row.get(key, "")
            when = parse_when(value, zone, orders.get(key) or "mdy") if value else None
            if value and when is None:
                understood.unparsed_dates[key] = understood.unparsed_dates.get(key, 0) + 1
            row[f"_{key}"] = when.isoformat() if when else ""
            # a day alone says when only to the day: compared by day, never as midnight
            row[f"_{key}_day"] = "1" if when and not re.search(r"\d[:h]\d", value) else ""
    understood.rows = rows
    if understood.unmapped_statuses:
        shown = ", ".join(f"{v!r} ({n:,})" for v, n in understood.unmapped_statuses.most_common(10))
        understood.errors.append(f"custody values not in the vocabulary: {shown}; map them with "
                                 f"--status VALUE=CATEGORY ({', '.join(CATEGORIES)})")
    for key, n in understood.unparsed_dates.items():
        filled = sum(1 for r in rows if r.get(key))  # the share of the column's filled cells, not of all rows
        if n > MAX_UNPARSED * filled:
            understood.errors.append(f"{n:,} of {filled:,} values of {understood.columns[key]!r} ({key}) "
                                     "are not dates")
    return understood


#: a custody value that carries its date ("Removed 11/29/22", "Deported on 2022-11-29")
_DATED_STATUS = re.compile(r"^(?P<word>.*?[^\d\s])\s*(?:[-:,]\s*)?(?:on |le |el |em )?"
                           r"(?P<date>\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d\d-\d\d)\s*$", re.IGNORECASE)


def _dated_statuses(rows: list[dict[str, str]], vocabulary: dict[str, str], understood: Understood) -> None:
    """A custody value with a date in it is the status and, for a removal with no removal date of
    its own, that date (read in the removal column's order, decided with its values)."""
    for row in rows:
        raw = row.get("custody", "")
        m = _DATED_STATUS.match(raw) if raw and status_key(raw) not in vocabulary else None
        if m is None or status_key(m.group("word")) not in vocabulary:
            continue
        row["custody"] = m.group("word").strip()
        if vocabulary[status_key(m.group("word"))] == "removed" and not row.get("removal_date"):
            row["removal_date"] = m.group("date")
        understood.dated_statuses += 1


def _orders(rows: list[dict[str, str]], understood: Understood, given: dict[str, str]) -> dict[str, str]:
    """Each date column's day-month order, from its own values or the user's option; a column whose
    values say both, or none while some read both ways, is refused with the question to answer."""
    bad = sorted(f"{k}={v}" for k, v in given.items() if k not in ("removal_date", "birth_date") or v not in ORDERS)
    if bad:
        raise UsageError(f"--date-order {', '.join(bad)}: FIELD=dmy, mdy, serial1900 or serial1904 for "
                         "removal_date or birth_date")
    out = {}
    for key in ("removal_date", "birth_date"):
        values = [r[key] for r in rows if r.get(key)]
        found = date_order(values)
        column = understood.columns.get(key, key)
        numeric = sum(1 for v in values if NUMERIC_DATE.match(v))
        serials = sum(1 for v in values if SERIAL.match(v))
        if serials:  # day numbers: which spreadsheet system made them is asked, never guessed
            if given.get(key) in _EPOCHS and not numeric:
                out[key] = given[key]
            elif numeric:
                understood.errors.append(f"{column!r} ({key}) mixes spreadsheet day numbers and written dates: "
                                         "fix the export")
            else:
                understood.errors.append(
                    f"{serials:,} values of {column!r} ({key}) are spreadsheet day numbers (such as 44895), which "
                    "name different days in the two systems (30 Nov 2022 in Windows Excel's 1900 system, "
                    f"1 Dec 2026 in the 1904 system of older Mac Excel): say --date-order {key}=serial1900 or "
                    f"--date-order {key}=serial1904")
            continue
        if given.get(key) in _EPOCHS:
            understood.errors.append(f"--date-order {key}={given[key]}, but {column!r} holds no day numbers")
            continue
        if key in given:
            if found not in (None, given[key]):
                understood.errors.append(f"--date-order {key}={given[key]}, but values of {column!r} can only be "
                                         f"{found}")
            out[key] = given[key]
        elif found == "mixed":
            understood.errors.append(f"{column!r} ({key}) holds dates written day-first and others month-first: "
                                     "fix the export (no order fits every value)")
        elif found is None and numeric:
            understood.errors.append(f"{numeric:,} values of {column!r} ({key}) such as 03/12/2022 read both "
                                     f"day-first and month-first, and none decides: say --date-order {key}=dmy "
                                     f"or --date-order {key}=mdy")
        elif found is not None:
            out[key] = found
            understood.date_orders[key] = found
    return out
