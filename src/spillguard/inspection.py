"""The inspection of one top-level file: read it by its content, judge what it holds.

``Inspector.scan_one`` is what every execution backend (``execute/``) runs per file; ``scan`` is
the library's entry over them. It never raises for a bad input file: a file that cannot be fully
inspected becomes an SG9xx error (and a blocking finding). Reasons never quote file content.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from spillguard import formats, intent, policy
from spillguard.checks.content import table_finding, text_finding
from spillguard.checks.disclosure import TableObserver
from spillguard.checks.intent_checks import PER_PERSON, TableResult, allowed_entities, table_findings
from spillguard.config import Config, Disclosure
from spillguard.detect import ner
from spillguard.detect.columns import profile
from spillguard.detect.doc import Doc
from spillguard.detect.text import find_spans
from spillguard.errors import (
    CorruptFile,
    InspectionIncomplete,
    ReadError,
    ResourceLimit,
    UnsupportedFormat,
)
from spillguard.execute.result import FileResult
from spillguard.formats.base import Context, Source
from spillguard.model import (
    DIRECT_IDENTIFIERS,
    Content,
    Finding,
    Incomplete,
    Location,
    Notice,
    Report,
    Table,
    Text,
    Visibility,
)
from spillguard.rules import RULES, not_inspected

log = logging.getLogger(__name__)

def _panic(exc: BaseException) -> bool:
    """A Rust library's panic (pyo3's PanicException derives from BaseException): a file it
    could not parse, never a reason to stop the batch."""
    return type(exc).__name__ == "PanicException"


def _incomplete_from(exc: BaseException, part: str | None = None) -> tuple[str, str, str | None]:
    """Map an exception to (rule, reason, part). Reasons name the failure, never the data."""
    if isinstance(exc, InspectionIncomplete):
        return exc.rule, exc.reason, exc.part or part
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return CorruptFile.rule, "the zip container is corrupt or truncated", part
    if isinstance(exc, UnicodeError):
        return CorruptFile.rule, "a part is not valid text in its declared encoding", part
    if isinstance(exc, etree.XMLSyntaxError):
        if "Excessive depth" in str(exc):  # libxml2's own bound: 256 levels, 2,048 for huge trees
            return ResourceLimit.rule, "an XML part is nested deeper than the XML parser allows (depth limit)", part
        return CorruptFile.rule, "an XML part is malformed", part
    if isinstance(exc, NotImplementedError):  # e.g. a zip "version" or method Python cannot read
        return CorruptFile.rule, "the file uses a container feature that cannot be read", part
    if isinstance(exc, RecursionError):
        return ResourceLimit.rule, "the file's structure is nested too deeply to read", part
    if isinstance(exc, MemoryError):
        return ResourceLimit.rule, "reading the file needed more memory than is available", part
    if isinstance(exc, PermissionError | IsADirectoryError | FileNotFoundError):
        return ReadError.rule, f"cannot read the file ({type(exc).__name__})", part
    name = type(exc).__name__
    if _panic(exc):
        return CorruptFile.rule, "a library reading the file failed on its content (panic): damaged file", part
    if "calamine" in type(exc).__module__.lower() or name.startswith("Calamine"):
        return CorruptFile.rule, f"the workbook's cells cannot be parsed ({name})", part
    if type(exc).__module__.startswith(("pypdfium2", "pikepdf")):
        return CorruptFile.rule, f"the PDF is damaged: a page or object cannot be loaded ({name})", part
    return "SG909", f"spillguard failed while reading the file ({name}); please report it", part


#: a table this small is also read as text when its columns give no entity
SMALL_TABLE_ROWS = 50
SMALL_TABLE_CELLS = 500
#: text findings of a linked identity
LINKED_RULES = frozenset({"SG209", "SG211"})


def _small_table(table: Table):
    """The whole of a table of one small batch (a polars frame), its batches put back; else None."""
    batches = iter(table.batches)
    first = next(batches, None)
    if first is None:
        table.batches = iter(())
        return None
    second = next(batches, None)
    table.batches = itertools.chain([first], [] if second is None else [second], batches)
    if second is not None or first.height > SMALL_TABLE_ROWS or first.height * max(first.width, 1) > SMALL_TABLE_CELLS:
        return None
    return first


def _mostly_in(run: str, context: str, start: int, end: int) -> bool:
    """Most of a span's characters belong to the run (a box that misses a name's last letter
    still hides the name; a label beside the box is not hidden)."""
    chars = [k for k in range(start, end) if not context[k].isspace()]
    return bool(chars) and 2 * sum(run[k] == context[k] for k in chars) > len(chars)


def _digest(parts: list[str]) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "replace"), digest_size=16).hexdigest()


class Inspector:
    """Reads and judges files one at a time under one configuration (a process keeps one: name
    lexicons, NER models and fingerprints load once)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.report = Report(fail_on=config.fail_on)
        self.ctx = Context(limits=config.limits, nested=self._contents)
        self.ner = ner.load(config.ner) if config.ner else None
        #: the tables of the top-level file being scanned, by (nested) file
        self._tables: dict[str, list[TableResult]] = {}
        self._fingerprints: tuple | None = None

    # -- reading -------------------------------------------------------------------------------
    def _contents(self, source: Source) -> Iterator[Content]:
        """Every piece of content of one source; failures become Incomplete, never exceptions."""
        try:
            size = source.size
            if size == 0:
                # nothing to leak: reported, never blocking (a missing upload is still noticed)
                yield Notice("SG124", "The file is empty (0 bytes)", Location(file=source.name), Visibility.VISIBLE,
                             "an empty file holds no data; check that the upload is the file meant")
                return
            if size > self.config.limits.max_file_bytes:
                raise ResourceLimit(
                    f"the file is {size:,} bytes, over the limit of "
                    f"{self.config.limits.max_file_bytes:,} (max_file_bytes)"
                )
            head = source.head()
            fmt = formats.find(head)
            if fmt is None:
                raise UnsupportedFormat("the file's format is not recognised from its content")
            yield from fmt.read(source, self.ctx)
        except (GeneratorExit, KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # Exception, or a Rust library's panic (BaseException)
            if not isinstance(exc, Exception) and not _panic(exc):
                raise
            rule, reason, part = _incomplete_from(exc)
            log.debug("inspection of a file stopped: %s", type(exc).__name__)
            yield Incomplete(rule, reason, Location(file=source.name, part=part))

    # -- judging -------------------------------------------------------------------------------
    def _disclosure(self, declared: intent.Intent | None) -> Disclosure:
        d = self.config.disclosure
        if declared is None:
            return d
        return Disclosure(min_cell=declared.min_cell or d.min_cell, k=declared.k or d.k,
                          quasi_identifiers=declared.quasi_identifiers or d.quasi_identifiers)

    def _judge_table(self, table: Table) -> list[Finding]:
        declared = intent.for_file(self.config.intents, table.location.file)
        observer = TableObserver(table, self._disclosure(declared))
        small = _small_table(table)
        kept = None
        if table.visibility is Visibility.METADATA:  # a few fields: kept for the finding's wording
            kept = list(table.batches)
            table.batches = iter(kept)
        table.batches = observer.tee(iter(table.batches))
        prof = profile(table, show_values=self.config.show_values, min_confidence=self.config.min_confidence,
                       known=observer.classified)
        if prof.rows == 0 and any(h.strip() for h in table.headers):
            # a block of one row was taken for a header ("hidden 1 | hidden 2" alone on a hidden
            # sheet): its cells are the content, read as text in the table's place
            cells = "\t".join(h.strip() for h in table.headers if h.strip())
            return self._judge(Text(table.location, table.visibility, cells, label="one row"))
        main = table_finding(table, prof, kept)
        if small is not None and not prof.entities:
            # a few cells the column profile cannot type (a name and an A-number in one cell, a
            # header that says nothing): read as text in the table's place, so that they are judged
            cells = "\n".join("\t".join(v for v in row if v) for row in small.iter_rows() if any(row))
            if table.headers:
                cells = "\t".join(h for h in table.headers if h.strip()) + "\n" + cells
            as_text = self._judge(Text(table.location, table.visibility, cells, label="cells"))
            # in plain view only a linked identity counts: a visible column the profile did not
            # type (licence numbers shaped like A-numbers) is no list of people
            if as_text and as_text[0].entities and (table.visibility.hidden or as_text[0].rule in LINKED_RULES):
                main = as_text[0]
        observed = observer.finish(prof)
        for f in observed.findings:  # under a declared threshold, a small cell breaks a promise
            promised = declared is not None and (
                (f.rule == "SG303" and declared.min_cell) or (f.rule == "SG305" and declared.k))
            if promised:
                f.rule = {"SG303": "SG312", "SG305": "SG313"}[f.rule]
                f.severity = RULES[f.rule].default
        extra = []
        ids = {c.index for c in prof.columns if c.entity in DIRECT_IDENTIFIERS}
        others = [i for i in (*observed.shape.labels, *observed.shape.numeric) if i not in ids]
        public = main is not None and main.rule == "SG212"  # people in their office: no row-level table of people
        if (observed.shape.kind == "microdata" and (main is None or main.rule not in PER_PERSON) and prof.people
                and not public
                and others and prof.rows >= 10):
            extra.append(Finding(rule="SG302", severity=RULES["SG302"].default,
                                 title=f"A row-level table keyed by {prof.people:,} identified people",
                                 location=table.location, visibility=table.visibility, records=prof.people,
                                 why=observed.shape.why))
        for f in (main, *extra, *observed.findings):
            if f is not None:
                f.digest = observer.digest
        self._tables.setdefault(table.location.file, []).append(
            TableResult(observed, main, table.location, table.visibility,
                        per_person=bool(extra) or (main is not None and main.rule in PER_PERSON)))
        if observed.summary is not None:
            self.report.tables.append(observed.summary)
        return [f for f in (main, *extra, *observed.findings) if f is not None]

    def _judge(self, content: Content) -> list[Finding]:
        show = self.config.show_values
        if isinstance(content, Table):
            return self._judge_table(content)
        if isinstance(content, Text):
            aligned = content.context is not None and len(content.context) == len(content.text)
            doc = Doc(content.context if aligned else content.text)
            spans = find_spans(doc, self.config.min_confidence, self.ner)
            if aligned:  # the context's own words are read elsewhere: only what the run hides counts
                spans = [s for s in spans if _mostly_in(content.text, doc.text, s.start, s.end)]
            found = text_finding(content, doc, spans, show_values=show)
            if found is None:
                return []
            found.digest = _digest(sorted({s.value for s in spans}) or [content.text])
            return [found]
        if isinstance(content, Notice):
            rule = RULES[content.rule]
            return [Finding(rule=content.rule, severity=rule.default if content.severity is None else content.severity,
                            title=content.title, location=content.location,
                            visibility=content.visibility, why=content.why, entities=list(content.entities))]
        raise TypeError(type(content).__name__)

    def _add_error(self, rule: str, reason: str, location: Location) -> None:
        error, finding = not_inspected(rule, reason, location)
        self.report.errors.append(error)
        self.report.findings.append(finding)

    def _add(self, finding: Finding | None) -> None:
        if finding is None:
            return
        if finding.digest is None:  # structural findings: what they say is what they are
            finding.digest = _digest([finding.title, finding.why])
        kept = policy.apply(finding, self.config)
        if kept is None:
            self.report.suppressed += 1
        else:
            self.report.findings.append(kept)

    def scan_source(self, source: Source) -> None:
        first = len(self.report.findings)
        self._tables = {}
        for content in self._contents(source):
            if isinstance(content, Incomplete):
                self._add_error(content.rule, content.reason, content.location)
                continue
            try:
                for finding in self._judge(content):
                    self._add(finding)
            except BaseException as exc:  # tables are read lazily: a library may panic here too
                if not isinstance(exc, Exception) and not _panic(exc):
                    raise
                rule, reason, part = _incomplete_from(exc, content.location.part)
                self._add_error(rule, reason, content.location.with_(part=part))
        self._finish_files(first)
        if self.config.fingerprints and source.path is not None:
            self._leaked_records(source)

    def _finish_files(self, first: int) -> None:
        """File-level checks once a top-level file (and all it nests) has been read."""
        files = dict.fromkeys([*self._tables, *(f.location.file for f in self.report.findings[first:])])
        for file in files:
            declared = intent.for_file(self.config.intents, file)
            for finding in table_findings(file, self._tables.get(file, []), declared):
                self._add(finding)
            if declared is not None and declared.allow is not None:
                mine = [f for f in self.report.findings[first:] if f.location.file == file]
                kept, added, dropped = allowed_entities(file, mine, declared)
                keep_ids = {id(f) for f in kept}
                self.report.findings[first:] = [f for f in self.report.findings[first:]
                                                if f.location.file != file or id(f) in keep_ids]
                self.report.allowed += dropped
                for finding in added:
                    self._add(finding)
        self._tables = {}

    def _leaked_records(self, source: Source) -> None:
        """SG210 when the file carries records of a fingerprinted leak."""
        from spillguard.monitor.fingerprint import Fingerprints, load_key, match

        fp_path = Path(self.config.fingerprints or "")
        if self._fingerprints is None:
            key_file = Path(self.config.fingerprint_key_file) if self.config.fingerprint_key_file else None
            key = load_key(fp_path, key_file)
            self._fingerprints = (Fingerprints.load(fp_path, key), key)
        prints, key = self._fingerprints
        assert source.path is not None
        found, people = match(prints, key, source.path, self.config)
        if found:
            self._add(Finding(rule="SG210", severity=RULES["SG210"].default,
                              title=f"{found:,} records of a known leak ({prints.records:,} fingerprinted)",
                              location=Location(file=source.name), visibility=Visibility.VISIBLE, records=found,
                              why=f"{found:,} of the {people:,} people in the file match the fingerprints "
                                  f"{fp_path.name} (keyed HMACs of A-numbers and names with birth dates)"))

    def scan_one(self, name: str, path: Path) -> FileResult:
        """One top-level file's share of a report (what every execution backend runs)."""
        saved, self.report = self.report, Report(fail_on=self.config.fail_on)
        self.ctx.coverage = {}
        self.ctx.ocr_pictures = 0
        try:
            try:
                self.scan_source(Source(name=name, path=path))
            except Exception as exc:  # a bug outside the readers: still an SG9xx, never a crash
                rule, reason, part = _incomplete_from(exc)
                self._add_error(rule, reason, Location(file=name, part=part))
            size = 0
            with contextlib.suppress(OSError):
                size = path.stat().st_size
            r = self.report
            return FileResult(name=name, findings=r.findings, errors=r.errors, tables=r.tables,
                              suppressed=r.suppressed, allowed=r.allowed, bytes=size, coverage=self.ctx.coverage)
        finally:
            self.report = saved
