"""The rule catalogue: stable codes, one line each. Baselines and users' configs refer to them."""

from __future__ import annotations

from dataclasses import dataclass

from spillguard.model import Finding, InspectionError, Location, Severity, Visibility


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    summary: str
    default: Severity
    #: named cases the rule of evidence gives another severity (``"one incidental name"`` → medium)
    variants: tuple[tuple[str, Severity], ...] = ()

    def severity(self, variant: str | None = None) -> Severity:
        """The default, or the severity of a named case.

        Raises:
            KeyError: a case the rule does not declare.
        """
        if variant is None:
            return self.default
        return dict(self.variants)[variant]


_RULES = [
    # SG1xx: hidden or camouflaged content that holds data but no recognised personal data
    Rule("SG101", "hidden-sheet-content", "A hidden sheet holds content.", Severity.LOW),
    Rule("SG102", "very-hidden-sheet-content",
         "A very-hidden sheet (unhideable from Excel's menus) holds content.", Severity.LOW),
    Rule("SG103", "hidden-rows-content", "Hidden rows hold content.", Severity.LOW),
    Rule("SG104", "hidden-columns-content", "Hidden columns hold content.", Severity.LOW),
    Rule("SG105", "filtered-or-grouped-content",
         "Rows hidden by a filter or a collapsed group hold content.", Severity.LOW),
    Rule("SG106", "beyond-used-range",
         "Cells far outside the visible block of the sheet hold content.", Severity.LOW),
    Rule("SG107", "camouflaged-content",
         "Content is camouflaged (white-on-white, tiny font, ';;;' cell format).", Severity.LOW),
    Rule("SG108", "pivot-cache-records",
         "A pivot table carries a cached copy of its source rows.", Severity.LOW),
    Rule("SG109", "chart-cache-hidden-data",
         "A chart caches values from a hidden or deleted range (a cache that repeats visible cells, "
         "or a chart drawn from a hidden range with no cache: info).", Severity.LOW,
         (("repeats visible cells", Severity.INFO),)),
    Rule("SG110", "external-link-cache",
         "An external-link cache holds values copied from another workbook.", Severity.LOW),
    Rule("SG111", "defined-name-constant", "A defined name holds constant values.", Severity.LOW),
    Rule("SG112", "data-validation-list", "A data-validation list holds values.", Severity.INFO),
    Rule("SG113", "comments", "Cell comments or threaded comments hold text.", Severity.LOW),
    Rule("SG114", "embedded-object", "An embedded object or file travels inside the file.",
         Severity.LOW),
    Rule("SG115", "macros", "The file carries a macro (VBA) project.", Severity.LOW),
    Rule("SG116", "hidden-data-table",
         "A hidden place holds a data table of 100 rows or more, with no personal data recognised in it "
         "(reported: where a table sits never blocks alone; was high).", Severity.LOW),
    Rule("SG117", "tracked-changes",
         "Tracked changes (deleted or inserted text) remain in the document.", Severity.LOW),
    Rule("SG118", "hidden-text",
         "Text is formatted as hidden, or sits where no reader sees it (alt text, off-slide).",
         Severity.LOW),
    Rule("SG119", "speaker-notes", "Speaker notes hold text.", Severity.LOW),
    Rule("SG120", "earlier-revision", "An earlier revision of the file is kept inside it.",
         Severity.LOW),
    Rule("SG121", "hidden-slide", "A hidden slide holds content.", Severity.LOW),
    Rule("SG122", "bad-redaction",
         "Text under a redaction box or mark can still be selected and copied.", Severity.HIGH),
    Rule("SG123", "no-text-layer",
         "Pages without a text layer (scans) could not be read for text.", Severity.INFO),
    Rule("SG124", "empty-file", "The file is empty (0 bytes): nothing to leak (was SG907).", Severity.INFO),
    Rule("SG125", "other-part-text",
         "A part no dedicated reader knows holds text (read by the catch-all).", Severity.LOW),
    Rule("SG126", "print-header-footer", "A worksheet's print header or footer holds text.", Severity.INFO),
    Rule("SG127", "unused-shared-strings",
         "The shared-string table keeps strings no cell uses (left by deleted cells or sheets).", Severity.LOW),
    Rule("SG128", "covered-content", "A shape or picture laid over content hides it.", Severity.LOW),
    Rule("SG129", "layer-off", "A PDF layer (optional content) switched off holds text.", Severity.LOW),
    Rule("SG130", "outside-page", "Text lies outside the page's crop box or clip path.", Severity.LOW),
    Rule("SG131", "hidden-form-field", "A form field marked hidden holds a value.", Severity.LOW),
    Rule("SG132", "picture-not-read",
         "A picture large enough to hold text could not be read by OCR (no tesseract, or over the "
         "time budget).", Severity.INFO),
    # SG2xx: personal data by entity type
    Rule("SG201", "personal-records-hidden",
         "Per-person records (a direct identifier plus other personal data) in a hidden place.",
         Severity.CRITICAL),
    Rule("SG202", "personal-records-visible",
         "Per-person records (a direct identifier plus other personal data) in plain view.",
         Severity.HIGH),
    Rule("SG203", "identifier-column",
         "A column of personal identifiers (names, A-numbers, SSNs...) on its own.",
         Severity.MEDIUM),
    Rule("SG204", "identifier-column-hidden",
         "A column of personal identifiers on its own, in a hidden place.", Severity.HIGH),
    Rule("SG205", "personal-data-in-text",
         "Personal identifiers in text (comments, names, lists).", Severity.MEDIUM),
    Rule("SG206", "birth-dates", "A column of birth dates.", Severity.MEDIUM),
    Rule("SG207", "personal-data-list-in-text",
         "Text that lists many people: 10 or more distinct direct identifiers (names, A-numbers...).",
         Severity.HIGH),
    Rule("SG208", "personal-data-in-unseen-text",
         "Personal identifiers in text no reader is meant to see: tracked changes, hidden or "
         "camouflaged text, an earlier revision, text under a redaction box (one incidental name "
         "alone there: medium).", Severity.HIGH, (("one incidental name", Severity.MEDIUM),)),
    Rule("SG209", "linked-identity-in-text",
         "Text in plain view names a person with an A-number, birth date or document number (or an "
         "A-number with a birth date or document number): a personal record, one person is enough.",
         Severity.HIGH),
    Rule("SG212", "people-in-public-role",
         "A table names people in a public role (officials, candidates: told from its own columns of "
         "office and party), with no private identifier: reported, not blocking.", Severity.MEDIUM),
    Rule("SG211", "linked-identity-hidden",
         "A linked identity (a name or A-number with an A-number, birth date or document number) in "
         "a place no reader sees: metadata, comments, notes, headers of hidden parts, hidden text.",
         Severity.CRITICAL),
    # SG5xx: metadata
    Rule("SG210", "leaked-records",
         "The file carries records of a known leak (its fingerprints match).", Severity.CRITICAL),
    # SG3xx: disclosure risk (granularity, small cells, k-anonymity) and declared intent
    Rule("SG301", "row-level-beside-aggregates",
         "A row-level table (one row per person or event) sits in a file of aggregate tables.",
         Severity.MEDIUM),
    Rule("SG302", "row-level-with-identifiers",
         "A row-level table is keyed by direct identifiers (one row per identified person).", Severity.HIGH),
    Rule("SG303", "small-cell", "An aggregate table publishes counts below the minimum cell size.",
         Severity.MEDIUM),
    Rule("SG304", "recoverable-cell",
         "A suppressed cell can be recovered by subtraction from published totals.", Severity.MEDIUM),
    Rule("SG305", "low-k-anonymity",
         "A row-level table without names has records in groups smaller than k over its "
         "quasi-identifiers (birth date, nationality, facility, sex, dates...).", Severity.MEDIUM),
    Rule("SG311", "intent-not-aggregate",
         "A file declared aggregate holds a row-level table.", Severity.HIGH),
    Rule("SG312", "intent-min-cell", "A file breaks its declared minimum cell size.", Severity.HIGH),
    Rule("SG313", "intent-k", "A file breaks its declared k-anonymity.", Severity.HIGH),
    Rule("SG314", "intent-entities",
         "A file holds personal data its declared intent does not allow.", Severity.HIGH),
    Rule("SG315", "intent-structure",
         "A file holds sheets or columns its declared intent does not list.", Severity.HIGH),
    # SG4xx: release drift (spillguard diff / check --previous)
    Rule("SG401", "new-table", "A table (sheet, part) is new since the previous release.", Severity.MEDIUM),
    Rule("SG402", "removed-table", "A table of the previous release is gone.", Severity.INFO),
    Rule("SG403", "columns-changed",
         "A table has columns the previous release did not (medium), or lost some (info).", Severity.MEDIUM),
    Rule("SG404", "turned-row-level",
         "A table that was aggregate in the previous release is row-level now.", Severity.HIGH),
    Rule("SG405", "row-count-jump", "A table's row count changed beyond the tolerance.", Severity.MEDIUM),
    Rule("SG406", "file-size-jump", "A file's size changed beyond the tolerance.", Severity.LOW),
    Rule("SG407", "new-entity-types",
         "Personal data of a kind the previous release did not hold.", Severity.HIGH),
    Rule("SG408", "stale-period",
         "The release's latest period is not later than the previous release's (stale or regressed).",
         Severity.MEDIUM),
    Rule("SG409", "new-file", "A file is new since the previous release.", Severity.INFO),
    Rule("SG410", "removed-file", "A file of the previous release is gone.", Severity.INFO),
    Rule("SG501", "person-name-in-properties",
         "A person's name in the document properties (author, last modified by...); an author field "
         "holding someone the name lexicons do not know: info.", Severity.LOW, (("an unknown author", Severity.INFO),)),
    Rule("SG502", "personal-data-in-properties",
         "Personal identifiers in document properties.", Severity.MEDIUM),
    Rule("SG503", "external-link-target", "The file links to another file by path or URL.",
         Severity.INFO),
    Rule("SG504", "gps-position", "A picture records where it was taken (EXIF GPS position).",
         Severity.MEDIUM),
    Rule("SG505", "thumbnail-differs",
         "A picture's embedded thumbnail differs from the picture (it may show what was cropped or "
         "blacked out); high when the thumbnail shows a face or text, medium otherwise (was high).",
         Severity.MEDIUM, (("shows a face or text", Severity.HIGH),)),
    # SG9xx: could not inspect (always fails the gate)
    Rule("SG901", "corrupt", "The file or a part of it is corrupt or truncated.", Severity.CRITICAL),
    Rule("SG902", "encrypted", "The file is encrypted or password-protected.", Severity.CRITICAL),
    Rule("SG903", "resource-limit",
         "The file exceeds a size, ratio or count limit (possible zip bomb).", Severity.CRITICAL),
    Rule("SG904", "unsafe-xml",
         "An XML part declares a DTD or entities (possible entity bomb).", Severity.CRITICAL),
    Rule("SG905", "unsupported-format", "The file's format is unknown or not supported yet.",
         Severity.CRITICAL),
    Rule("SG906", "part-not-inspected",
         "A part of the file could not be read (data model, binary object...).", Severity.CRITICAL),
    Rule("SG907", "empty-file-retired",
         "Retired: an empty file is SG124 (info) now; kept so that old configs still load.", Severity.CRITICAL),
    Rule("SG908", "read-error", "The file could not be read (permissions, I/O).", Severity.CRITICAL),
    Rule("SG909", "internal-error", "spillguard failed while reading the file.", Severity.CRITICAL),
    Rule("SG910", "worker-lost",
         "The process scanning the file died (out of memory, killed, crashed) or its cluster went away.",
         Severity.CRITICAL),
]

RULES: dict[str, Rule] = {r.code: r for r in _RULES}

#: The SG1xx rule for content with no recognised personal data, by where it hides.
HIDDEN_PLACE_RULE: dict[Visibility, str] = {
    Visibility.HIDDEN_SHEET: "SG101",
    Visibility.VERY_HIDDEN_SHEET: "SG102",
    Visibility.HIDDEN_ROW: "SG103",
    Visibility.HIDDEN_COLUMN: "SG104",
    Visibility.FILTERED_OR_GROUPED: "SG105",
    Visibility.BEYOND_USED_RANGE: "SG106",
    Visibility.CAMOUFLAGED: "SG107",
    Visibility.PIVOT_CACHE: "SG108",
    Visibility.CHART_CACHE: "SG109",
    Visibility.EXTERNAL_LINK_CACHE: "SG110",
    Visibility.DEFINED_NAME: "SG111",
    Visibility.DATA_VALIDATION: "SG112",
    Visibility.COMMENT: "SG113",
    Visibility.EMBEDDED_OBJECT: "SG114",
    Visibility.TRACKED_CHANGE: "SG117",
    Visibility.HIDDEN_TEXT: "SG118",
    Visibility.SPEAKER_NOTES: "SG119",
    Visibility.EARLIER_REVISION: "SG120",
    Visibility.HIDDEN_SLIDE: "SG121",
    Visibility.UNDER_REDACTION: "SG122",
    Visibility.OTHER_PART: "SG125",
    Visibility.PRINT_HEADER_FOOTER: "SG126",
    Visibility.UNUSED_STRING: "SG127",
    Visibility.COVERED: "SG128",
    Visibility.LAYER_OFF: "SG129",
    Visibility.OUTSIDE_PAGE: "SG130",
    Visibility.HIDDEN_FIELD: "SG131",
}

#: Places whose text is everywhere and harmless without personal data (links, formulas, field
#: codes, layout prompts): they become findings only when they hold personal data.
QUIET_PLACES = frozenset({Visibility.HYPERLINK, Visibility.FORMULA, Visibility.FIELD_CODE,
                          Visibility.SLIDE_TEMPLATE})

#: Words a person understands for each hidden place (used in titles and the web app later).
PLACE_WORDS: dict[Visibility, str] = {
    Visibility.VISIBLE: "in plain view",
    Visibility.HIDDEN_SHEET: "on a hidden sheet",
    Visibility.VERY_HIDDEN_SHEET: "on a very-hidden sheet",
    Visibility.HIDDEN_ROW: "in hidden rows",
    Visibility.HIDDEN_COLUMN: "in hidden columns",
    Visibility.FILTERED_OR_GROUPED: "in rows hidden by a filter or collapsed group",
    Visibility.PIVOT_CACHE: "in a pivot table's cache",
    Visibility.EXTERNAL_LINK_CACHE: "in an external-link cache",
    Visibility.CHART_CACHE: "in a chart's cache",
    Visibility.DEFINED_NAME: "in a defined name",
    Visibility.DATA_VALIDATION: "in a data-validation list",
    Visibility.COMMENT: "in comments",
    Visibility.TRACKED_CHANGE: "in tracked changes",
    Visibility.HIDDEN_TEXT: "in hidden text",
    Visibility.CAMOUFLAGED: "in camouflaged content",
    Visibility.METADATA: "in document properties",
    Visibility.SPEAKER_NOTES: "in speaker notes",
    Visibility.EMBEDDED_OBJECT: "in an embedded object",
    Visibility.BEYOND_USED_RANGE: "far outside the visible block",
    Visibility.EARLIER_REVISION: "in an earlier revision",
    Visibility.HIDDEN_SLIDE: "on a hidden slide",
    Visibility.UNDER_REDACTION: "under a redaction box",
    Visibility.OTHER_PART: "in a part no reader knows",
    Visibility.PRINT_HEADER_FOOTER: "in a print header or footer",
    Visibility.HYPERLINK: "in a hyperlink's target or tooltip",
    Visibility.FORMULA: "in a formula",
    Visibility.UNUSED_STRING: "in shared strings no cell uses",
    Visibility.FIELD_CODE: "in field codes or mail-merge settings",
    Visibility.SLIDE_TEMPLATE: "in a slide layout or master no slide shows",
    Visibility.COVERED: "under a shape or picture laid over it",
    Visibility.LAYER_OFF: "in a PDF layer switched off",
    Visibility.OUTSIDE_PAGE: "outside the visible page",
    Visibility.HIDDEN_FIELD: "in a hidden form field",
}


#: Places whose text the author did not mean to publish: personal data there is SG208 (high).
UNSEEN_TEXT = frozenset({Visibility.TRACKED_CHANGE, Visibility.HIDDEN_TEXT, Visibility.CAMOUFLAGED,
                         Visibility.EARLIER_REVISION, Visibility.HIDDEN_SLIDE, Visibility.UNDER_REDACTION,
                         Visibility.OTHER_PART, Visibility.UNUSED_STRING, Visibility.COVERED,
                         Visibility.LAYER_OFF, Visibility.OUTSIDE_PAGE, Visibility.HIDDEN_FIELD,
                         Visibility.FIELD_CODE, Visibility.SLIDE_TEMPLATE, Visibility.HYPERLINK})


def is_fatal(code: str) -> bool:
    """SG9xx: could not inspect. Always fails the gate."""
    return code.startswith("SG9")


def not_inspected(rule: str, reason: str, location: Location) -> tuple[InspectionError, Finding]:
    """An SG9xx as an error, and as a blocking finding too, so that a consumer reading only the
    findings still fails closed."""
    return (InspectionError(file=location.file, rule=rule, reason=reason, part=location.part),
            Finding(rule=rule, severity=RULES[rule].default, title=f"Not fully inspected: {reason}",
                    location=location, visibility=Visibility.VISIBLE,
                    why="an input that could not be fully inspected fails the gate (fail closed)"))


@dataclass(frozen=True, slots=True)
class Clause:
    """One line of the rule of evidence: what was found, where, and what follows."""

    evidence: str
    place: str
    rule: str
    variant: str | None = None

    @property
    def severity(self) -> Severity:
        return RULES[self.rule].severity(self.variant)


#: The rule of evidence (README, "What blocks and what is only reported"): a file blocks because
#: of evidence that it discloses people's personal data, or because its bytes could not be read;
#: where something sits sets how it is reported, never alone whether it blocks. Each clause's
#: severity is the registry's, so the README table, ``spillguard rules`` and the code agree.
EVIDENCE: tuple[Clause, ...] = (
    # blocks (at the default --fail-on high)
    Clause("a linked identity: a name or A-number with an A-number, a birth date or a document number",
           "plain view", "SG209"),
    Clause("a linked identity", "any hidden place (metadata, comments, caches, revisions, objects…)", "SG211"),
    Clause("a list of people: 10 or more distinct direct identifiers in text", "anywhere", "SG207"),
    Clause("a table of personal records (an identifier with another personal attribute)", "plain view", "SG202"),
    Clause("a table of personal records", "any hidden place", "SG201"),
    Clause("a row-level table keyed by identified people", "anywhere", "SG302"),
    Clause("a column of identifiers", "any hidden place", "SG204"),
    Clause("personal data beyond a single incidental name", "text no reader is meant to see", "SG208"),
    Clause("a differing thumbnail that shows a face or text", "EXIF thumbnail", "SG505", "shows a face or text"),
    Clause("records of a known leak (fingerprints)", "anywhere", "SG210"),
    Clause("bytes that could not be read: corrupt, encrypted, over a limit, a format whose reader is "
           "missing, a part still compressed or encrypted after the known decodings", "—", "SG906"),
    # reported, not blocking
    Clause("a column of identifiers, names mentioned in text", "plain view", "SG203"),
    Clause("hidden structure with no personal data: hidden sheets, rows, columns, caches of aggregates, "
           "however large", "hidden places", "SG116"),
    Clause("one incidental name (an author, an annotator, a name in alt text or an earlier revision)",
           "text no reader is meant to see", "SG208", "one incidental name"),
    Clause("a person's name in document properties", "metadata", "SG501"),
    Clause("people in a public role (officials with party and office, candidates with votes), no private "
           "identifier", "anywhere", "SG212"),
    Clause("a camera position with no person", "EXIF", "SG504"),
    Clause("a differing thumbnail with no face and no text in it", "EXIF thumbnail", "SG505"),
    Clause("a chart cache that repeats visible cells", "chart cache", "SG109", "repeats visible cells"),
    Clause("earlier revisions that show nothing the latest does not", "earlier revision", "SG120"),
    Clause("text in a part no reader knows, with no personal data", "other part", "SG125"),
)


def evidence_table() -> str:
    """The rule of evidence as the README's Markdown table."""
    lines = ["| evidence | where | rule | severity | gate (default) |", "|---|---|---|---|---|"]
    for c in EVIDENCE:
        gate = "blocks" if c.severity >= Severity.HIGH else "reported"
        case = f" ({c.variant})" if c.variant else ""
        lines.append(f"| {c.evidence} | {c.place} | {c.rule}{case} | {c.severity.label} | {gate} |")
    return "\n".join(lines)
