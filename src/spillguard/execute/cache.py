"""The scan cache: a file unchanged since its last scan (same bytes, same settings, same
spillguard) is not scanned again — for ``watch``, ``check`` and site audits over thousands of files.

Entries live in the store (table ``scan_cache``), keyed by the file's SHA-256 and a digest of the
settings that could change what is found. They hold the masked findings only: never unmasked
samples (nothing is cached under ``--show-values``), never the unkeyed content digests a baseline
needs (nothing is cached when a baseline is applied), never a file that could not be fully
inspected (an SG9xx result is always retried). A cached result is re-labelled with the name the
file has now, so a file moved or copied elsewhere is recognised too."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from spillguard import __version__, intent
from spillguard.execute.task import FileResult
from spillguard.model import Detection, Entity, Finding, Location, Severity, Visibility

if TYPE_CHECKING:
    from spillguard.config import Config
    from spillguard.respond.store import Store

NAME = "\x00"  # stands for the file's own name inside a cached result


def allowed(config: Config) -> bool:
    """Unmasked samples are never stored, and a baseline needs the digests a cache leaves out."""
    return not config.show_values and not config.baseline


def settings_digest(config: Config, name: str) -> str:
    """What, besides the bytes, decides a file's findings: version, settings, its declared intent
    and the fingerprints' content."""
    plain = dataclasses.replace(config, execution=dataclasses.replace(config.execution, cache=None, jobs=1,
                                                                      dask=None), source=None)
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{__version__}\x1f{plain!r}\x1f{intent.for_file(config.intents, name)!r}".encode())
    if config.fingerprints:
        h.update(file_sha256(Path(config.fingerprints)).encode())
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _rename(text: str, old: str, new: str) -> str:
    return new + text[len(old):] if text == old or text.startswith(old + "!/") else text


def encode(result: FileResult) -> dict[str, Any]:
    name = result.name
    return {
        "findings": [{**f.to_json(), "file": _rename(f.location.file, name, NAME),
                      "entities": [e.value for e in f.entities]} for f in result.findings],
        "tables": [{**dataclasses.asdict(t), "file": _rename(t.file, name, NAME)} for t in result.tables],
        "suppressed": result.suppressed, "allowed": result.allowed, "bytes": result.bytes,
        "coverage": result.coverage,
    }


def decode(data: dict[str, Any], name: str) -> FileResult:
    from spillguard.checks.disclosure import TableSummary

    findings = []
    for f in data["findings"]:
        findings.append(Finding(
            rule=f["rule"], severity=Severity.parse(f["severity"]), title=f["title"],
            location=Location(file=_rename(f["file"], NAME, name), **f["location"]),
            visibility=Visibility(f["visibility"]), entities=[Entity(e) for e in f["entities"]],
            records=f["records"], rows=f["rows"], samples=list(f["samples"]), why=f["why"],
            confidence=f["confidence"],
            detections=[Detection(entity=Entity(d["entity"]), line=d["line"], column=d["column"],
                                  confidence=d["confidence"], why=d["why"], sample=d["sample"])
                        for d in f["detections"]]))
    tables = [TableSummary(**{**t, "file": _rename(t["file"], NAME, name)}) for t in data["tables"]]
    return FileResult(name=name, findings=findings, errors=[], tables=tables, suppressed=data["suppressed"],
                      allowed=data["allowed"], bytes=data["bytes"], cached=True,
                      coverage=data.get("coverage", {}))


class ScanCache:
    def __init__(self, store: Store) -> None:
        self.store = store

    allowed = staticmethod(allowed)

    @staticmethod
    def key(path: Path, config: Config, name: str) -> tuple[str, str]:
        return file_sha256(path), settings_digest(config, name)

    def get(self, content: str, settings: str, name: str) -> FileResult | None:
        from spillguard.respond.models import ScanCacheEntry
        from spillguard.respond.store import now

        with self.store.session() as s:
            entry = s.scalars(select(ScanCacheEntry).where(ScanCacheEntry.content_sha256 == content,
                                                           ScanCacheEntry.settings == settings)).first()
            if entry is None:
                return None
            entry.used_at = now()
            s.commit()
            return decode(entry.result, name)

    def put(self, content: str, settings: str, result: FileResult) -> None:
        from sqlalchemy.exc import IntegrityError

        from spillguard.respond.models import ScanCacheEntry
        from spillguard.respond.store import now

        if result.errors or result.cached:
            return  # what could not be fully inspected is always scanned again
        with self.store.session() as s:
            s.add(ScanCacheEntry(content_sha256=content, settings=settings, result=encode(result),
                                 bytes=result.bytes, stored_at=now(), used_at=now()))
            try:
                s.commit()
            except IntegrityError:  # another run stored the same file meanwhile
                s.rollback()

    def forget(self) -> int:
        """Empty the cache (``spillguard cache clear``); returns how many entries went."""
        from sqlalchemy import delete

        from spillguard.respond.models import ScanCacheEntry

        with self.store.session() as s:
            gone = s.execute(delete(ScanCacheEntry)).rowcount
            s.commit()
        return int(gone or 0)

