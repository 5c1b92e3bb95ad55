"""Configuration: CLI options over ``spillguard.toml`` / ``[tool.spillguard]`` over defaults."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from spillguard import intent
from spillguard.errors import UsageError
from spillguard.intent import Intent
from spillguard.model import Severity
from spillguard.rules import RULES

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one file may cost. Exceeding one is SG903 (fail closed)."""

    max_file_bytes: int = 4096 * MiB
    max_part_bytes: int = 1024 * MiB  # one decompressed zip member
    max_total_bytes: int = 4096 * MiB  # all members of one zip, decompressed
    max_ratio: int = 1000  # decompressed / compressed, for members over 1 MiB
    max_members: int = 20_000
    max_depth: int = 3  # archives / embedded objects inside each other
    batch_rows: int = 65_536
    #: pages without a text layer read by OCR per PDF, when ``tesseract`` is installed (0: never)
    ocr_pages: int = 50
    ocr_seconds_per_page: int = 60
    #: pictures (in documents, or image files) read by OCR per top-level file (0: never), and the
    #: pixels a picture needs to be read (a logo or an icon holds no roster)
    ocr_pictures: int = 20
    ocr_picture_pixels: int = 150_000
    #: wall-clock budget for one top-level file (0: none). Hard in worker processes (a worker
    #: past it is killed), best effort in the calling process (Python code is interrupted)
    seconds_per_file: int = 600
    #: pixels of one picture (width × height) before it is decoded: decompression bombs
    image_pixels: int = 100_000_000
    #: objects in one PDF, and decoded bytes of one of its (Flate) streams: PDF bombs
    pdf_objects: int = 1_000_000
    pdf_stream_bytes: int = 256 * MiB
    #: wall-clock budget of one LibreOffice conversion of a legacy .doc / .ppt
    convert_seconds: int = 120
    #: cells one sheet may span (rows × columns from its first to its last used cell): calamine
    #: holds a sheet as a dense grid, so one cell at A1 and one at XFD1048576 would ask 512 GiB
    sheet_cells: int = 100_000_000


@dataclass(frozen=True, slots=True)
class Disclosure:
    """Defaults of the disclosure checks; a file's declared intent can set its own."""

    #: counts from 1 to min_cell − 1 in an aggregate table are small cells (zeros are allowed)
    min_cell: int = 11
    #: every combination of quasi-identifiers should be shared by at least k records
    k: int = 5
    #: header names of the quasi-identifiers (empty: detected — birth dates, nationality, sex, dates…)
    quasi_identifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DiffSettings:
    """Tolerances of ``spillguard diff`` / ``check --previous``."""

    #: a row count may change by this share either way (0.5: from 100 rows, 50 to 150 pass)
    rows: float = 0.5
    #: ... and by at least this many rows before it is reported
    min_rows: int = 20
    #: a file may grow or shrink by this factor
    size: float = 3.0
    #: report a latest period that did not move forward
    stale_period: bool = True


@dataclass(frozen=True, slots=True)
class Execution:
    """How a run is carried out, never what it finds (results are the same for every setting).
    Set by command-line options only, not by config files."""

    #: worker processes on this machine; 1 = in this process; 0 = one per core
    jobs: int = 1
    #: a Dask scheduler address, or ``local:N`` for a LocalCluster of N worker processes
    dask: str | None = None
    #: the store (``--db`` URL or path) whose scan cache skips files already scanned unchanged
    cache: str | None = None


@dataclass(frozen=True, slots=True)
class Config:
    fail_on: Severity = Severity.HIGH
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    show_values: bool = False
    exclude: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    #: text detections under this confidence are not reported (0..1)
    min_confidence: float = 0.5
    #: optional NER plug-in for text: "spacy:<package or path>" or "gliner:<path>"
    ner: str | None = None
    disclosure: Disclosure = field(default_factory=Disclosure)
    diff: DiffSettings = field(default_factory=DiffSettings)
    #: what each published file is meant to be (spillguard.intent)
    intents: tuple[Intent, ...] = ()
    #: a baseline of accepted findings (spillguard.baseline) and where its key is
    baseline: str | None = None
    baseline_key_file: str | None = None
    #: fingerprints of a leaked data set (spillguard fingerprint build): SG210 on a match
    fingerprints: str | None = None
    fingerprint_key_file: str | None = None
    source: str | None = None  # the file the settings came from
    execution: Execution = field(default_factory=Execution)

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def _codes(value: Any, key: str) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    codes = tuple(str(c).strip().upper() for c in items if str(c).strip())
    for code in codes:
        if not any(r.startswith(code) for r in RULES):
            raise UsageError(f"{key}: unknown rule code or prefix {code!r}")
    return codes


def parse_codes(value: str | None, key: str) -> tuple[str, ...] | None:
    return None if value is None else _codes(value, key)


def from_mapping(data: dict[str, Any], source: str | None = None) -> Config:
    known = ({f.name for f in fields(Config)} - {"execution", "source"}) | {"fail-on", "intent"}
    unknown = set(data) - known
    if unknown:
        raise UsageError(f"{source or 'config'}: unknown setting(s): {', '.join(sorted(unknown))}")
    cfg = Config(source=source)
    try:
        if "fail_on" in data or "fail-on" in data:
            cfg = replace(cfg, fail_on=Severity.parse(str(data.get("fail_on", data.get("fail-on")))))
        if "select" in data:
            cfg = replace(cfg, select=_codes(data["select"], "select"))
        if "ignore" in data:
            cfg = replace(cfg, ignore=_codes(data["ignore"], "ignore"))
        if "exclude" in data:
            cfg = replace(cfg, exclude=tuple(str(g) for g in data["exclude"]))
        if "severity" in data:
            sev = {str(k).upper(): Severity.parse(str(v)) for k, v in data["severity"].items()}
            bad = [k for k in sev if k not in RULES or k.startswith("SG9")]
            if bad:
                raise UsageError(f"severity: cannot override {', '.join(bad)}")
            cfg = replace(cfg, severity=sev)
        if "min_confidence" in data:
            value = float(data["min_confidence"])
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"min_confidence must be between 0 and 1, not {value}")
            cfg = replace(cfg, min_confidence=value)
        if "ner" in data:
            cfg = replace(cfg, ner=str(data["ner"]) or None)
        if "disclosure" in data:
            d = dict(data["disclosure"])
            if "quasi_identifiers" in d:
                d["quasi_identifiers"] = tuple(str(q) for q in d["quasi_identifiers"])
            cfg = replace(cfg, disclosure=replace(Disclosure(), **d))
        for key in ("baseline", "baseline_key_file", "fingerprints", "fingerprint_key_file"):
            if key in data:
                cfg = replace(cfg, **{key: str(data[key]) or None})
        if "diff" in data:
            cfg = replace(cfg, diff=replace(DiffSettings(), **dict(data["diff"])))
        if "intent" in data:
            cfg = replace(cfg, intents=intent.parse(data["intent"], source))
        if "limits" in data:
            cfg = replace(cfg, limits=replace(Limits(), **{k: int(v) for k, v in data["limits"].items()}))
    except (ValueError, TypeError) as exc:
        raise UsageError(f"{source or 'config'}: {exc}") from None
    if data.get("show_values"):
        raise UsageError("show_values cannot be set in a config file; pass --show-values explicitly")
    return cfg


def load(path: Path | None = None, start: Path | None = None) -> Config:
    """Load ``path``, or the nearest ``spillguard.toml`` / ``pyproject.toml`` with
    ``[tool.spillguard]`` from ``start`` upwards. Raises UsageError on a malformed file."""
    if path is not None:
        return _load_file(path, required=True) or Config()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        for name in ("spillguard.toml", "pyproject.toml"):
            found = _load_file(folder / name, required=False)
            if found is not None:
                return found
    return Config()


def _load_file(path: Path, required: bool) -> Config | None:
    if not path.is_file():
        if required:
            raise UsageError(f"config file not found: {path}")
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read config {path}: {exc}") from None
    if path.name == "pyproject.toml":
        section = data.get("tool", {}).get("spillguard")
        if section is None:
            return None if not required else Config(source=str(path))
        data = section
    elif "spillguard" in data and isinstance(data["spillguard"], dict):
        data = data["spillguard"]
    return from_mapping(data, source=str(path))
