"""The per-file task every backend runs, and what it sends back.

A task gets the name to show, where to read the file (a local path, or an fsspec URL read by the
worker) and the settings; it returns the file's findings, errors and table summaries. It never
raises for a bad file: like the scanner, it turns every failure into an SG9xx entry."""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from spillguard.execute.result import FileResult, is_url, local_path, lost
from spillguard.inspection import Inspector

if TYPE_CHECKING:
    from spillguard.config import Config


#: one scanner per settings in each worker process (NER models and fingerprints load once)
_SCANNERS: dict[str, Inspector] = {}


def _scanner(config: Config) -> Inspector:
    key = hashlib.blake2b(pickle.dumps(config), digest_size=16).hexdigest()
    if key not in _SCANNERS:
        _SCANNERS.clear()
        _SCANNERS[key] = Inspector(config)
    return _SCANNERS[key]


def warm(config: Config) -> None:
    """Build this process's scanner (imports, name lexicons, automata) before any file's clock
    starts: a file's budget measures the file, not the worker's start-up on a loaded machine."""
    _scanner(config)


def over_budget(seconds: int) -> str:
    return f"inspecting the file took over {seconds:,} s (limit seconds_per_file)"


@contextmanager
def budget(seconds: int) -> Iterator[None]:
    """Interrupt the file's inspection after ``seconds`` with an SG903 (Python code only: a C call
    finishes first). Only in a process's main thread, where signals arrive; worker processes
    also have a hard limit (execute.local kills a worker past it)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum: int, frame: object) -> None:
        from spillguard.errors import ResourceLimit

        raise ResourceLimit(over_budget(seconds))

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def scan_file(name: str, location: str, config: Config, scanner: Inspector | None = None) -> FileResult:
    """Scan one top-level file. ``location`` is a path, or a URL the worker reads through fsspec."""
    from spillguard.errors import ResourceLimit

    scanner = scanner or _scanner(config)  # the worker's set-up is not the file's time
    try:
        with budget(config.limits.seconds_per_file):
            return _scan_file(name, location, config, scanner)
    except ResourceLimit as exc:  # the budget ran out outside the scanner's own guard
        return lost(name, "SG903", exc.reason)


def _scan_file(name: str, location: str, config: Config, scanner: Inspector | None) -> FileResult:
    scanner = scanner or _scanner(config)
    if not is_url(location):
        return scanner.scan_one(name, local_path(location))
    folder = Path(tempfile.mkdtemp(prefix="spillguard-fetch-"))
    try:
        copy = folder / "file"
        try:
            _fetch(location, copy, config.limits.max_file_bytes)
        except Exception as exc:  # any failure to fetch is SG908 for this file
            from spillguard.errors import ResourceLimit

            if isinstance(exc, ResourceLimit):
                return lost(name, "SG903", exc.reason)
            return lost(name, "SG908", f"cannot read the file from its URL ({type(exc).__name__})")
        return scanner.scan_one(name, copy)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _fetch(url: str, target: Path, limit: int) -> None:
    """Copy a remote file to ``target`` (owner-only), refusing one over ``limit`` bytes."""
    import fsspec

    from spillguard.errors import ResourceLimit

    total = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with fsspec.open(url, "rb") as src, os.fdopen(fd, "wb") as out:
        while block := src.read(1 << 20):
            total += len(block)
            if total > limit:
                raise ResourceLimit(f"the file is over the limit of {limit:,} bytes")
            out.write(block)


def scan_many(batch: list[tuple[str, str]], config: Config, task: Callable[..., FileResult] | None = None,
              ) -> list[FileResult]:
    """Several files in one task (a cluster's per-task cost is milliseconds: small files go in
    batches); one file's failure is its own SG909, never the batch's."""
    out = []
    for name, location in batch:
        try:
            out.append((task or scan_file)(name, location, config))
        except Exception as exc:  # an unexpected failure of one file's task: SG909 for that file
            out.append(lost(name, "SG909", f"spillguard failed while reading the file ({type(exc).__name__})"))
    return out
