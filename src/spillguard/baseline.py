"""Baselines of accepted findings: ``spillguard baseline create | update | audit``.

An entry is a keyed fingerprint, HMAC-SHA256 over the finding's rule, file (relative to the
baseline file), sheet or part, visibility, kinds of personal data and an order-independent
digest of the content behind it — never the content. Rows may move and sheets may be
reordered; a changed value, a new person or a different file makes a new fingerprint. Each entry
records who accepted it, when, and why.

The key comes from ``SPILLGUARD_BASELINE_KEY`` or the file named by ``baseline_key_file`` in the
config; without the key a fingerprint cannot be computed or checked (a baseline copied without
its key accepts nothing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from spillguard.errors import UsageError
from spillguard.model import Finding, Report

ENV_KEY = "SPILLGUARD_BASELINE_KEY"
DEFAULT_FILE = ".spillguard-baseline.json"
VERSION = 1


def load_key(key_file: str | None = None) -> bytes:
    value = os.environ.get(ENV_KEY)
    if value:
        return value.encode()
    if key_file:
        try:
            text = Path(key_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"cannot read the baseline key file {key_file}: {exc.strerror}") from None
        if text:
            return text.encode()
    raise UsageError(f"a baseline needs a secret key: set {ENV_KEY} (or baseline_key_file in the config)")


@dataclass(slots=True)
class Entry:
    fingerprint: str
    rule: str
    file: str
    where: str
    title: str
    accepted_by: str
    accepted_at: str
    reason: str


@dataclass(slots=True)
class Baseline:
    path: Path
    key: bytes
    entries: dict[str, Entry] = field(default_factory=dict)

    @property
    def key_id(self) -> str:
        return hmac.new(self.key, b"spillguard-baseline-key-id", hashlib.sha256).hexdigest()[:12]

    # -- fingerprints --------------------------------------------------------------------------
    def relative(self, path: str) -> str:
        """A file's path relative to the baseline file's folder (where it is kept, with the data)."""
        try:
            return Path(os.path.relpath(Path(path).resolve(), self.path.resolve().parent)).as_posix()
        except ValueError:  # another drive
            return Path(path).name

    def relative_file(self, finding: Finding) -> str:
        top, sep, inner = finding.location.file.partition("!/")
        return self.relative(top) + (sep + inner if sep else "")

    def fingerprint(self, finding: Finding) -> str:
        loc = finding.location
        parts = [finding.rule, self.relative_file(finding), loc.sheet or loc.part or "", finding.visibility.value,
                 ",".join(sorted(e.value for e in finding.entities)), finding.digest or finding.title]
        return hmac.new(self.key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def where(finding: Finding) -> str:
        loc = finding.location
        return " › ".join(x for x in ((loc.sheet and f"sheet '{loc.sheet}'") or loc.part, loc.range) if x)

    # -- reading and writing -------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path, key: bytes) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"no baseline file {path} (create one with `spillguard baseline create`)") from None
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read the baseline {path}: {exc}") from None
        base = cls(path, key)
        if data.get("version") != VERSION or "entries" not in data:
            raise UsageError(f"{path} is not a spillguard baseline (version {VERSION})")
        if data.get("key_id") != base.key_id:
            raise UsageError(f"{path} was made with another key (its key id is {data.get('key_id')}); "
                             f"set {ENV_KEY} to the key it was made with")
        try:
            base.entries = {e["fingerprint"]: Entry(**e) for e in data["entries"]}
        except (TypeError, KeyError) as exc:
            raise UsageError(f"{path}: malformed entry ({exc})") from None
        return base

    def save(self) -> None:
        data = {"version": VERSION, "key_id": self.key_id,
                "entries": [asdict(e) for e in sorted(self.entries.values(), key=lambda e: (e.file, e.rule, e.where))]}
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(self.path)

    # -- using it ------------------------------------------------------------------------------
    def accept(self, finding: Finding, by: str, reason: str) -> Entry:
        fp = self.fingerprint(finding)
        entry = Entry(fp, finding.rule, self.relative_file(finding), self.where(finding), finding.title, by,
                      dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), reason)
        self.entries[fp] = entry
        return entry

    def filter(self, report: Report) -> None:
        """Remove accepted findings from the report (SG9xx errors are never accepted)."""
        kept = []
        for f in report.findings:
            if not f.rule.startswith("SG9") and self.fingerprint(f) in self.entries:
                report.baselined += 1
            else:
                kept.append(f)
        report.findings = kept


def acceptable(report: Report) -> list[Finding]:
    return [f for f in report.findings if not f.rule.startswith("SG9")]


def apply(report: Report, baseline_file: str | None, key_file: str | None) -> Report:
    """Drop the findings a baseline accepts (when one is configured)."""
    if baseline_file:
        Baseline.load(Path(baseline_file), load_key(key_file)).filter(report)
    return report
