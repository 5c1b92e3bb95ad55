"""The central types: Location, Visibility, Content (Table | Text), Finding, Report."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl


class Visibility(StrEnum):
    """How a reader of the published file would (not) see a piece of content."""

    VISIBLE = "visible"
    HIDDEN_SHEET = "hidden_sheet"
    VERY_HIDDEN_SHEET = "very_hidden_sheet"
    HIDDEN_ROW = "hidden_row"
    HIDDEN_COLUMN = "hidden_column"
    FILTERED_OR_GROUPED = "filtered_or_grouped"
    PIVOT_CACHE = "pivot_cache"
    EXTERNAL_LINK_CACHE = "external_link_cache"
    CHART_CACHE = "chart_cache"
    DEFINED_NAME = "defined_name"
    DATA_VALIDATION = "data_validation"
    COMMENT = "comment"
    TRACKED_CHANGE = "tracked_change"
    HIDDEN_TEXT = "hidden_text"
    CAMOUFLAGED = "camouflaged"
    METADATA = "metadata"
    SPEAKER_NOTES = "speaker_notes"
    EMBEDDED_OBJECT = "embedded_object"
    BEYOND_USED_RANGE = "beyond_used_range"
    EARLIER_REVISION = "earlier_revision"
    HIDDEN_SLIDE = "hidden_slide"
    UNDER_REDACTION = "under_redaction"
    #: a part of a package no dedicated reader knows, read as text by the catch-all
    OTHER_PART = "other_part"
    #: a worksheet's print header or footer (on paper, not on screen)
    PRINT_HEADER_FOOTER = "print_header_footer"
    #: a hyperlink's target or tooltip (not shown unless hovered or followed)
    HYPERLINK = "hyperlink"
    #: a text literal inside a formula (the cell shows the result)
    FORMULA = "formula"
    #: a shared string no cell uses any more (what a deleted sheet or cell leaves behind)
    UNUSED_STRING = "unused_string"
    #: a Word field code (the page shows its result) or mail-merge settings
    FIELD_CODE = "field_code"
    #: a slide layout or master text no slide shows (unused layouts, placeholder prompts)
    SLIDE_TEMPLATE = "slide_template"
    #: under a shape or picture laid over it
    COVERED = "covered"
    #: in a PDF layer (optional content) switched off
    LAYER_OFF = "layer_off"
    #: outside the page's crop box or clip path
    OUTSIDE_PAGE = "outside_page"
    #: in a form field marked hidden
    HIDDEN_FIELD = "hidden_field"

    @property
    def hidden(self) -> bool:
        return self is not Visibility.VISIBLE


class Entity(StrEnum):
    """Kinds of personal data. A closed set: extend only by adding."""

    PERSON_NAME = "PERSON_NAME"
    A_NUMBER = "A_NUMBER"
    SSN = "SSN"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    NATIONALITY = "NATIONALITY"
    FACILITY = "FACILITY"
    ADDRESS = "ADDRESS"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    PASSPORT = "PASSPORT"
    USCIS_RECEIPT = "USCIS_RECEIPT"
    I94 = "I94"
    GPS_LOCATION = "GPS_LOCATION"
    #: another country's identity number with a check digit (python-stdnum): CURP, 身份证号…
    NATIONAL_ID = "NATIONAL_ID"
    #: a payment card number (Luhn, issuer prefix)
    PAYMENT_CARD = "PAYMENT_CARD"


#: Entities that point at one person by themselves.
DIRECT_IDENTIFIERS = frozenset(
    {
        Entity.PERSON_NAME,
        Entity.A_NUMBER,
        Entity.SSN,
        Entity.PASSPORT,
        Entity.USCIS_RECEIPT,
        Entity.I94,
        Entity.NATIONAL_ID,
        Entity.PAYMENT_CARD,
    }
)

#: Identifier strength, strongest first: people are de-duplicated by the first one present.
IDENTIFIER_PRIORITY: tuple[Entity, ...] = (
    Entity.A_NUMBER,
    Entity.SSN,
    Entity.PASSPORT,
    Entity.USCIS_RECEIPT,
    Entity.I94,
    Entity.NATIONAL_ID,
    Entity.PAYMENT_CARD,
    Entity.EMAIL,
    Entity.PERSON_NAME,
)


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (one of: {names})") from None


@dataclass(frozen=True, slots=True)
class Location:
    """Whatever pins a thing down so that a person can open the file and see it."""

    file: str
    part: str | None = None
    sheet: str | None = None
    range: str | None = None
    page: int | None = None
    line: int | None = None
    column: int | None = None

    def with_(self, **changes: Any) -> Location:
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return Location(**values)

    def to_json(self) -> dict[str, Any]:
        return {"part": self.part, "sheet": self.sheet, "range": self.range, "page": self.page,
                "line": self.line, "column": self.column}

    def describe(self) -> str:
        bits = [self.file]
        if self.sheet:
            bits.append(f"sheet '{self.sheet}'")
        elif self.part:
            bits.append(self.part)
        if self.range:
            bits.append(self.range)
        if self.page is not None:
            bits.append(f"page {self.page}")
        if self.line is not None:
            bits.append(f"line {self.line}" + (f":{self.column}" if self.column is not None else ""))
        return " › ".join(bits)


@dataclass(slots=True)
class Table:
    """Column-wise content, streamed in batches of string columns.

    ``batches`` yields polars DataFrames whose columns are all strings (nulls for empty cells),
    named ``c0..cN`` in the order of ``headers``. It may be consumed exactly once.
    """

    location: Location
    visibility: Visibility
    headers: list[str]
    batches: Iterable[pl.DataFrame]
    #: extra words for the finding, e.g. "source sheet 'Data' was deleted"
    note: str | None = None
    #: False when columns are not aligned rows (e.g. pivot shared items without records)
    row_aligned: bool = True
    #: the sheet row number of each row the batches yield, filled as they are consumed, when
    #: the reader knows them (spreadsheets); and the sheet column (0-based) of ``c0``
    row_numbers: list[int] | None = None
    first_col: int = 0


@dataclass(slots=True)
class Text:
    """A run of text with its place. ``label`` says what it is (e.g. 'comment by', 'creator')."""

    location: Location
    visibility: Visibility
    text: str
    label: str | None = None
    #: the whole text the run was cut from, aligned with it character for character (a covered
    #: run's page): detectors read it for cue words, only spans inside the run itself count
    context: str | None = None


@dataclass(slots=True)
class Notice:
    """A structural fact only the format reader can see (an external link, a macro project...)."""

    rule: str
    title: str
    location: Location
    visibility: Visibility
    why: str
    severity: Severity | None = None
    #: personal data the fact itself is (a GPS position), for the finding
    entities: list[Entity] = field(default_factory=list)


@dataclass(slots=True)
class Incomplete:
    """A part that could not be inspected while the rest of the file could (fail closed)."""

    rule: str
    reason: str
    location: Location


def add_coverage(into: dict[str, dict[str, int]], other: dict[str, dict[str, int]]) -> None:
    """Sum per-reader part counts (``Report.coverage``) into ``into``."""
    for reader, counts in other.items():
        mine = into.setdefault(reader, {})
        for key, n in counts.items():
            mine[key] = mine.get(key, 0) + n


Content = Table | Text | Notice | Incomplete
ContentStream = Iterator[Content]


@dataclass(frozen=True, slots=True)
class Detection:
    """One detected value inside a text finding: where it is, how sure, why (masked sample)."""

    entity: Entity
    line: int | None
    column: int | None
    confidence: float
    why: str
    sample: str

    def to_json(self) -> dict[str, Any]:
        return {"entity": self.entity.value, "line": self.line, "column": self.column,
                "confidence": self.confidence, "why": self.why, "sample": self.sample}


@dataclass(slots=True)
class Finding:
    rule: str
    severity: Severity
    title: str
    location: Location
    visibility: Visibility
    entities: list[Entity] = field(default_factory=list)
    records: int | None = None
    rows: int | None = None
    samples: list[str] = field(default_factory=list)
    why: str = ""
    #: how sure the detection behind the finding is (0..1); None for structural findings
    confidence: float | None = None
    #: the detected values of a text finding, in order (capped; masked unless asked)
    detections: list[Detection] = field(default_factory=list)
    #: an unkeyed digest of the content behind the finding, order-independent (rows may move);
    #: only ever used through a keyed HMAC (spillguard.baseline), never written out
    digest: str | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.label,
            "title": self.title,
            "file": self.location.file,
            "location": self.location.to_json(),
            "visibility": self.visibility.value,
            "entities": [e.value for e in self.entities],
            "records": self.records,
            "rows": self.rows,
            "samples": list(self.samples),
            "why": self.why,
            "confidence": self.confidence,
            "detections": [d.to_json() for d in self.detections],
        }


@dataclass(slots=True)
class InspectionError:
    file: str
    rule: str
    reason: str
    part: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "rule": self.rule, "reason": self.reason, "part": self.part}


@dataclass(slots=True)
class Stats:
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    #: files served from the scan cache (unchanged since their last scan)
    cached: int = 0


@dataclass(slots=True)
class Report:
    findings: list[Finding] = field(default_factory=list)
    errors: list[InspectionError] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    fail_on: Severity = Severity.HIGH
    #: findings muted by --ignore/--select, counted so a reader knows they exist
    suppressed: int = 0
    #: findings a file's declared intent allows (a staff directory's names), and baseline matches
    allowed: int = 0
    baselined: int = 0
    #: one summary per table (spillguard.checks.disclosure.TableSummary), for release diffs
    tables: list[Any] = field(default_factory=list)
    #: parts of containers by reader: {"xlsx": {"read": n, "structural": n, "catch_all": n}}
    coverage: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        """Fail closed: any SG9xx error blocks, as does any finding at or above ``fail_on``."""
        return bool(self.errors) or any(f.severity >= self.fail_on for f in self.findings)

    @property
    def decision(self) -> str:
        return "block" if self.blocked else "pass"

    def files(self) -> list[str]:
        seen: dict[str, None] = {}
        for f in self.findings:
            seen.setdefault(f.location.file, None)
        for e in self.errors:
            seen.setdefault(e.file, None)
        return list(seen)
